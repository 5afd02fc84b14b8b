/**
 * The CUDA side of the engine, below the (later) CUDA backend: everything it needs to reach a GPU.
 *
 * <ul>
 *   <li>Finding libraries: {@link org.voxelforge.core.cuda.CudaLibraries} over
 *       {@link org.voxelforge.core.cuda.LibrarySearchPath} (file checks only; loading is a separate step).</li>
 *   <li>Bindings, hand-written with java.lang.foreign, one class per library, each C function bound
 *       on first use ({@link org.voxelforge.core.cuda.NativeFunction}):
 *       {@link org.voxelforge.core.cuda.CudaDriver} (libcuda.so.1), {@link org.voxelforge.core.cuda.Cublas}
 *       (row-major GEMM via {@link org.voxelforge.core.cuda.RowMajorGemm}), {@link org.voxelforge.core.cuda.Cudnn}
 *       (3D convolutions; {@link org.voxelforge.core.cuda.CudnnVersionPolicy} refuses known-bad versions,
 *       {@link org.voxelforge.core.cuda.ConvAlgorithmCache} keeps one algorithm search per problem).</li>
 *   <li>Memory: {@link org.voxelforge.core.cuda.CachingAllocator} (size classes, per-stream cache,
 *       free-all-and-retry on out-of-memory) over the {@link org.voxelforge.core.cuda.DeviceMemoryApi} seam.</li>
 *   <li>Devices and kernels: {@link org.voxelforge.core.cuda.CudaRuntime} (availability that never throws),
 *       {@link org.voxelforge.core.cuda.CudaDevice}, {@link org.voxelforge.core.cuda.CudaKernels}
 *       (the packaged fatbin, grid-stride launches with {@link org.voxelforge.core.cuda.KernelArgs}) over a
 *       {@link org.voxelforge.core.cuda.KernelLauncher}: the driver, or {@link org.voxelforge.core.cuda.EmulatedKernels},
 *       the same kernel sources compiled by g++ and run on the CPU (kernels/README.md).</li>
 * </ul>
 * Tests without a GPU: fake directory trees for discovery, a fake device for the allocator, and CPU
 * stand-ins for libcuda/cuBLAS/cuDNN (src/test/c) for the bindings. CudaSmokeTest (tag {@code gpu}) runs on a real GPU.
 */
package org.voxelforge.core.cuda;
