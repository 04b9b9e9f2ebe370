//===- stack.h - segmented goroutine stacks -------------------------------===//
//
// Every G runs on a chain of stack segments. A segment is one block of
// memory whose header (stkseg) sits at its top; the usable stack is
// [lo, hi) with hi == (uintptr_t)header, growing down from hi.
//
//   limit = lo + STACK_GUARD     (g.stackguard0, written to %fs:0x70)
//
// Split-stack prologues call __morestack when rsp (minus the frame) is at or
// below the limit. The STACK_GUARD bytes below the limit (800) are the
// reserve that is always usable without a check; its budget:
//   256  StackSmall, LLVM's kSplitStackAvailable: frames < 256 bytes
//        compare rsp itself, not rsp-frame, so generated code runs with
//        rsp as low as limit - 256 (really limit - 248: a frame that calls
//        keeps rsp 16-byte aligned, so it is at most 248 bytes; glc gives
//        every function a prologue: leaves without one, as Go's auto-
//        nosplit, would have to fit in these 256 bytes too)
//   then, below that, one of:
//   512  __morestack's spills and its slow-path call to systemstack (256),
//        plus StackNosplitBudget (256): the most a runtime function called
//        directly from generated code may use on the G's stack (also what
//        __morestack's yield uses below its spills);
//   544  asyncPreemptStack: what a call injected by the SIGURG handler
//        needs below the interrupted rsp (arch/amd64/preempt_amd64.S).
// Go's invariant, asserted below (Go throws at start-up if
// asyncPreemptStack > _StackLimit): generated code can always be
// preempted asynchronously wherever it runs. Otherwise a loop without
// calls whose rsp lies in the gap is never preempted (sysmon re-sends
// SIGURG every 20 us for nothing) and a stop-the-world waits for it.
//
// THE RULE for calls from generated code into glrt or libc (tested in
// stack_test.cpp): an entry point either uses at most StackNosplitBudget
// bytes of the goroutine's stack (its own frames plus anything it calls),
// or it runs its body on the M's g0 stack through systemstack(), which
// itself costs 32 bytes of the G's stack. Anything that calls libc's stdio,
// formatting, or may take a lock and block must use systemstack.
// Entry points that switch G (gopark, Gosched, goexit) use mcall (56 bytes).
//
// Growth: the first segment is small (firstSegmentSize, 2 KiB total incl.
// the header: a parked G costs its g struct plus 2 KiB). Each new segment is
// at least twice its predecessor (geometric, capped at maxSegmentSize per
// segment) and big enough for the frame that asked. Segments are never
// freed on return: a G keeps its chain as a cache (seg.next), so a call that
// repeatedly crosses a boundary ("hot split") costs the assembly fast path
// only. When a G parks (gopark), the cache beyond its current segment is
// freed, so an idle G holds only the segments in use; goexit trims the
// chain back to the first segment, which stays with the free G for reuse.
//
// Maximum: as in Go, where a stack doubles and may not exceed maxstacksize
// (1e9 bytes): growth fails when the power of two holding the chain plus
// the new frame is over 1e9 (so past 512 MiB); then
// "runtime: goroutine stack exceeds 1000000000-byte limit" and
// "fatal error: stack overflow", exit status 2, as Go.
// GODEBUG=stackdebug=1 prints, for each goroutine that added segments, how
// many when it exits (and for goroutine 1 when main returns).
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>

#include "gmp.h"

namespace glrt {

struct stkseg {
  uintptr_t lo;   // lowest usable address (also the mapping base)
  uintptr_t hi;   // == (uintptr_t)this; stack grows down from here
  stkseg *prev;   // segment we came from (null for the first)
  stkseg *next;   // cached next segment, or null
  uintptr_t oldsp;  // __morestack's frame on prev (where to switch back)
  uintptr_t size;   // total bytes of the block, header included
  uintptr_t pad[2];
};
static_assert(offsetof(stkseg, lo) == SEG_LO);
static_assert(offsetof(stkseg, hi) == SEG_HI);
static_assert(offsetof(stkseg, prev) == SEG_PREV);
static_assert(offsetof(stkseg, next) == SEG_NEXT);
static_assert(offsetof(stkseg, oldsp) == SEG_OLDSP);
static_assert(sizeof(stkseg) % 16 == 0);

constexpr uintptr_t StackGuard = STACK_GUARD;
constexpr uintptr_t StackSmall = 256; // LLVM X86FrameLowering kSplitStackAvailable
constexpr uintptr_t StackNosplitBudget = 256;
constexpr uintptr_t StackMorestackBudget = 256; // morestack_amd64.S, slow path
// glrt_asyncPreempt's use of the goroutine's stack below the interrupted
// rsp (the table in arch/amd64/preempt_amd64.S; preempt_test.cpp measures
// it): red zone, interrupted PC, rbp + flags + 9 caller-saved GPRs,
// alignment, xmm0-15, glrt_mcall's return address and 6 pushes.
constexpr uintptr_t asyncPreemptStack = 128 + 8 + 88 + 8 + 256 + 56;
static_assert(StackGuard % 16 == 0, "the limit must stay 16-byte aligned");
static_assert(StackSmall + StackMorestackBudget + StackNosplitBudget <= StackGuard,
              "__morestack (and a yield in it) must fit below generated code");
static_assert(StackSmall + asyncPreemptStack <= StackGuard,
              "an async preemption must fit below any rsp generated code runs at");
constexpr uintptr_t maxstacksize = 1000000000;
constexpr uintptr_t maxSegmentSize = uintptr_t(8) << 20;
constexpr uintptr_t minSegmentSize = 2048;

// Total size of a new G's first segment. Tests may raise it (C++ test
// bodies running as goroutines need more than generated code).
extern uintptr_t firstSegmentSize;

// Allocates a segment of at least `size` total bytes (header included).
// Small sizes (<= 32 KiB) come from power-of-two pools, larger ones from
// mmap. Thread-safe.
stkseg *stackalloc(uintptr_t size);
void stackfree(stkseg *s);

// Frees every segment after gp's current one (the cache).
void stacktrimcache(g *gp);
// Gives gp a fresh chain starting with a first segment (if it has none).
void stackinit(g *gp, uintptr_t size);
// Limit for a segment.
inline uintptr_t seglimit(const stkseg *s) { return s->lo + StackGuard; }

// Counters for tests and GODEBUG output (relaxed atomics).
struct stackstats {
  std::atomic<int64_t> segalloc{0};   // segments allocated by morestack's slow path
  std::atomic<int64_t> mmapbytes{0};  // bytes mapped for stacks
};
extern stackstats stackStats;

} // namespace glrt

extern "C" {
// Called by __morestack's slow path, on g0 (through systemstack): makes
// curg's current segment have a ->next with at least `need` usable bytes.
void glrt_morestack_grow(void *need);
// Dynamic alloca that does not fit (LLVM's SEG_ALLOCA): heap memory that
// lives until the G exits.
void *__morestack_allocate_stack_space(uintptr_t size);
}
