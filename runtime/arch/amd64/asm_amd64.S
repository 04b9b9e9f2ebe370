/*===- asm_amd64.S - context switch: gogo, mcall, systemstack, gostart --===//
 *
 * The only code that changes stacks between Gs. Contracts are written above
 * each routine. Offsets come from asm_amd64.h (static_assert-ed in gmp.h).
 *
 * What is saved on a switch (SysV x86-64): the callee-saved registers rbx,
 * rbp, r12-r15 and rsp. NOT saved: every caller-saved register (rax, rcx,
 * rdx, rsi, rdi, r8-r11, all xmm/ymm/zmm), the x87 control word and MXCSR
 * (the runtime never changes them, so they are the same on every thread),
 * the flags, the x87 stack. Every switch is a real C call, so the compiler
 * already treats caller-saved registers as clobbered.
 *
 * The current G lives in the initial-exec TLS variable glrt_curg. Every
 * switch also writes the new G's stackguard0 into %fs:0x70 (the split-stack
 * limit slot) with xchg, a full fence: see stacks.md 6.4 for why a
 * preemption poison store from sysmon must not be reordered with the
 * following read of g.preempt.
 *
 * CFI (for debuggers; glrt's own tracebacks walk rbp): every routine
 * describes its frame while it is on the caller's stack. Where a routine
 * leaves that stack for good (gogo, mcall's and mstart_on_g0's switch to
 * g0, deferresume) the return address becomes undefined: the unwinder
 * stops there instead of reading a stack that no longer belongs to the
 * frame. gostart's return address is undefined from its first
 * instruction: it is the outermost frame of every goroutine, where gdb's
 * `bt` ends. systemstack's frame is rbp-based, so frames of fn on g0
 * unwind back onto the G's stack.
 *===--------------------------------------------------------------------===*/
#include "asm_amd64.h"

/* After installing gp's real limit with xchg (a full fence): if gp has a
 * preemption request pending, put the poison (INT64_MAX) back. sysmon
 * stores the flag, then the poison (seq_cst); a poison that landed before
 * our xchg was overwritten by it, but then its flag is visible to this
 * load; a poison that lands after it stays. Without this, gogo (a request
 * made between execute's clearing of the flag and the switch) and
 * systemstack (a request made for the G while fn ran on g0, or just
 * before: the xchg to g0's limit displaced it) dropped the poison and the
 * request waited for sysmon's next look. Clobbers scratch and flags. */
.macro REPOISON_IF_PREEMPT greg, scratch
	cmpb $0, G_PREEMPT(\greg)
	je 8f
	movabsq $0x7fffffffffffffff, \scratch
	movq \scratch, %fs:TLS_STACKLIMIT
8:
.endm

	.text

/* void glrt_gogo(gobuf *buf)  -- never returns.
 * rdi = buf. Makes buf->g current, loads its limit into %fs:0x70, then
 * rsp = buf->sp, rbp = buf->bp, rdx = buf->ctxt and jumps to buf->pc.
 * Runs on g0; clobbers everything else. */
	.globl glrt_gogo
	.type glrt_gogo,@function
glrt_gogo:
	.cfi_startproc
	movq GOBUF_G(%rdi), %rax
	movq glrt_curg@gottpoff(%rip), %rcx
	movq %rax, %fs:(%rcx)
	movq G_STACKGUARD0(%rax), %rcx
	xchgq %rcx, %fs:TLS_STACKLIMIT
	REPOISON_IF_PREEMPT %rax, %rcx
	movq GOBUF_SP(%rdi), %rsp
	.cfi_undefined %rip
	movq GOBUF_BP(%rdi), %rbp
	movq GOBUF_CTXT(%rdi), %rdx
	jmpq *GOBUF_PC(%rdi)
	.cfi_endproc
	.size glrt_gogo, .-glrt_gogo

/* void glrt_mcall(void (*fn)(g *gp))
 * Called on a user G (never on g0). Pushes rbp, rbx, r12-r15 on the G's
 * stack, records rsp and the resume PC in gp->sched, switches to the M's g0
 * (curg, %fs:0x70, rsp = g0->sched.sp) and calls fn(gp). fn never returns:
 * it ends in schedule() or gogo. When the G is resumed by gogo(&gp->sched)
 * it pops the callee-saved registers and returns from glrt_mcall.
 * Uses 56 bytes of the G's stack. */
	.globl glrt_mcall
	.type glrt_mcall,@function
glrt_mcall:
	.cfi_startproc
	pushq %rbp
	.cfi_adjust_cfa_offset 8
	.cfi_offset %rbp, -16
	pushq %rbx
	.cfi_adjust_cfa_offset 8
	.cfi_offset %rbx, -24
	pushq %r12
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r12, -32
	pushq %r13
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r13, -40
	pushq %r14
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r14, -48
	pushq %r15
	.cfi_adjust_cfa_offset 8
	.cfi_offset %r15, -56
	movq glrt_curg@gottpoff(%rip), %rcx
	movq %fs:(%rcx), %rax                 /* rax = gp */
	movq %rsp, G_SCHED+GOBUF_SP(%rax)
	leaq .Lmcall_resume(%rip), %rdx
	movq %rdx, G_SCHED+GOBUF_PC(%rax)
	movq %rbp, G_SCHED+GOBUF_BP(%rax)
	movq %rax, G_SCHED+GOBUF_G(%rax)
	movq G_M(%rax), %rdx
	movq M_G0(%rdx), %rdx                 /* rdx = g0 */
	movq %rdx, %fs:(%rcx)
	movq G_STACKGUARD0(%rdx), %rsi
	xchgq %rsi, %fs:TLS_STACKLIMIT
	.cfi_remember_state
	movq G_SCHED+GOBUF_SP(%rdx), %rsp
	.cfi_undefined %rip                   /* on g0: fn is the outermost frame */
	xorl %ebp, %ebp
	movq %rdi, %rsi
	movq %rax, %rdi
	callq *%rsi
	ud2
.Lmcall_resume:
	.cfi_restore_state                    /* back on the G's stack (gogo) */
	popq %r15
	.cfi_adjust_cfa_offset -8
	popq %r14
	.cfi_adjust_cfa_offset -8
	popq %r13
	.cfi_adjust_cfa_offset -8
	popq %r12
	.cfi_adjust_cfa_offset -8
	popq %rbx
	.cfi_adjust_cfa_offset -8
	popq %rbp
	.cfi_adjust_cfa_offset -8
	ret
	.cfi_endproc
	.size glrt_mcall, .-glrt_mcall

/* void glrt_systemstack(void (*fn)(void *), void *arg)
 * Runs fn(arg) on the M's g0 stack and returns. On g0 already: a tail call.
 * Otherwise: 32 bytes on the G's stack (return address, rbp, rbx, r12),
 * curg = g0 and %fs:0x70 = g0's limit during fn, both restored after.
 * fn must not park or switch G (the G cannot move to another M meanwhile).
 * The rbp chain links fn's frames to the G's frames (tracebacks). */
	.globl glrt_systemstack
	.type glrt_systemstack,@function
glrt_systemstack:
	.cfi_startproc
	movq glrt_curg@gottpoff(%rip), %rcx
	movq %fs:(%rcx), %rax                 /* rax = gp */
	movq G_M(%rax), %rdx
	movq M_G0(%rdx), %rdx                 /* rdx = g0 */
	cmpq %rax, %rdx
	je .Lsys_direct
	pushq %rbp
	.cfi_adjust_cfa_offset 8
	.cfi_offset %rbp, -16
	movq %rsp, %rbp
	.cfi_def_cfa_register %rbp            /* CFA = rbp+16 on the G's stack */
	pushq %rbx
	.cfi_offset %rbx, -24
	pushq %r12
	.cfi_offset %r12, -32
	movq %rax, %rbx                       /* rbx = gp, survives the call */
	movq %rdx, %fs:(%rcx)
	movq G_STACKGUARD0(%rdx), %rax
	xchgq %rax, %fs:TLS_STACKLIMIT
	movq G_SCHED+GOBUF_SP(%rdx), %rsp
	movq %rdi, %rax
	movq %rsi, %rdi
	callq *%rax
	movq glrt_curg@gottpoff(%rip), %rcx
	movq %rbx, %fs:(%rcx)
	movq G_STACKGUARD0(%rbx), %rax
	xchgq %rax, %fs:TLS_STACKLIMIT
	REPOISON_IF_PREEMPT %rbx, %rax
	leaq -16(%rbp), %rsp
	popq %r12
	.cfi_restore %r12
	popq %rbx
	.cfi_restore %rbx
	popq %rbp
	.cfi_restore %rbp
	.cfi_def_cfa %rsp, 8
	ret
.Lsys_direct:
	movq %rdi, %rax
	movq %rsi, %rdi
	jmpq *%rax
	.cfi_endproc
	.size glrt_systemstack, .-glrt_systemstack

/* Entry PC of every new G. gogo arrives with rsp = top of the first
 * segment (16-byte aligned) and rbp = 0 (ends frame-pointer walks).
 * Calls gp->startfn(gp->startarg), then glrt_goexit1(), which never
 * returns. */
	.globl glrt_gostart
	.type glrt_gostart,@function
glrt_gostart:
	.cfi_startproc
	.cfi_undefined %rip                   /* a goroutine's outermost frame */
	movq glrt_curg@gottpoff(%rip), %rax
	movq %fs:(%rax), %rax
	movq G_STARTARG(%rax), %rdi
	callq *G_STARTFN(%rax)
.Lgostart_ret:
	callq glrt_goexit1
	ud2
	.cfi_endproc
	.size glrt_gostart, .-glrt_gostart

/* The return address of gostart's call of startfn: the bottom of every
 * goroutine's frame chain, which runtime.Callers reports as Go's
 * runtime.goexit (callers.cpp). A data word rather than a global label,
 * so that debuggers keep naming the code glrt_gostart. */
	.section .data.rel.ro,"aw",@progbits
	.p2align 3
	.globl glrt_gostart_retpc
glrt_gostart_retpc:
	.quad .Lgostart_ret
	.text

/* void glrt_mstart_on_g0(g *g0, void (*fn)(void))  -- never returns.
 * Sets g0->sched.sp just below our return address (16-byte aligned): every
 * later mcall/systemstack onto this M's g0 starts there, discarding older
 * scheduler frames. Then calls fn(), which must not return. */
	.globl glrt_mstart_on_g0
	.type glrt_mstart_on_g0,@function
glrt_mstart_on_g0:
	.cfi_startproc
	leaq -8(%rsp), %rax
	andq $-16, %rax
	movq %rax, G_SCHED+GOBUF_SP(%rdi)
	movq %rax, %rsp
	.cfi_undefined %rip                   /* the M's outermost scheduler frame */
	xorl %ebp, %ebp
	callq *%rsi
	ud2
	.cfi_endproc
	.size glrt_mstart_on_g0, .-glrt_mstart_on_g0

	.section .note.GNU-stack,"",@progbits
	/* Runtime objects are safe to call from split-stack code under the
	 * runtime's own rules: tell gold/lld not to rewrite callers. */
	.section .note.GNU-split-stack,"",@progbits
