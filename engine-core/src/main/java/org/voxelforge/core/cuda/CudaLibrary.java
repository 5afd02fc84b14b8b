package org.voxelforge.core.cuda;

import java.util.List;

/** The NVIDIA libraries the CUDA backend binds, each with the sonames it accepts, best first. */
public enum CudaLibrary {
    DRIVER("CUDA driver", List.of("libcuda.so.1"), true,
            "the CUDA backend is off (install the NVIDIA driver); the CPU backend works"),
    CUBLAS_LT("cuBLASLt", List.of("libcublasLt.so.13", "libcublasLt.so.12"), true,
            "cuBLAS cannot load without it, so GPU matrix products are off; the CPU backend works"),
    CUBLAS("cuBLAS", List.of("libcublas.so.13", "libcublas.so.12"), true,
            "GPU matrix products are off (pip install nvidia-cublas, or set VOXELFORGE_CUDA_LIBS); the CPU backend works"),
    CUDNN("cuDNN", List.of("libcudnn.so.9"), true,
            "GPU 3D convolutions are off (pip install nvidia-cudnn-cu13, or set VOXELFORGE_CUDA_LIBS); the CPU backend works"),
    NCCL("NCCL", List.of("libnccl.so.2"), false,
            "multi-GPU training is off; single-GPU training and the CPU backend work"),
    NVRTC("NVRTC", List.of("libnvrtc.so.13", "libnvrtc.so.12"), false,
            "not needed: the kernels come precompiled in the jar (NVRTC is only a fallback)");

    private final String title;
    private final List<String> sonames;
    private final boolean neededForGpu;
    private final String whenMissing;

    CudaLibrary(String title, List<String> sonames, boolean neededForGpu, String whenMissing) {
        this.title = title;
        this.sonames = sonames;
        this.neededForGpu = neededForGpu;
        this.whenMissing = whenMissing;
    }

    public String title() { return title; }

    /** Accepted file names, best first (a newer major version before an older one). */
    public List<String> sonames() { return sonames; }

    /** Whether single-GPU work needs it (NCCL and NVRTC are extras). */
    public boolean neededForGpu() { return neededForGpu; }

    /** What still works when this library is missing. */
    public String whenMissing() { return whenMissing; }
}
