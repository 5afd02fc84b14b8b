package org.voxelforge.data.dataset;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One patient of a MIST dataset: its id (the folder name), one image per modality in the order
 * of the description's {@code images}, and its mask (null for test patients without one).
 */
public record PatientCase(String id, Path folder, Map<String, Path> images, Path mask) {
    public PatientCase {
        images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
    }
}
