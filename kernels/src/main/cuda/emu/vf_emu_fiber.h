// vf_emu_fiber.h: the emulator's fiber context switch (used by vf_emu_runtime.cpp only).
//
// FiberContext holds a suspended fiber (or the scheduler); fiber_init prepares one to enter
// `entry` on a fresh stack, fiber_switch suspends the caller into `from` and resumes `to`.
//
// On Linux x86-64 the switch is a few instructions in user space: glibc's swapcontext also saves
// and restores the signal mask, a system call on every switch, and barriers switch fibers all the
// time (it used to be half of an emulated run). A switch is an ordinary function call, so the
// caller has already given up the caller-saved registers; it saves what the SysV ABI says a call
// preserves: rbx, rbp, r12-r15, rsp, MXCSR (its control bits) and the x87 control word. Nothing else
// of the OS thread changes between fibers (same TLS, same signal mask), and preparing a fiber is
// a few stores onto its stack: no system call per fiber either. Elsewhere: ucontext.
#pragma once

// -DVF_EMU_UCONTEXT builds the fallback on Linux x86-64 too (to test it against the same suite).
#if defined(__x86_64__) && defined(__linux__) && !defined(VF_EMU_UCONTEXT)

#include <cstddef>
#include <cstdint>

namespace vfemu {

struct FiberContext {
    void* sp = nullptr;  // the suspended stack; the saved registers lie on it (see fiber_switch)
};

}  // namespace vfemu

// vfemu_fiber_switch(void** saveSp, void* loadSp): pushes the callee-saved registers and a slot
// with MXCSR (low 4 bytes) and the x87 control word (next 2), stores rsp to *saveSp, loads
// loadSp, and pops the same frame from there; `ret` then returns into the resumed fiber.
// vfemu_fiber_start: where a new fiber's first switch returns to; calls entry (r13) with rsp
// 16-byte aligned, as a call site must, and traps if entry ever returns.
extern "C" __attribute__((visibility("hidden"))) void vfemu_fiber_switch(void** saveSp, void* loadSp);
extern "C" __attribute__((visibility("hidden"))) void vfemu_fiber_start();

asm(R"(
    .pushsection .text
    .p2align 4
    .globl vfemu_fiber_switch
    .hidden vfemu_fiber_switch
    .type vfemu_fiber_switch, @function
vfemu_fiber_switch:
    .cfi_startproc
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .cfi_endproc
    .size vfemu_fiber_switch, .-vfemu_fiber_switch

    .p2align 4
    .globl vfemu_fiber_start
    .hidden vfemu_fiber_start
    .type vfemu_fiber_start, @function
vfemu_fiber_start:
    .cfi_startproc
    .cfi_undefined %rip
    xorl %ebp, %ebp
    callq *%r13
    ud2
    .cfi_endproc
    .size vfemu_fiber_start, .-vfemu_fiber_start
    .popsection
)");

namespace vfemu {

// Prepares ctx to run entry() on [stack, stack + bytes) at its next fiber_switch into it.
// The frame is what vfemu_fiber_switch pops: control slot, r15, r14, r13 = entry, r12, rbx, rbp,
// then the return address vfemu_fiber_start, placed so that rsp is 16-byte aligned after the `ret`.
inline void fiber_init(FiberContext& ctx, char* stack, size_t bytes, void (*entry)()) {
    uintptr_t top = (reinterpret_cast<uintptr_t>(stack) + bytes) & ~uintptr_t(15);
    uint64_t* frame = reinterpret_cast<uint64_t*>(top) - 8;
    uint32_t mxcsr;
    uint16_t x87cw;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    asm volatile("fnstcw %0" : "=m"(x87cw));
    frame[0] = mxcsr | (uint64_t)x87cw << 32;      // the fiber starts with the scheduler's FP modes
    frame[1] = 0;                                  // r15
    frame[2] = 0;                                  // r14
    frame[3] = reinterpret_cast<uint64_t>(entry);  // r13
    frame[4] = 0;                                  // r12
    frame[5] = 0;                                  // rbx
    frame[6] = 0;                                  // rbp
    frame[7] = reinterpret_cast<uint64_t>(&vfemu_fiber_start);
    ctx.sp = frame;
}

inline void fiber_switch(FiberContext& from, FiberContext& to) { vfemu_fiber_switch(&from.sp, to.sp); }

}  // namespace vfemu

#else  // portable fallback: ucontext (swapcontext also switches the signal mask: a system call)

#include <ucontext.h>

#include <cstddef>

namespace vfemu {

struct FiberContext {
    ucontext_t uc;
};

inline void fiber_init(FiberContext& ctx, char* stack, size_t bytes, void (*entry)()) {
    getcontext(&ctx.uc);
    ctx.uc.uc_stack.ss_sp = stack;
    ctx.uc.uc_stack.ss_size = bytes;
    ctx.uc.uc_link = nullptr;  // entry never returns
    makecontext(&ctx.uc, entry, 0);
}

inline void fiber_switch(FiberContext& from, FiberContext& to) { swapcontext(&from.uc, &to.uc); }

}  // namespace vfemu

#endif
