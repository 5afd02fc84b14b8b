package org.voxelforge.core.cuda;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The ordered directories where NVIDIA libraries are looked for, built from an
 * {@link Environment} so that tests can point it at fake directory trees. Order:
 * <ol>
 *   <li>{@code VOXELFORGE_CUDA_LIBS} (environment, or the system property {@code voxelforge.cuda.libs})</li>
 *   <li>{@code LD_LIBRARY_PATH}</li>
 *   <li>{@code CUDA_HOME}, then {@code CUDA_PATH} (each {@code lib64}, {@code lib})</li>
 *   <li>{@code /usr/local/cuda/lib64}</li>
 *   <li>the system library directories, then the directories {@code ldconfig -p} names</li>
 *   <li>{@code nvidia/*}{@code /lib} of Python environments: {@code $VIRTUAL_ENV}, {@code $CONDA_PREFIX},
 *       {@code ~/.local/lib/python3*}, {@code /usr/local/lib/python3*}, {@code /usr/lib/python3*}
 *       (their {@code site-packages} and {@code dist-packages}); pip's CUDA wheels live there.</li>
 * </ol>
 */
public final class LibrarySearchPath {
    /** One place to look and why it is on the list. */
    public record Dir(Path path, String origin) {
        @Override public String toString() { return path + " (" + origin + ")"; }
    }

    /**
     * What the search reads from the outside world.
     *
     * @param env      environment variables
     * @param libsProperty the value of {@code -Dvoxelforge.cuda.libs}, or null
     * @param root     where absolute system paths such as {@code /usr/lib64} are resolved ("/" for real)
     * @param home     the user's home directory
     * @param ldconfig the output of {@code ldconfig -p}, or "" when it cannot be run
     */
    public record Environment(Map<String, String> env, String libsProperty, Path root, Path home, Supplier<String> ldconfig) {
        /** This process's environment and file system. */
        public static Environment system() {
            String home = System.getenv().getOrDefault("HOME", System.getProperty("user.home", "/"));
            return new Environment(System.getenv(), System.getProperty("voxelforge.cuda.libs"), Path.of("/"), Path.of(home),
                    LibrarySearchPath::runLdconfig);
        }
    }

    static final List<String> SYSTEM_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64",
            "/lib64", "/usr/lib/wsl/lib");

    private LibrarySearchPath() {}

    public static List<Dir> directories(Environment e) {
        List<Dir> out = new ArrayList<>();
        String explicit = e.env().get("VOXELFORGE_CUDA_LIBS");
        if (explicit != null && !explicit.isBlank()) addList(out, explicit, "VOXELFORGE_CUDA_LIBS");
        if (e.libsProperty() != null && !e.libsProperty().isBlank()) addList(out, e.libsProperty(), "-Dvoxelforge.cuda.libs");
        String ld = e.env().get("LD_LIBRARY_PATH");
        if (ld != null) addList(out, ld, "LD_LIBRARY_PATH");
        for (String var : List.of("CUDA_HOME", "CUDA_PATH")) {
            String h = e.env().get(var);
            if (h != null && !h.isBlank()) {
                out.add(new Dir(Path.of(h, "lib64"), var));
                out.add(new Dir(Path.of(h, "lib"), var));
            }
        }
        out.add(new Dir(system(e, "/usr/local/cuda/lib64"), "CUDA default"));
        for (String s : SYSTEM_DIRS) out.add(new Dir(system(e, s), "system"));
        for (Path p : ldconfigDirs(e.ldconfig().get())) out.add(new Dir(p, "ldconfig"));
        for (Path p : pythonNvidiaDirs(e)) out.add(new Dir(p, "python nvidia wheels"));
        return dedupe(out);
    }

    /** Directories of the libraries {@code ldconfig -p} lists, in its order. */
    static List<Path> ldconfigDirs(String output) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (String line : output.split("\n")) {
            int arrow = line.indexOf("=> ");
            if (arrow < 0) continue;
            Path p = Path.of(line.substring(arrow + 3).trim());
            if (p.getParent() != null) dirs.add(p.getParent());
        }
        return new ArrayList<>(dirs);
    }

    /** {@code <env>/lib/python3*}/{site,dist}-packages/nvidia/*}/lib}, for every Python environment found. */
    static List<Path> pythonNvidiaDirs(Environment e) {
        List<Path> libRoots = new ArrayList<>();
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String v = e.env().get(var);
            if (v != null && !v.isBlank()) libRoots.add(Path.of(v, "lib"));
        }
        libRoots.add(e.home().resolve(".local/lib"));
        libRoots.add(system(e, "/usr/local/lib"));
        libRoots.add(system(e, "/usr/lib"));
        List<Path> out = new ArrayList<>();
        for (Path libRoot : libRoots) {
            for (Path py : children(libRoot, "python3")) {
                for (String pkgs : List.of("site-packages", "dist-packages")) {
                    for (Path pkg : children(py.resolve(pkgs).resolve("nvidia"), "")) {
                        Path lib = pkg.resolve("lib");
                        if (Files.isDirectory(lib)) out.add(lib);
                    }
                }
            }
        }
        return out;
    }

    private static List<Path> children(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        } catch (IOException | SecurityException ex) {
            return List.of();
        }
    }

    private static Path system(Environment e, String absolute) { return e.root().resolve(absolute.substring(1)); }

    private static void addList(List<Dir> out, String list, String origin) {
        for (String part : list.split(File.pathSeparator)) {
            if (!part.isBlank()) out.add(new Dir(Path.of(part.trim()), origin));
        }
    }

    private static List<Dir> dedupe(List<Dir> dirs) {
        Set<Path> seen = new LinkedHashSet<>();
        List<Dir> out = new ArrayList<>();
        for (Dir d : dirs) if (seen.add(d.path().toAbsolutePath().normalize())) out.add(d);
        return out;
    }

    /** {@code ldconfig -p}, or "" when it is absent or slow (it only adds directories to look in). */
    static String runLdconfig() {
        for (String exe : List.of("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig")) {
            try {
                Process p = new ProcessBuilder(exe, "-p").redirectErrorStream(true).start();
                byte[] out = p.getInputStream().readAllBytes();
                if (p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0) return new String(out);
            } catch (IOException e) {
                // try the next location
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }
        return "";
    }
}
