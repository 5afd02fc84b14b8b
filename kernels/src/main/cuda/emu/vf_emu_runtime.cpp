// vf_emu_runtime.cpp: the scheduler and the C API of the host emulator (see vf_emu.h for the model).
//
// A launch runs its blocks one after another on the calling OS thread. Each block's threads are
// fibers (vf_emu_fiber.h) resumed in linear thread order; a fiber runs until it yields at a barrier
// or returns. When no fiber can run, a warp whose live lanes all wait at a warp op is released
// first, else the block is released if all its live threads wait at __syncthreads; anything else (a
// thread that has returned while others wait, a warp split between two barriers) is an error of
// the launch.
#define VF_EMULATE 1
#include "vf_emu.h"
#include "vf_emu_fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <vector>

#define VF_EMU_API extern "C" __attribute__((visibility("default")))

namespace vfemu {
namespace {

constexpr size_t STACK_BYTES = 64 * 1024;
constexpr unsigned MAX_THREADS = 1024;
constexpr unsigned MAX_DYNAMIC_SHARED = 227 * 1024;  // sm_90's opt-in maximum per block

enum class State { RUNNABLE, AT_BLOCK, AT_WARP, EXITED };

struct Fiber {
    FiberContext ctx;
    dim3 tid;
    State state = State::RUNNABLE;
    const char* warpOp = nullptr;  // what it waits at when AT_WARP
    unsigned exchanges = 0;        // warp exchanges done, selects the double buffer
};

struct Kernel {
    std::string name;
    Thunk thunk;
};

std::vector<Kernel>& kernels() {
    static std::vector<Kernel> k;
    return k;
}

// Fiber stacks, each with a guard page below it, allocated once per OS thread and kept.
struct Stacks {
    char* base = nullptr;
    size_t page = 0;
    bool ok() {
        if (base) return true;
        page = (size_t)sysconf(_SC_PAGESIZE);
        size_t total = MAX_THREADS * (STACK_BYTES + page);
        void* p = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) return false;
        base = static_cast<char*>(p);
        for (unsigned i = 0; i < MAX_THREADS; i++) mprotect(base + i * (STACK_BYTES + page), page, PROT_NONE);
        return true;
    }
    char* stack(unsigned i) { return base + i * (STACK_BYTES + page) + page; }
};

struct Launch {
    Thunk thunk = nullptr;
    void** args = nullptr;
    std::vector<Fiber> fibers;
    unsigned current = 0;
    FiberContext scheduler;
    std::string error;
    std::vector<unsigned char> dynamicShared;
    uint64_t exchange[2][MAX_THREADS];  // [buffer][linear thread id]
};

thread_local Launch* active = nullptr;
thread_local Stacks stacks;
std::string lastError;  // process-wide: the Java side serializes launches (EmulatedKernels)

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* f, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return buf;
}

std::string where(const Fiber& f) {
    return fmt("thread (%u,%u,%u) of block (%u,%u,%u)", f.tid.x, f.tid.y, f.tid.z, blockIdx.x, blockIdx.y, blockIdx.z);
}

Launch& launch() {
    if (!active) {
        // A device function called outside a launch: nothing sensible to do but say so.
        std::fprintf(stderr, "vfemu: a CUDA device function was called outside vfemu_launch\n");
        std::abort();
    }
    return *active;
}

Fiber& self() { return launch().fibers[launch().current]; }

void yield(State s) {
    Launch& L = launch();
    Fiber& f = L.fibers[L.current];
    f.state = s;
    fiber_switch(f.ctx, L.scheduler);
}

void fiberMain() {
    Launch& L = launch();
    L.thunk(L.args);
    yield(State::EXITED);  // never resumed
}

void resume(Launch& L, unsigned i) {
    L.current = i;
    threadIdx = L.fibers[i].tid;
    fiber_switch(L.scheduler, L.fibers[i].ctx);
}

// Runs the current block to its end; returns false with L.error set on an error.
bool runBlock(Launch& L) {
    unsigned n = (unsigned)L.fibers.size(), warps = (n + 31) / 32;
    for (unsigned i = 0; i < n; i++) {
        Fiber& f = L.fibers[i];
        f.tid = dim3(i % blockDim.x, (i / blockDim.x) % blockDim.y, i / (blockDim.x * blockDim.y));
        f.state = State::RUNNABLE;
        f.exchanges = 0;
        fiber_init(f.ctx, stacks.stack(i), STACK_BYTES, fiberMain);  // a fresh frame on the stack kept for i
    }
    if (!L.dynamicShared.empty()) std::memset(L.dynamicShared.data(), 0xFF, L.dynamicShared.size());
    for (;;) {
        for (unsigned i = 0; i < n; i++) {
            if (L.fibers[i].state != State::RUNNABLE) continue;
            resume(L, i);
            if (!L.error.empty()) return false;
        }
        // Nothing can run: release whole warps waiting at a warp op, first.
        bool released = false;
        for (unsigned w = 0; w < warps; w++) {
            unsigned lo = w * 32, hi = std::min(n, lo + 32), waiting = 0;
            for (unsigned i = lo; i < hi; i++) waiting += L.fibers[i].state == State::AT_WARP;
            if (waiting == 0) continue;
            const Fiber* w0 = nullptr;
            for (unsigned i = lo; i < hi && !w0; i++)
                if (L.fibers[i].state == State::AT_WARP) w0 = &L.fibers[i];
            for (unsigned i = lo; i < hi; i++) {
                const Fiber& f = L.fibers[i];
                if (f.state == State::EXITED) {
                    L.error = where(f) + " exited while other lanes of its warp wait at " + w0->warpOp;
                    return false;
                }
                if (f.state == State::AT_BLOCK) {
                    L.error = where(f) + " waits at __syncthreads while " + where(*w0) + " of the same warp waits at " + w0->warpOp;
                    return false;
                }
            }
            for (unsigned i = lo; i < hi; i++) L.fibers[i].state = State::RUNNABLE;
            released = true;
        }
        if (released) continue;
        unsigned atBlock = 0;
        const Fiber* exited = nullptr;
        for (const Fiber& f : L.fibers) {
            atBlock += f.state == State::AT_BLOCK;
            if (f.state == State::EXITED && !exited) exited = &f;
        }
        if (atBlock == 0) return true;  // every thread has returned
        if (exited) {
            L.error = where(*exited) + " exited while others wait at __syncthreads";
            return false;
        }
        for (Fiber& f : L.fibers) f.state = State::RUNNABLE;
    }
}

void checkMask(unsigned mask, const char* op) {
    Launch& L = launch();
    unsigned n = (unsigned)L.fibers.size(), lo = L.current / 32 * 32, lanes = std::min(32u, n - lo);
    unsigned all = lanes == 32 ? 0xffffffffu : (1u << lanes) - 1;
    if ((mask & all) != all) {
        fail(fmt("%s with mask 0x%08x: the emulator only models warp ops over every lane of the warp (0x%08x)", op,
                 mask, all).c_str());
    }
}

}  // namespace

void fail(const char* message) {
    Launch& L = launch();
    L.error = where(L.fibers[L.current]) + ": " + message;
    yield(State::EXITED);  // the scheduler sees the error and abandons the launch
    std::abort();          // not reached
}

void sync_block() { yield(State::AT_BLOCK); }

void sync_warp(unsigned mask, const char* op) {
    checkMask(mask, op);
    self().warpOp = op;
    yield(State::AT_WARP);
}

int lane_id() { return (int)(launch().current % 32); }

uint64_t warp_exchange(unsigned mask, uint64_t bits, int src, const char* op) {
    Launch& L = launch();
    unsigned me = L.current, buffer = L.fibers[me].exchanges++ & 1;
    L.exchange[buffer][me] = bits;
    sync_warp(mask, op);
    // Two buffers: a lane can only reach its next exchange once the whole warp is past this one,
    // and it cannot overwrite this buffer before the whole warp has passed the next one.
    unsigned s = me / 32 * 32 + (unsigned)src;
    return s < L.fibers.size() && src >= 0 && src < 32 ? L.exchange[buffer][s] : bits;
}

unsigned warp_ballot(unsigned mask, int predicate) {
    Launch& L = launch();
    unsigned me = L.current, buffer = L.fibers[me].exchanges++ & 1;
    L.exchange[buffer][me] = predicate != 0;
    sync_warp(mask, "__ballot_sync");
    unsigned lo = me / 32 * 32, hi = std::min((unsigned)L.fibers.size(), lo + 32), bits = 0;
    for (unsigned i = lo; i < hi; i++) bits |= (unsigned)L.exchange[buffer][i] << (i - lo);
    return bits;
}

void* dynamic_shared() {
    Launch& L = launch();
    if (L.dynamicShared.empty()) fail("the kernel uses dynamic shared memory but the launch gave 0 bytes of it");
    return L.dynamicShared.data();
}

int register_kernel(const char* name, Thunk thunk) {
    kernels().push_back({name, thunk});
    return (int)kernels().size() - 1;
}

}  // namespace vfemu

using namespace vfemu;

VF_EMU_API const char* vfemu_last_error(void) { return lastError.c_str(); }

#ifndef VF_EMU_SOURCE_DIGEST
#define VF_EMU_SOURCE_DIGEST "unknown"
#endif
// SHA-256 of the kernel sources this library was built from (computed by build-emulator.sh).
VF_EMU_API const char* vfemu_source_digest(void) { return VF_EMU_SOURCE_DIGEST; }

VF_EMU_API int vfemu_kernel_count(void) { return (int)kernels().size(); }

VF_EMU_API const char* vfemu_kernel_name(int i) {
    return i >= 0 && i < (int)kernels().size() ? kernels()[i].name.c_str() : nullptr;
}

// Runs a whole launch on the calling thread. Returns 0, or: 1 no such kernel, 2 called from inside a
// kernel, 3 invalid launch shape or shared memory size, 4 no memory for the fiber stacks, 5 the
// kernel failed (a barrier error, an unsupported warp mask ...); vfemu_last_error() says which.
VF_EMU_API int vfemu_launch(const char* kernel, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                            unsigned bz, unsigned dynamicSharedBytes, void** args) {
    lastError.clear();
    const Kernel* k = nullptr;
    for (const Kernel& c : kernels())
        if (kernel && c.name == kernel) k = &c;
    if (!k) {
        lastError = fmt("vfemu_launch: no kernel named \"%s\" in the emulator library (%d kernels are registered "
                        "in kernels/src/main/cuda/emu/registry.cpp)", kernel ? kernel : "(null)", vfemu_kernel_count());
        return 1;
    }
    if (active) {
        lastError = "vfemu_launch(" + k->name + "): called from inside a running kernel";
        return 2;
    }
    unsigned long long threads = (unsigned long long)bx * by * bz;
    if (gx == 0 || gy == 0 || gz == 0 || threads == 0 || threads > MAX_THREADS || gy > 65535 || gz > 65535) {
        lastError = fmt("vfemu_launch(%s): invalid launch shape grid (%u,%u,%u) block (%u,%u,%u); a block has 1 to "
                        "%u threads, grid y and z are at most 65535", k->name.c_str(), gx, gy, gz, bx, by, bz, MAX_THREADS);
        return 3;
    }
    if (dynamicSharedBytes > MAX_DYNAMIC_SHARED) {
        lastError = fmt("vfemu_launch(%s): %u bytes of dynamic shared memory exceed the %u of sm_90",
                        k->name.c_str(), dynamicSharedBytes, MAX_DYNAMIC_SHARED);
        return 3;
    }
    if (!stacks.ok()) {
        lastError = "vfemu_launch(" + k->name + "): could not map the fiber stacks";
        return 4;
    }
    Launch* L = new Launch();
    L->thunk = k->thunk;
    L->args = args;
    L->fibers.resize(threads);
    L->dynamicShared.resize(dynamicSharedBytes);
    active = L;
    gridDim = dim3(gx, gy, gz);
    blockDim = dim3(bx, by, bz);
    bool ok = true;
    for (unsigned z = 0; z < gz && ok; z++)
        for (unsigned y = 0; y < gy && ok; y++)
            for (unsigned x = 0; x < gx && ok; x++) {
                blockIdx = dim3(x, y, z);
                ok = runBlock(*L);
            }
    if (!ok) lastError = "vfemu_launch(" + k->name + "): " + L->error;
    active = nullptr;
    delete L;
    return ok ? 0 : 5;
}
