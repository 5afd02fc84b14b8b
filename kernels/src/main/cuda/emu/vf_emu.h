// vf_emu.h: the CUDA device vocabulary for running VoxelForge kernels on the CPU (host emulator).
//
// common.cuh includes this file instead of CUDA's headers when VF_EMULATE is defined, so that g++
// compiles the very same kernel sources into libvoxelforge-emu.so (kernels/build-emulator.sh).
// Java launches them through vfemu_launch with the same void** kernelParams as cuLaunchKernel.
//
// Execution model (vf_emu_runtime.cpp): one launch runs on the calling OS thread; blocks run one
// after another; inside a block every CUDA thread is a fiber (vf_emu_fiber.h, 64 KiB stack) that
// runs until it reaches a barrier (__syncthreads, or a warp-synchronous op: shuffles, ballot,
// __syncwarp) or returns. When every thread of the block (or of the warp) has arrived, they all
// go on. Threads run in the order of their linear index, so a missing __syncthreads shows up as
// a read of a value that no thread has written yet. A thread that returns while others wait at
// a barrier is reported as an error of the launch (it is undefined behaviour in CUDA).
//
// Not modelled: the memory model (everything is sequentially consistent), timing, real warp
// divergence (lanes that diverge simply run one after another), partial shuffle masks,
// bf16 tensor cores, fused multiply-add contraction (nvcc contracts a*b+c by default; g++ here
// does not), and the exact accuracy of CUDA's math functions (glibc's are used instead).
#pragma once
#ifndef VF_EMULATE
#error "vf_emu.h is the host emulator; it is only for builds with -DVF_EMULATE"
#endif

#include <cmath>
#include <cstdint>
#include <cstring>
#include <math.h>
#include <type_traits>
#include <utility>

// ---- qualifiers -----------------------------------------------------------------------------
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
// Blocks run one at a time, so one static copy per kernel is the block's shared memory.
// Unlike CUDA it keeps its contents between blocks and launches; kernels must not rely on that.
#define __shared__ static
#define __align__(n) alignas(n)

// ---- thread coordinates ----------------------------------------------------------------------
struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
using uint3 = dim3;

// Set by the scheduler before it resumes a fiber; all fibers of a launch share one OS thread.
inline thread_local dim3 threadIdx, blockIdx, blockDim, gridDim;
constexpr int warpSize = 32;

namespace vfemu {
// Barriers: the calling fiber yields to the scheduler until its block (or warp) has arrived.
void sync_block();
void sync_warp(unsigned mask, const char* op);
// Warp exchange: every lane publishes `bits`, then reads the bits of lane `src` (own bits when
// src is outside the warp). `op` names the CUDA function for error messages.
uint64_t warp_exchange(unsigned mask, uint64_t bits, int src, const char* op);
// Ballot: the predicates of all lanes of the warp as a bit mask.
unsigned warp_ballot(unsigned mask, int predicate);
int lane_id();
void* dynamic_shared();
[[noreturn]] void fail(const char* message);

template <class T> uint64_t to_bits(T v) {
    static_assert(sizeof(T) <= 8 && std::is_trivially_copyable_v<T>, "warp shuffles move values of at most 8 bytes");
    uint64_t b = 0;
    std::memcpy(&b, &v, sizeof(T));
    return b;
}
template <class T> T from_bits(uint64_t b) {
    T v;
    std::memcpy(&v, &b, sizeof(T));
    return v;
}
}  // namespace vfemu

inline void __syncthreads() { vfemu::sync_block(); }
inline void __syncwarp(unsigned mask = 0xffffffffu) { vfemu::sync_warp(mask, "__syncwarp"); }
// Dynamic shared memory of the launch's byte size (filled with 0xFF bytes, i.e. NaN floats, at the
// start of each block so that reading it before writing shows).
#define VF_DYNAMIC_SHARED(T, name) T* name = static_cast<T*>(vfemu::dynamic_shared())

// ---- warp shuffles (width must be a power of two <= 32, as in CUDA) --------------------------
template <class T> T __shfl_sync(unsigned mask, T var, int srcLane, int width = warpSize) {
    int lane = vfemu::lane_id(), base = lane & ~(width - 1);
    int src = base + (srcLane & (width - 1));
    return vfemu::from_bits<T>(vfemu::warp_exchange(mask, vfemu::to_bits(var), src, "__shfl_sync"));
}
template <class T> T __shfl_down_sync(unsigned mask, T var, unsigned delta, int width = warpSize) {
    int lane = vfemu::lane_id(), sub = lane & (width - 1);
    int src = sub + (int)delta < width ? lane + (int)delta : lane;
    return vfemu::from_bits<T>(vfemu::warp_exchange(mask, vfemu::to_bits(var), src, "__shfl_down_sync"));
}
template <class T> T __shfl_up_sync(unsigned mask, T var, unsigned delta, int width = warpSize) {
    int lane = vfemu::lane_id(), sub = lane & (width - 1);
    int src = sub >= (int)delta ? lane - (int)delta : lane;
    return vfemu::from_bits<T>(vfemu::warp_exchange(mask, vfemu::to_bits(var), src, "__shfl_up_sync"));
}
template <class T> T __shfl_xor_sync(unsigned mask, T var, int laneMask, int width = warpSize) {
    int lane = vfemu::lane_id(), base = lane & ~(width - 1);
    int src = lane ^ laneMask;
    if (src >= base + width) src = lane;
    return vfemu::from_bits<T>(vfemu::warp_exchange(mask, vfemu::to_bits(var), src, "__shfl_xor_sync"));
}
inline unsigned __ballot_sync(unsigned mask, int predicate) { return vfemu::warp_ballot(mask, predicate); }

// ---- atomics (GCC builtins, so that they stay atomic if two OS threads launch at once) ----------
template <class T> T vfemu_atomic_update(T* p, T (*f)(T, T), T v) {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8);
    using U = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
    U* q = reinterpret_cast<U*>(p);
    U old = __atomic_load_n(q, __ATOMIC_SEQ_CST);
    for (;;) {
        T o = vfemu::from_bits<T>(old), n = f(o, v);
        U nb = (U)vfemu::to_bits(n);
        if (__atomic_compare_exchange_n(q, &old, nb, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) return o;
    }
}
inline float atomicAdd(float* p, float v) { return vfemu_atomic_update<float>(p, [](float a, float b) { return a + b; }, v); }
inline double atomicAdd(double* p, double v) { return vfemu_atomic_update<double>(p, [](double a, double b) { return a + b; }, v); }
inline int atomicAdd(int* p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
inline unsigned atomicAdd(unsigned* p, unsigned v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
inline int atomicMax(int* p, int v) { return vfemu_atomic_update<int>(p, [](int a, int b) { return a > b ? a : b; }, v); }
inline int atomicMin(int* p, int v) { return vfemu_atomic_update<int>(p, [](int a, int b) { return a < b ? a : b; }, v); }
template <class T> T atomicCAS(T* p, T compare, T v) {
    static_assert(std::is_integral_v<T>, "atomicCAS: int, unsigned or unsigned long long");
    __atomic_compare_exchange_n(p, &compare, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return compare;  // the old value in both cases
}
inline int atomicExch(int* p, int v) { return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); }

// ---- math intrinsics (expf, logf, sqrtf, ... come from <math.h>) ------------------------------
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __fdividef(float a, float b) { return a / b; }
// Round-to-nearest products and sums that nvcc never contracts into an FMA (g++ here never does).
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned)(((uint64_t)a * b) >> 32); }
inline unsigned __float_as_uint(float x) { return vfemu::from_bits<unsigned>(vfemu::to_bits(x)); }
inline float __uint_as_float(unsigned x) { return vfemu::from_bits<float>(vfemu::to_bits(x)); }
inline int __float_as_int(float x) { return vfemu::from_bits<int>(vfemu::to_bits(x)); }
inline float __int_as_float(int x) { return vfemu::from_bits<float>(vfemu::to_bits(x)); }
using std::isnan;
using std::isinf;
using std::signbit;

// ---- bfloat16 (storage type only; arithmetic goes through float) -------------------------------
struct __nv_bfloat16 {
    uint16_t bits;
};
// Round to nearest even; NaN stays a (quiet) NaN.
inline __nv_bfloat16 __float2bfloat16(float f) {
    uint32_t u = __float_as_uint(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return {(uint16_t)((u >> 16) | 0x0040u)};
    u += 0x7fffu + ((u >> 16) & 1u);
    return {(uint16_t)(u >> 16)};
}
inline float __bfloat162float(__nv_bfloat16 b) { return __uint_as_float((uint32_t)b.bits << 16); }
inline unsigned short __bfloat16_as_ushort(__nv_bfloat16 b) { return b.bits; }
inline __nv_bfloat16 __ushort_as_bfloat16(unsigned short u) { return {u}; }

// ---- kernel registration (emu/registry.cpp lists every kernel once) ---------------------------
namespace vfemu {
using Thunk = void (*)(void** args);
// Adds a kernel to the table vfemu_launch looks names up in; returns its index.
int register_kernel(const char* name, Thunk thunk);

// Calls kernel f with its parameters unpacked from cuLaunchKernel's void** (args[i] points at the
// value of parameter i), the parameter types deduced from f itself.
template <auto F> struct Unpack;
template <class... A, void (*F)(A...)> struct Unpack<F> {
    template <std::size_t... I> static void call(void** args, std::index_sequence<I...>) {
        F(*static_cast<std::remove_cvref_t<A>*>(args[I])...);
    }
    static void thunk(void** args) { call(args, std::index_sequence_for<A...>{}); }
};
}  // namespace vfemu

#define VF_EMU_REGISTER(kernel) \
    [[maybe_unused]] static const int vf_emu_registered_##kernel = vfemu::register_kernel(#kernel, &vfemu::Unpack<&kernel>::thunk);
