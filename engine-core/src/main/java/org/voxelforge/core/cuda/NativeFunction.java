package org.voxelforge.core.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * One C function of a loaded library, bound on first use and then kept. Several names may be
 * given (newest first) for functions that gained a versioned symbol, e.g.
 * {@code cuEventElapsedTime_v2} (CUDA 12.8+) before {@code cuEventElapsedTime}.
 */
final class NativeFunction {
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE;
    static final ValueLayout PTR = ValueLayout.ADDRESS;

    private final String library;
    private final SymbolLookup lookup;
    private final String[] names;
    private final FunctionDescriptor descriptor;
    private volatile MethodHandle handle;
    private volatile String boundName;

    NativeFunction(String library, SymbolLookup lookup, FunctionDescriptor descriptor, String... names) {
        this.library = library;
        this.lookup = lookup;
        this.names = names;
        this.descriptor = descriptor;
    }

    /** A function returning a C int (CUresult, cublasStatus_t, cudnnStatus_t ...). */
    static NativeFunction status(String library, SymbolLookup lookup, String name, ValueLayout... args) {
        return new NativeFunction(library, lookup, FunctionDescriptor.of(INT, args), name);
    }

    MethodHandle handle() {
        MethodHandle h = handle;
        if (h == null) {
            synchronized (this) {
                if (handle == null) {
                    for (String n : names) {
                        Optional<MemorySegment> sym = lookup.find(n);
                        if (sym.isPresent()) {
                            boundName = n;
                            handle = Linker.nativeLinker().downcallHandle(sym.get(), descriptor);
                            break;
                        }
                    }
                    if (handle == null) {
                        throw new IllegalStateException(library + " has no symbol " + String.join(" or ", names)
                                + " (the library is older than VoxelForge expects)");
                    }
                }
                h = handle;
            }
        }
        return h;
    }

    /** The symbol that was bound (after the first call), else the preferred one. */
    String name() { return boundName != null ? boundName : names[0]; }

    boolean isPresent() {
        for (String n : names) if (lookup.find(n).isPresent()) return true;
        return false;
    }
}
