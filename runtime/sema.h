//===- sema.h - runtime semaphores for package sync (Go's sema.go) --------===//
#pragma once

#include <atomic>
#include <cstdint>

#include "gmp.h"
#include "proc.h"

namespace glrt {

// Waits until *addr > 0 and decrements it. Parks the G (FIFO per address;
// lifo: at the head of the queue, for a waiter that already waited once)
// with the given wait reason while it waits.
void semacquire(std::atomic<uint32_t> *addr, waitReason reason, bool lifo = false);
// Increments *addr and wakes the longest waiter on addr, if any. handoff:
// the increment is consumed on the waiter's behalf before it is woken, so
// no other G can take it in between (strict FIFO; used by sync.Mutex).
// wake = false: the waiter is readied into this P's runnext without
// waking another P (goready's wake).
void semrelease(std::atomic<uint32_t> *addr, bool handoff, bool wake = true);

// The pieces of semacquire, for callers whose own frame is large (the
// Mutex slow path: no frame of sema's on the goroutine stack while parked):
//   while (!semtryacquire(addr)) if (semparkonce(addr, reason, lifo)) break;
bool semtryacquire(std::atomic<uint32_t> *addr);

// semparkonce's halves (sema.cpp). semparkenqueue is gopark's unlockf: on
// g0, after the G is _Gwaiting, it queues a sudog for the G on addr (or
// takes the count if it is there now: the G resumes at once) and leaves
// the sudog (or null) in gp->param. lk is addr with lifo in bit 0 (addr
// is 4-aligned). semparkdone runs on the G after the wake-up: returns
// true if the count was handed to us or taken at enqueue time, and
// returns the sudog to the cache (on g0).
bool semparkenqueue(g *gp, void *lk);
bool semparkdone();

// Parks once; returns true if the count was handed to us (or was there
// when we looked under the root lock). Inlined so that the caller's frame
// calls gopark directly: while parked, the goroutine stack holds only the
// caller's frame, gopark's return address and mcall's saved registers
// (stack.h's budget; timesync_stack_test.cpp measures Mutex.Lock).
[[gnu::always_inline]] inline bool semparkonce(std::atomic<uint32_t> *addr, waitReason reason,
                                               bool lifo) {
  gopark(semparkenqueue, reinterpret_cast<void *>(reinterpret_cast<uintptr_t>(addr) | uintptr_t(lifo)),
         reason);
  return semparkdone();
}

// Number of Gs parked in semacquire (tests).
int64_t semawaiters();

} // namespace glrt
