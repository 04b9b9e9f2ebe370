/*===- preempt_amd64.S - asyncPreempt: the call a SIGURG handler injects --===//
 *
 * void glrt_asyncPreempt(void)  -- not called by code, "called" by sigPreempt
 * (preempt.cpp), which rewrote the interrupted context of a goroutine
 * running generated code:
 *   entry:  rsp = interrupted rsp - 136 (the 128-byte red zone of the
 *           interrupted code is left alone), 0(%rsp) = interrupted PC.
 *           Every other register, the flags and the x87/SSE state are the
 *           interrupted code's, all live.
 *   action: save all of them on the G's stack, call glrt_asyncPreempt2
 *           (yields; may resume on another M), restore all of them, and
 *           `ret $128`: pops the PC and then the red zone gap, so rsp is
 *           exactly the interrupted rsp again.
 *   stack:  136 + 128 (GPRs, flags) + up to 8 (alignment) + 512 (fxsave)
 *           + the callee's frames; sigPreempt checks the segment has
 *           asyncPreemptStack bytes first.
 * glc compiles for generic x86-64 (driver: cpu "x86-64"): SSE only, so
 * fxsave64 holds every vector register generated code may use (xmm0-15,
 * MXCSR, x87). The frame-pointer chain is extended (rbp -> interrupted
 * rbp, return address = interrupted PC) so a traceback taken while the G
 * is parked here walks into the interrupted function.
 *===--------------------------------------------------------------------===*/
#include "asm_amd64.h"

	.text
	.globl glrt_asyncPreempt
	.type glrt_asyncPreempt,@function
glrt_asyncPreempt:
	pushq %rbp
	movq %rsp, %rbp
	pushfq
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rbx                       /* rbx: callee-saved, survives the call */
	subq $512, %rsp
	andq $-16, %rsp                       /* fxsave needs 16-byte alignment */
	fxsave64 (%rsp)
	cld
	callq glrt_asyncPreempt2
	fxrstor64 (%rsp)
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	popfq
	popq %rbp
	ret $128
	.size glrt_asyncPreempt, .-glrt_asyncPreempt

	.section .note.GNU-stack,"",@progbits
	.section .note.GNU-split-stack,"",@progbits
