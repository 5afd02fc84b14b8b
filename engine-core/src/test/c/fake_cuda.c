/* fake_cuda.c: a CPU stand-in for libcuda.so.1, for testing the Java driver bindings without a GPU.
 * Compiled by FakeCudaTest against CUDA's real cuda.h, so every function here has the exact
 * prototype the real driver exports (a mismatch is a compile error). "Device" memory is host
 * memory; a device has FAKE_CAPACITY bytes; vf_fill_f32 runs on the host; every launch's
 * arguments are recorded for the test to read back (fakecuda_last_launch). */
#include <cuda.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>

#define FAKE_CAPACITY (64ull << 20)
static size_t used;

CUresult CUDAAPI cuInit(unsigned int flags) { return flags == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE; }
CUresult CUDAAPI cuDriverGetVersion(int *v) { *v = 13000; return CUDA_SUCCESS; }
CUresult CUDAAPI cuDeviceGetCount(int *n) { *n = 1; return CUDA_SUCCESS; }
CUresult CUDAAPI cuDeviceGet(CUdevice *d, int ordinal) {
    if (ordinal != 0) return CUDA_ERROR_INVALID_DEVICE;
    *d = 0; return CUDA_SUCCESS;
}
CUresult CUDAAPI cuDeviceGetName(char *name, int len, CUdevice dev) {
    (void)dev; strncpy(name, "Fake CUDA Device", (size_t)len); name[len - 1] = 0; return CUDA_SUCCESS;
}
CUresult CUDAAPI cuDeviceGetAttribute(int *pi, CUdevice_attribute a, CUdevice dev) {
    (void)dev;
    switch (a) {
        case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: *pi = 4; return CUDA_SUCCESS;
        case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *pi = 9; return CUDA_SUCCESS;
        case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *pi = 0; return CUDA_SUCCESS;
        default: return CUDA_ERROR_INVALID_VALUE;
    }
}
CUresult CUDAAPI cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev) { (void)dev; *bytes = FAKE_CAPACITY; return CUDA_SUCCESS; }
CUresult CUDAAPI cuDevicePrimaryCtxRetain(CUcontext *ctx, CUdevice dev) { (void)dev; *ctx = (CUcontext)(uintptr_t)0xC0DE; return CUDA_SUCCESS; }
CUresult CUDAAPI cuDevicePrimaryCtxRelease_v2(CUdevice dev) { (void)dev; return CUDA_SUCCESS; }
CUresult CUDAAPI cuCtxSetCurrent(CUcontext ctx) { return ctx == (CUcontext)(uintptr_t)0xC0DE ? CUDA_SUCCESS : CUDA_ERROR_INVALID_CONTEXT; }
CUresult CUDAAPI cuCtxSynchronize(void) { return CUDA_SUCCESS; }

CUresult CUDAAPI cuStreamCreate(CUstream *s, unsigned int flags) { (void)flags; *s = (CUstream)malloc(16); return CUDA_SUCCESS; }
CUresult CUDAAPI cuStreamSynchronize(CUstream s) { (void)s; return CUDA_SUCCESS; }
CUresult CUDAAPI cuStreamDestroy_v2(CUstream s) { free(s); return CUDA_SUCCESS; }
CUresult CUDAAPI cuEventCreate(CUevent *e, unsigned int flags) { (void)flags; *e = (CUevent)calloc(1, sizeof(double)); return CUDA_SUCCESS; }
CUresult CUDAAPI cuEventRecord(CUevent e, CUstream s) {
    (void)s; struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
    *(double *)e = t.tv_sec * 1e3 + t.tv_nsec / 1e6; return CUDA_SUCCESS;
}
CUresult CUDAAPI cuEventSynchronize(CUevent e) { (void)e; return CUDA_SUCCESS; }
CUresult CUDAAPI cuEventElapsedTime_v2(float *ms, CUevent a, CUevent b) { *ms = (float)(*(double *)b - *(double *)a); return CUDA_SUCCESS; }
CUresult CUDAAPI cuEventDestroy_v2(CUevent e) { free(e); return CUDA_SUCCESS; }

/* Each block carries its size in a 16-byte header so that free and the capacity stay honest. */
CUresult CUDAAPI cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
    if (bytes == 0) return CUDA_ERROR_INVALID_VALUE;
    if (used + bytes > FAKE_CAPACITY) return CUDA_ERROR_OUT_OF_MEMORY;
    char *b = malloc(bytes + 16);
    *(size_t *)b = bytes; used += bytes;
    *p = (CUdeviceptr)(uintptr_t)(b + 16); return CUDA_SUCCESS;
}
CUresult CUDAAPI cuMemFree_v2(CUdeviceptr p) {
    char *b = (char *)(uintptr_t)p - 16; used -= *(size_t *)b; free(b); return CUDA_SUCCESS;
}
CUresult CUDAAPI cuMemGetInfo_v2(size_t *free_, size_t *total) { *free_ = FAKE_CAPACITY - used; *total = FAKE_CAPACITY; return CUDA_SUCCESS; }
CUresult CUDAAPI cuMemsetD8_v2(CUdeviceptr d, unsigned char v, size_t n) { memset((void *)(uintptr_t)d, v, n); return CUDA_SUCCESS; }
CUresult CUDAAPI cuMemsetD32_v2(CUdeviceptr d, unsigned int v, size_t n) {
    for (size_t i = 0; i < n; i++) ((unsigned int *)(uintptr_t)d)[i] = v;
    return CUDA_SUCCESS;
}
CUresult CUDAAPI cuMemsetD8Async(CUdeviceptr d, unsigned char v, size_t n, CUstream s) { (void)s; return cuMemsetD8_v2(d, v, n); }
CUresult CUDAAPI cuMemsetD32Async(CUdeviceptr d, unsigned int v, size_t n, CUstream s) { (void)s; return cuMemsetD32_v2(d, v, n); }
CUresult CUDAAPI cuMemcpyHtoD_v2(CUdeviceptr d, const void *h, size_t n) { memcpy((void *)(uintptr_t)d, h, n); return CUDA_SUCCESS; }
CUresult CUDAAPI cuMemcpyDtoH_v2(void *h, CUdeviceptr d, size_t n) { memcpy(h, (void *)(uintptr_t)d, n); return CUDA_SUCCESS; }
CUresult CUDAAPI cuMemcpyDtoD_v2(CUdeviceptr d, CUdeviceptr s, size_t n) { memcpy((void *)(uintptr_t)d, (void *)(uintptr_t)s, n); return CUDA_SUCCESS; }
CUresult CUDAAPI cuMemcpyHtoDAsync_v2(CUdeviceptr d, const void *h, size_t n, CUstream s) { (void)s; return cuMemcpyHtoD_v2(d, h, n); }
CUresult CUDAAPI cuMemcpyDtoHAsync_v2(void *h, CUdeviceptr d, size_t n, CUstream s) { (void)s; return cuMemcpyDtoH_v2(h, d, n); }
CUresult CUDAAPI cuMemcpyDtoDAsync_v2(CUdeviceptr d, CUdeviceptr src, size_t n, CUstream s) { (void)s; return cuMemcpyDtoD_v2(d, src, n); }
CUresult CUDAAPI cuMemHostAlloc(void **pp, size_t bytes, unsigned int flags) { (void)flags; *pp = calloc(1, bytes); return CUDA_SUCCESS; }
CUresult CUDAAPI cuMemFreeHost(void *p) { free(p); return CUDA_SUCCESS; }

/* A module is accepted when the image starts with the fatbin magic 0xBA55ED50. */
static unsigned int module_magic;
CUresult CUDAAPI cuModuleLoadData(CUmodule *m, const void *image) {
    memcpy(&module_magic, image, 4);
    if (module_magic != 0xBA55ED50u) return CUDA_ERROR_INVALID_IMAGE;
    *m = (CUmodule)(uintptr_t)0x3D; return CUDA_SUCCESS;
}
CUresult CUDAAPI cuModuleUnload(CUmodule m) { (void)m; return CUDA_SUCCESS; }
static const char *KERNELS[] = {"vf_unary_f32", "vf_binary_f32", "vf_fill_f32", "vf_random_f32"};
CUresult CUDAAPI cuModuleGetFunction(CUfunction *f, CUmodule m, const char *name) {
    if (m != (CUmodule)(uintptr_t)0x3D) return CUDA_ERROR_INVALID_HANDLE;
    for (uintptr_t i = 0; i < 4; i++) if (strcmp(name, KERNELS[i]) == 0) { *f = (CUfunction)(i + 1); return CUDA_SUCCESS; }
    return CUDA_ERROR_NOT_FOUND;
}

/* The last launch: function id, grid x, block x, and up to 8 arguments as raw 8-byte words. */
static long long last[3 + 8];
long long *fakecuda_last_launch(void) { return last; }

CUresult CUDAAPI cuLaunchKernel(CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by,
                                unsigned int bz, unsigned int shmem, CUstream s, void **params, void **extra) {
    (void)gy; (void)gz; (void)by; (void)bz; (void)shmem; (void)s; (void)extra;
    uintptr_t id = (uintptr_t)f;
    static const int NARGS[] = {0, 4, 6, 3, 7};
    /* parameter sizes per kernel, as in the kernel headers (kernels/src/main/cuda) */
    static const int SIZES[5][8] = {{0}, {4, 8, 8, 8}, {4, 8, 8, 8, 8, 8}, {8, 4, 8}, {8, 4, 8, 8, 8, 8, 8}};
    if (id < 1 || id > 4) return CUDA_ERROR_INVALID_HANDLE;
    memset(last, 0, sizeof last);
    last[0] = (long long)id; last[1] = gx; last[2] = bx;
    for (int i = 0; i < NARGS[id]; i++) memcpy(&last[3 + i], params[i], (size_t)SIZES[id][i]);
    if (id == 3) { /* vf_fill_f32(float* y, float value, int64_t n) */
        float *y = *(float **)params[0]; float v = *(float *)params[1]; int64_t n = *(int64_t *)params[2];
        for (int64_t i = 0; i < n; i++) y[i] = v;
    }
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuGetErrorName(CUresult e, const char **s) {
    switch (e) {
        case CUDA_SUCCESS: *s = "CUDA_SUCCESS"; return CUDA_SUCCESS;
        case CUDA_ERROR_OUT_OF_MEMORY: *s = "CUDA_ERROR_OUT_OF_MEMORY"; return CUDA_SUCCESS;
        case CUDA_ERROR_NOT_FOUND: *s = "CUDA_ERROR_NOT_FOUND"; return CUDA_SUCCESS;
        case CUDA_ERROR_INVALID_IMAGE: *s = "CUDA_ERROR_INVALID_IMAGE"; return CUDA_SUCCESS;
        case CUDA_ERROR_INVALID_DEVICE: *s = "CUDA_ERROR_INVALID_DEVICE"; return CUDA_SUCCESS;
        default: *s = NULL; return CUDA_ERROR_INVALID_VALUE;
    }
}
CUresult CUDAAPI cuGetErrorString(CUresult e, const char **s) {
    const char *n; CUresult r = cuGetErrorName(e, &n);
    *s = r == CUDA_SUCCESS ? "fake description" : NULL; return r;
}
