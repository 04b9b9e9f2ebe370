/*===- morestack_amd64.S - __morestack for LLVM split-stack prologues ---===//
 *
 * Contract (LLVM X86FrameLowering::adjustForSegmentedStacks; stacks.md 1.3):
 *   entry:  r10 = frame size the function needs, r11 = bytes of its incoming
 *           stack arguments, rax = static chain (nest functions), all
 *           argument registers (rdi rsi rdx rcx r8 r9 rax, xmm0-7) live;
 *           0(%rsp) = address of the 1-byte `ret` after the call in the
 *           prologue, 8(%rsp) = the function's own return address,
 *           16(%rsp).. = its stack arguments. rsp is 16-byte aligned.
 *   action: run the body (at 0(%rsp)+1) on a segment with room, with the
 *           r11 argument bytes copied to the new top, as a normal call;
 *           when it returns (results in rax, rdx, xmm0, xmm1), switch back
 *           to the old segment and `ret` to the 1-byte `ret`, which returns
 *           to the function's caller.
 *
 * Fast path (assembly, no call): take the G's cached next segment
 * (g->stackseg->next) if it holds r10 + r11 + STACK_GUARD + 64 bytes.
 * Slow path: spill the remaining argument registers (rdx r8 r9, xmm0-7)
 * and call glrt_morestack_grow(need) on g0 through glrt_systemstack, which
 * installs a suitable next segment (or dies with Go's stack overflow
 * message), then retry the fast path. No signal masking: no handler
 * touches the segment chain.
 *
 * Stack used on the old segment: fast path 48 bytes, slow path 256 bytes
 * (this is part of the STACK_GUARD budget in stack.h).
 *
 * Every store of a real limit into %fs:0x70 here is an xchg followed by
 * KEEP_POISON: a plain store could overwrite a poison that arrived after
 * the check at .Lretry (or, on the return path, during the body) and the
 * request would be lost until sysmon asked again (test:
 * morestack_preempt_test.cpp).
 *
 * Preemption (preempt.cpp): sysmon asks a G to yield by storing a poison
 * (INT64_MAX) into %fs:0x70 after setting g->preempt, so the next prologue
 * lands here although the frame may fit. So first: if the slot differs
 * from g->stackguard0 (the truth), put the truth back with xchg (a full
 * fence, stacks.md 6.4), then exchange g->preempt with 0. If it was set,
 * spill like the slow path and call glrt_morestack_preempt (Gosched) on
 * the G's stack, restore, and look again (without taking a new segment
 * for a frame that fits). Then, if the frame fits under
 * the real limit (caller's rsp - r10 > limit), resume the body on this
 * segment as if the prologue's check had passed: pop the return address
 * (the 1-byte ret) and jump to it + 1 with rsp as at the prologue's call.
 * Extra stack for the yield: the slow path's 216 bytes + Gosched's frame
 * + mcall's 56, inside the StackNosplitBudget part of STACK_GUARD that
 * nothing else uses while __morestack runs.
 *===--------------------------------------------------------------------===*/
#include "asm_amd64.h"

/* The slow paths call C: spill the argument registers not saved at entry
 * (rdx r8 r9, xmm0-7) and r10/r11 (frame and argument sizes). 168 bytes;
 * rsp stays 16-byte aligned for the call. */
.macro SPILL
	pushq %rdx
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	subq $128, %rsp
	movdqu %xmm0, 0(%rsp)
	movdqu %xmm1, 16(%rsp)
	movdqu %xmm2, 32(%rsp)
	movdqu %xmm3, 48(%rsp)
	movdqu %xmm4, 64(%rsp)
	movdqu %xmm5, 80(%rsp)
	movdqu %xmm6, 96(%rsp)
	movdqu %xmm7, 112(%rsp)
.endm
.macro UNSPILL
	movdqu 0(%rsp), %xmm0
	movdqu 16(%rsp), %xmm1
	movdqu 32(%rsp), %xmm2
	movdqu 48(%rsp), %xmm3
	movdqu 64(%rsp), %xmm4
	movdqu 80(%rsp), %xmm5
	movdqu 96(%rsp), %xmm6
	movdqu 112(%rsp), %xmm7
	addq $128, %rsp
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdx
.endm

/* After `xchg new, slot`: reg holds what the slot held. Stack limits are
 * below 2^47; the preemption poison (INT64_MAX) has bit 62 set. If the
 * xchg displaced a poison (sysmon stored it after this thread last looked),
 * the request it carries is still pending (g->preempt is set, and only
 * this thread consumes it): store the poison back. Only this thread ever
 * stores a real limit into its own slot, so the plain store cannot undo
 * anything but a second, identical poison. Clobbers the flags. */
.macro KEEP_POISON reg
	btq $62, \reg
	jnc 9f
	movq \reg, %fs:TLS_STACKLIMIT
9:
.endm

	.text
	.globl __morestack
	.type __morestack,@function
__morestack:
	.cfi_startproc
	pushq %rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	movq %rsp, %rbp
	.cfi_def_cfa_register %rbp
	pushq %rax                            /* -8(%rbp)  */
	pushq %rdi                            /* -16(%rbp) */
	pushq %rsi                            /* -24(%rbp) */
	pushq %rcx                            /* -32(%rbp) */
.Lretry:
	movq glrt_curg@gottpoff(%rip), %rax
	movq %fs:(%rax), %rax                 /* rax = g */
	movq G_STACKGUARD0(%rax), %rcx
	cmpq %rcx, %fs:TLS_STACKLIMIT
	jne .Lpoisoned
.Lgrow:
	movq G_STACKSEG(%rax), %rdi           /* rdi = current segment */
	testq %rdi, %rdi
	jz .Lslow                             /* g0 or no segment: slow path throws */
	movq SEG_NEXT(%rdi), %rsi             /* rsi = cached next segment */
	leaq STACK_GUARD+64(%r10,%r11), %rcx  /* rcx = bytes needed */
	testq %rsi, %rsi
	jz .Lslow
	movq SEG_HI(%rsi), %rdi
	subq SEG_LO(%rsi), %rdi
	cmpq %rcx, %rdi
	jb .Lslow
	/* Switch the G to the next segment. */
	movq %rsi, G_STACKSEG(%rax)
	movq %rbp, SEG_OLDSP(%rsi)
	movq SEG_LO(%rsi), %rcx
	addq $STACK_GUARD, %rcx
	movq %rcx, G_STACKGUARD0(%rax)
	/* Install the new limit with xchg, not a plain store: a poison that
	 * sysmon stored since the check at .Lretry comes back in rcx, and goes
	 * back into the slot (KEEP_POISON), so the body's first call sees it. */
	xchgq %rcx, %fs:TLS_STACKLIMIT
	KEEP_POISON %rcx
	cmpb $0, G_PREEMPT(%rax)              /* a pending request keeps the poison */
	je 2f
	movabsq $0x7fffffffffffffff, %rcx
	movq %rcx, %fs:TLS_STACKLIMIT
2:
	/* New sp: below the copied arguments, 16-byte aligned. */
	movq SEG_HI(%rsi), %r10
	subq %r11, %r10
	andq $-16, %r10
	testq %r11, %r11
	jz 1f                                 /* no stack arguments (common) */
	leaq 24(%rbp), %rsi
	movq %r10, %rdi
	movq %r11, %rcx
	shrq $3, %rcx
	cld
	rep movsq
1:
	movq -8(%rbp), %rax
	movq -16(%rbp), %rdi
	movq -24(%rbp), %rsi
	movq -32(%rbp), %rcx
	movq %r10, %rsp
	movq 8(%rbp), %r11
	incq %r11
	callq *%r11
	.globl glrt_morestack_ret
glrt_morestack_ret:
	/* Back from the body (rax, rdx, xmm0, xmm1 live). This may be another
	 * thread than before the call: reload g from TLS. */
	movq glrt_curg@gottpoff(%rip), %r11
	movq %fs:(%r11), %r11                 /* r11 = g */
	movq G_STACKSEG(%r11), %r10           /* r10 = segment we are leaving */
	movq SEG_OLDSP(%r10), %rsp            /* back on the old segment */
	movq SEG_PREV(%r10), %r10
	movq %r10, G_STACKSEG(%r11)
	movq SEG_LO(%r10), %r10
	addq $STACK_GUARD, %r10
	movq %r10, G_STACKGUARD0(%r11)
	/* Same on the way back: the body may have ended with returns only
	 * (no prologue) after a poison arrived; keep it for the caller's next
	 * call. */
	xchgq %r10, %fs:TLS_STACKLIMIT
	KEEP_POISON %r10
	cmpb $0, G_PREEMPT(%r11)              /* a pending request keeps the poison */
	je 3f
	movabsq $0x7fffffffffffffff, %r10
	movq %r10, %fs:TLS_STACKLIMIT
3:
	popq %rbp
	.cfi_def_cfa %rsp, 8
	ret                                   /* to the 1-byte ret in the prologue */

.Lpoisoned:
	/* rax = g, rcx = g->stackguard0. Restore the slot (full fence), then
	 * consume the request. */
	xchgq %rcx, %fs:TLS_STACKLIMIT
	xorl %ecx, %ecx
	xchgb %cl, G_PREEMPT(%rax)
	testb %cl, %cl
	jnz .Lyield
.Lcheckfit:
	/* No request pending (consumed, or a stale poison, or we just
	 * yielded): does the frame fit under the real limit? The caller's
	 * rsp at the prologue is rbp + 16. */
	leaq 16(%rbp), %rcx
	subq %r10, %rcx
	jb .Lgrow                             /* wrapped: certainly not */
	cmpq G_STACKGUARD0(%rax), %rcx
	jbe .Lgrow
	/* It fits: resume the body here, as if the prologue had passed. A
	 * request still pending (glrt_morestack_preempt declined it, or
	 * GODEBUG=schedseed keeps one pending on every G: schedseed.h) keeps
	 * the poison, as gogo and systemstack do (REPOISON_IF_PREEMPT), so the
	 * next prologue comes back here. Clobbers rcx and flags (restored /
	 * dead below). */
	cmpb $0, G_PREEMPT(%rax)
	je 1f
	movabsq $0x7fffffffffffffff, %rcx
	movq %rcx, %fs:TLS_STACKLIMIT
1:
	movq -8(%rbp), %rax
	movq -16(%rbp), %rdi
	movq -24(%rbp), %rsi
	movq -32(%rbp), %rcx
	movq %rbp, %rsp
	popq %rbp
	.cfi_def_cfa %rsp, 8
	popq %r11                             /* the 1-byte ret in the prologue */
	.cfi_def_cfa_offset 0
	incq %r11
	jmpq *%r11

.Lyield:
	.cfi_def_cfa %rbp, 16
	SPILL
	callq glrt_morestack_preempt          /* yields; may come back on another M */
	UNSPILL
	/* Maybe on another M now, maybe poisoned again: look again, but do
	 * not take a new segment unless the frame really needs one. */
	movq glrt_curg@gottpoff(%rip), %rax
	movq %fs:(%rax), %rax                 /* rax = g */
	movq G_STACKGUARD0(%rax), %rcx
	cmpq %rcx, %fs:TLS_STACKLIMIT
	jne .Lpoisoned
	jmp .Lcheckfit

.Lslow:
	SPILL
	leaq glrt_morestack_grow(%rip), %rdi
	leaq STACK_GUARD+64(%r10,%r11), %rsi
	callq glrt_systemstack
	UNSPILL
	jmp .Lretry
	.cfi_endproc
	.size __morestack, .-__morestack

/* Large code model prologues call *__morestack_addr(%rip). */
	.section .data.rel.ro,"aw",@progbits
	.globl __morestack_addr
	.p2align 3
__morestack_addr:
	.quad __morestack

	.section .note.GNU-stack,"",@progbits
	.section .note.GNU-split-stack,"",@progbits
