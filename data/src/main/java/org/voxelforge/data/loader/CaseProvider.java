package org.voxelforge.data.loader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.voxelforge.data.sampling.CaseVolume;

/** The training cases a loader draws from, by index; called from several worker threads. */
public interface CaseProvider {
    int size();

    String id(int index);

    CaseVolume load(int index) throws IOException;

    /** The case's annotation mask [X, Y, Z] (1 = annotated), or null when fully annotated. */
    default byte[] annotation(int index) { return null; }

    /** Cases already in memory, with optional annotation masks by case id. */
    static CaseProvider inMemory(List<CaseVolume> cases, Map<String, byte[]> annotations) {
        List<CaseVolume> copy = List.copyOf(cases);
        Map<String, byte[]> masks = annotations == null ? Map.of() : Map.copyOf(annotations);
        return new CaseProvider() {
            @Override public int size() { return copy.size(); }
            @Override public String id(int i) { return copy.get(i).id(); }
            @Override public CaseVolume load(int i) { return copy.get(i); }
            @Override public byte[] annotation(int i) { return masks.get(copy.get(i).id()); }
        };
    }

    /** Cases of a preprocessed folder ({@code images/<id>.npy}, {@code labels/<id>.npy}), read on each draw. */
    static CaseProvider npy(Path preprocessed, List<String> ids) {
        List<String> copy = List.copyOf(ids);
        return new CaseProvider() {
            @Override public int size() { return copy.size(); }
            @Override public String id(int i) { return copy.get(i); }
            @Override public CaseVolume load(int i) throws IOException { return CaseVolume.read(preprocessed, copy.get(i)); }
        };
    }
}
