//===- sema.h - runtime semaphores for package sync (Go's sema.go) --------===//
#pragma once

#include <atomic>
#include <cstdint>

#include "gmp.h"

namespace glrt {

// Waits until *addr > 0 and decrements it. Parks the G (FIFO per address;
// lifo: at the head of the queue, for a waiter that already waited once)
// with the given wait reason while it waits.
void semacquire(std::atomic<uint32_t> *addr, waitReason reason, bool lifo = false);
// Increments *addr and wakes the longest waiter on addr, if any. handoff:
// the increment is consumed on the waiter's behalf before it is woken, so
// no other G can take it in between (strict FIFO; used by sync.Mutex).
void semrelease(std::atomic<uint32_t> *addr, bool handoff);

// The pieces of semacquire, for callers whose own frame is large (the
// Mutex slow path: one frame less on the goroutine stack while parked):
//   while (!semtryacquire(addr)) if (semparkonce(addr, reason, lifo)) break;
bool semtryacquire(std::atomic<uint32_t> *addr);
bool semparkonce(std::atomic<uint32_t> *addr, waitReason reason, bool lifo);

// Number of Gs parked in semacquire (tests).
int64_t semawaiters();

} // namespace glrt
