/*===- asm_amd64.h - struct offsets shared by the assembly and C++ ------===//
 *
 * Included by asm_amd64.S / morestack_amd64.S (as the C preprocessor runs on
 * .S files) and by gmp.h / stack.h, which static_assert every offset against
 * offsetof(), so a layout change that forgets this file fails to compile.
 *===--------------------------------------------------------------------===*/
#ifndef GLRT_ASM_AMD64_H
#define GLRT_ASM_AMD64_H

/* struct gobuf */
#define GOBUF_SP 0
#define GOBUF_PC 8
#define GOBUF_BP 16
#define GOBUF_G 24
#define GOBUF_CTXT 32

/* struct g (gobuf sched is first) */
#define G_SCHED 0
#define G_STACKGUARD0 40
#define G_STACKSEG 48
#define G_M 56
#define G_STARTFN 64
#define G_STARTARG 72
#define G_PREEMPT 93

/* struct m */
#define M_G0 0
#define M_CURG 8

/* struct stkseg (the header at the top of every stack segment) */
#define SEG_LO 0
#define SEG_HI 8
#define SEG_PREV 16
#define SEG_NEXT 24
#define SEG_OLDSP 32

/* Bytes below a segment's limit that are always usable without a check:
 * LLVM's 256-byte small-frame slack + the larger of __morestack's needs
 * (512) and an injected asyncPreempt's (544). See stack.h, which
 * static_asserts the budget. */
#ifndef GLRT_RACE
#define STACK_GUARD 800
#else
/* The -race runtime (libglrt_race.a): generated code calls ThreadSanitizer's
 * runtime (__tsan_read8, __tsan_func_entry, ...) from any rsp it runs at,
 * and a race report (symbolizing, printing both stacks) runs there too, on
 * the goroutine's segment: TSan's code is not split-stack. RACE_STACK_RESERVE
 * more bytes below every limit hold it. Measured: a goroutine that reports
 * a race (TSan's report, glrt's Go-style one, the symbolizer) writes 2.8 KB
 * of its first segment in all; 24 KiB keeps a first segment (2 KiB + the
 * guard) in the 32 KiB pool class, so goroutines do not cost an mmap each.
 * See runtime/race.h. */
#define RACE_STACK_RESERVE (24 * 1024)
#define STACK_GUARD (800 + RACE_STACK_RESERVE)
#endif

/* glibc tcbhead_t.__private_ss: the split-stack limit slot, %fs:0x70. */
#define TLS_STACKLIMIT 0x70

#endif
