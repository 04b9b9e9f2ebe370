/*===- preempt_amd64.S - asyncPreempt: the call a SIGURG handler injects --===//
 *
 * void glrt_asyncPreempt(void)  -- not called by code, "called" by sigPreempt
 * (preempt.cpp), which rewrote the interrupted context of a goroutine
 * running generated code:
 *   entry:  rsp = interrupted rsp - 136 (the 128-byte red zone of the
 *           interrupted code is left alone), 0(%rsp) = interrupted PC.
 *           Every other register, the flags and the SSE state are the
 *           interrupted code's, all live.
 *   action: save what the yield may clobber on the G's stack, glrt_mcall
 *           (glrt_asyncPreempt_m): the G goes to the global run queue as
 *           with Gosched and may resume on another M; restore, and
 *           `ret $128`: pops the PC and then the red zone gap, so rsp is
 *           exactly the interrupted rsp again.
 *
 * What is saved: only the registers the yield may change. The caller-saved
 * GPRs (rax rcx rdx rsi rdi r8-r11), the flags and xmm0-15 (movups: glc
 * compiles for generic x86-64, SSE only, so those are every vector
 * register generated code may use; all of them are caller-saved). The
 * callee-saved rbx, r12-r15 are pushed by glrt_mcall itself and restored
 * when the G resumes, rbp is pushed here (it also links the frame-pointer
 * chain: rbp -> interrupted rbp, return address = interrupted PC, so a
 * traceback taken while the G is parked here walks into the interrupted
 * function). MXCSR and the x87 control word are not saved: the runtime
 * never changes them (asm_amd64.S), generated code neither, and nothing
 * keeps values on the x87 stack across instructions that can be
 * interrupted in generated code (no long double).
 *
 * Stack: the whole thing fits in asyncPreemptStack (stack.h) below the
 * interrupted rsp, which stack.h static_asserts to fit in the reserve that
 * generated code always leaves above the segment's lo:
 *   128  red zone
 *     8  return address (the interrupted PC)
 *    88  rbp, flags, 9 caller-saved GPRs
 *     8  alignment (the interrupted rsp need only be 8-byte aligned)
 *   256  xmm0-15
 *    56  glrt_mcall: its return address + 6 callee-saved registers
 *  = 544; glrt_asyncPreempt_m runs on g0. preempt_test.cpp measures it.
 *
 * CFI: a signal frame (the "return address" is the interrupted PC itself,
 * not after a call: the unwinder must not look up pc-1), CFA = the
 * interrupted rsp = entry rsp + 136, and every saved register's slot, so
 * gdb shows the interrupted function's registers in its frame.
 *===--------------------------------------------------------------------===*/
#include "asm_amd64.h"

	.text
	.globl glrt_asyncPreempt
	.type glrt_asyncPreempt,@function
glrt_asyncPreempt:
	.cfi_startproc
	.cfi_signal_frame
	.cfi_def_cfa %rsp, 136
	.cfi_offset %rip, -136
	pushq %rbp
	.cfi_def_cfa_offset 144
	.cfi_offset %rbp, -144
	movq %rsp, %rbp
	.cfi_def_cfa_register %rbp            /* CFA = rbp + 144 */
	pushfq
	pushq %rax
	.cfi_offset %rax, -160
	pushq %rcx
	.cfi_offset %rcx, -168
	pushq %rdx
	.cfi_offset %rdx, -176
	pushq %rsi
	.cfi_offset %rsi, -184
	pushq %rdi
	.cfi_offset %rdi, -192
	pushq %r8
	.cfi_offset %r8, -200
	pushq %r9
	.cfi_offset %r9, -208
	pushq %r10
	.cfi_offset %r10, -216
	pushq %r11                            /* rsp = rbp - 80 */
	.cfi_offset %r11, -224
	subq $256, %rsp
	andq $-16, %rsp                       /* aligned for the call (and movaps-safe) */
	movups %xmm0, 0(%rsp)
	movups %xmm1, 16(%rsp)
	movups %xmm2, 32(%rsp)
	movups %xmm3, 48(%rsp)
	movups %xmm4, 64(%rsp)
	movups %xmm5, 80(%rsp)
	movups %xmm6, 96(%rsp)
	movups %xmm7, 112(%rsp)
	movups %xmm8, 128(%rsp)
	movups %xmm9, 144(%rsp)
	movups %xmm10, 160(%rsp)
	movups %xmm11, 176(%rsp)
	movups %xmm12, 192(%rsp)
	movups %xmm13, 208(%rsp)
	movups %xmm14, 224(%rsp)
	movups %xmm15, 240(%rsp)
	cld
	movq glrt_asyncPreempt_m@GOTPCREL(%rip), %rdi
	callq glrt_mcall                      /* yields; may come back on another M */
	movups 0(%rsp), %xmm0
	movups 16(%rsp), %xmm1
	movups 32(%rsp), %xmm2
	movups 48(%rsp), %xmm3
	movups 64(%rsp), %xmm4
	movups 80(%rsp), %xmm5
	movups 96(%rsp), %xmm6
	movups 112(%rsp), %xmm7
	movups 128(%rsp), %xmm8
	movups 144(%rsp), %xmm9
	movups 160(%rsp), %xmm10
	movups 176(%rsp), %xmm11
	movups 192(%rsp), %xmm12
	movups 208(%rsp), %xmm13
	movups 224(%rsp), %xmm14
	movups 240(%rsp), %xmm15
	leaq -80(%rbp), %rsp
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	popfq
	popq %rbp
	.cfi_def_cfa %rsp, 136
	ret $128
	.cfi_endproc
	.size glrt_asyncPreempt, .-glrt_asyncPreempt

	.section .note.GNU-stack,"",@progbits
	.section .note.GNU-split-stack,"",@progbits
