/*===- defer_amd64.S - calling deferred functions, resuming after recover ===//
 *
 * See the essay at the top of runtime/defer.cpp.
 *===--------------------------------------------------------------------===*/
#include "asm_amd64.h"

	.text

/* void glrt_calldefer(void (*fn)(void *), void *arg, uintptr_t *argp)
 * rdi = fn, rsi = arg, rdx = argp. A frame of its own (16 bytes: return
 * address and rbp) whose rbp goes to *argp before fn(arg) is called: a
 * function called directly by this one has that rbp as its parent frame,
 * which is how gorecover knows it was called by the panic's deferred call
 * (through __morestack: one link further, see glrt_morestack_ret). */
	.globl glrt_calldefer
	.type glrt_calldefer,@function
glrt_calldefer:
	.cfi_startproc
	pushq %rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	movq %rsp, %rbp
	.cfi_def_cfa_register %rbp
	movq %rbp, (%rdx)
	movq %rdi, %rax
	movq %rsi, %rdi
	callq *%rax
.Lcalldefer_ret:
	popq %rbp
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size glrt_calldefer, .-glrt_calldefer

/* void glrt_deferresume(uintptr_t sp, uintptr_t fp, uintptr_t pc,
 *                       uintptr_t limit)  -- never returns.
 * Installs limit (the recovering frame's segment limit, already written to
 * g->stackguard0) in %fs:0x70 with xchg, keeping a preemption poison that
 * arrived meanwhile (as __morestack's KEEP_POISON), then rsp = sp,
 * rbp = fp and jumps to pc: the resume block of llvm.eh.sjlj.setjmp in
 * the function that deferred the recovering call, which sets its result
 * to 1 itself and reloads everything it needs from its frame. */
	.globl glrt_deferresume
	.type glrt_deferresume,@function
glrt_deferresume:
	.cfi_startproc
	xchgq %rcx, %fs:TLS_STACKLIMIT
	btq $62, %rcx
	jnc 1f
	movq %rcx, %fs:TLS_STACKLIMIT
1:
	movq %rdi, %rsp
	.cfi_undefined %rip                   /* the frame is gone: resuming another */
	movq %rsi, %rbp
	jmpq *%rdx
	.cfi_endproc
	.size glrt_deferresume, .-glrt_deferresume

/* void glrt_sigpanic0(void)  -- never returns.
 * Entered from a signal handler as if the faulting instruction of
 * generated code had called it (the faulting pc is the return address).
 * Pushes rbp to link the frame chain (tracebacks see the faulting
 * function next), aligns rsp and calls glrt_sigpanic (panic.cpp). */
	.globl glrt_sigpanic0
	.type glrt_sigpanic0,@function
glrt_sigpanic0:
	.cfi_startproc
	.cfi_signal_frame                     /* the return address is the faulting pc itself */
	pushq %rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	movq %rsp, %rbp
	.cfi_def_cfa_register %rbp
	andq $-16, %rsp
	callq glrt_sigpanic
.Lsigpanic0_ret:
	ud2
	.cfi_endproc
	.size glrt_sigpanic0, .-glrt_sigpanic0

/* Return addresses runtime.Callers recognises (callers.cpp): a frame
 * returning into glrt_calldefer is a deferred call run by gopanic or
 * Goexit; one returning into glrt_sigpanic0 is the fault's, and the frame
 * above it was interrupted at its exact pc. Data words, not labels, so
 * that debuggers keep naming the code by its functions. */
	.section .data.rel.ro,"aw",@progbits
	.p2align 3
	.globl glrt_calldefer_retpc
glrt_calldefer_retpc:
	.quad .Lcalldefer_ret
	.globl glrt_sigpanic0_retpc
glrt_sigpanic0_retpc:
	.quad .Lsigpanic0_ret
	.text

	.section .note.GNU-stack,"",@progbits
	.section .note.GNU-split-stack,"",@progbits
