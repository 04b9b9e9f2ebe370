/*===- deferabi.h - defer records: the layout generated code writes ------===//
 *
 * Plain #defines, included by the runtime (defer.h static_asserts them
 * against the C++ structs), by the assembly, and by irgen
 * (IRGenDefer.cpp), which builds the same records in LLVM IR. The design
 * and its invariants are the essay at the top of runtime/defer.cpp.
 *===--------------------------------------------------------------------===*/
#ifndef GLRT_DEFERABI_H
#define GLRT_DEFERABI_H

/* struct deferframe: one per activation of a function that contains a
 * defer statement, in that function's frame. Its first five words are the
 * buffer of LLVM's llvm.eh.sjlj.setjmp (fp, resume pc, sp, two words the
 * target may use). */
#define DFRAME_FP 0
#define DFRAME_PC 8
#define DFRAME_SP 16
#define DFRAME_G 40        /* the goroutine, read from TLS once at entry */
#define DFRAME_RESULTS 48  /* the function's result slots (never read by
                              the runtime: storing it makes them escape) */
#define DFRAME_SIZE 56

/* struct _defer: one per executed defer statement. */
#define DEFER_LINK 0       /* next older record of the goroutine */
#define DEFER_FN 8         /* void fn(void *arg) */
#define DEFER_ARG 16
#define DEFER_FRAME 24     /* the deferframe of the function that deferred */
#define DEFER_FLAGS 32     /* uint32: DEFER_F* */
#define DEFER_PANIC 40     /* the panic running it (Go's d._panic) */
#define DEFER_SIZE 48

#define DEFER_FHEAP 1      /* from glrt_deferproc's pool (else in a frame) */
#define DEFER_FWRAPPED 2   /* fn is a wrapper that calls the deferred
                              function: recover counts one frame deeper */
#define DEFER_FSTARTED 4   /* a panic or Goexit has started running it */

/* offsetof(g, _defer) (gmp.h static_asserts it) */
#define G_DEFER 152

#endif
