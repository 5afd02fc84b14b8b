package org.voxelforge.core.cuda;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where one library was found, or everywhere it was looked for. Discovery only checks that a
 * file exists; loading it ({@link CudaLibraries#load}) is a separate step.
 */
public record LibraryReport(CudaLibrary library, Optional<Path> path, List<LibrarySearchPath.Dir> looked) {
    public boolean found() { return path.isPresent(); }

    /** One line: the path, or what is missing and what still works. */
    public String summary() {
        return path.map(p -> library.title() + ": " + p)
                .orElseGet(() -> library.title() + ": not found (" + String.join(" or ", library.sonames()) + " in "
                        + looked.size() + " places); " + library.whenMissing());
    }

    /** The summary plus, when missing, every directory looked in. */
    public String details() {
        if (found()) return summary();
        StringBuilder sb = new StringBuilder(summary()).append("\n  looked in:");
        for (LibrarySearchPath.Dir d : looked) sb.append("\n    ").append(d);
        return sb.toString();
    }
}
