//===- sudog.h - a G waiting on a channel, and the sudog cache ------------===//
//
// A sudog ("pseudo-g") represents one G in one channel's wait queue. A G
// blocked in a send or receive has one sudog; a G blocked in a select has
// one per non-nil case, linked through waitlink (in lock order). The same
// G may therefore sit on many wait queues at once, and one channel's queue
// may hold the same G more than once (select with two cases on one
// channel): that is why the queue links sudogs, not Gs.
//
// Ownership and locking:
//   - gp, elem, c, isSelect, selectDone, waitlink are written by the owning
//     G (in chansend/chanrecv/selectgo) while it holds the lock of every
//     channel whose queue the sudog is on, or before enqueuing it.
//   - next/prev are the links of waitq; they are guarded by the lock of the
//     channel whose queue holds the sudog (sg->c->lock).
//   - success is written by the waker under that channel's lock, before the
//     waker's goready; the owner reads it after it is running again. goready
//     (runqput's release store, the scheduler's acquire load of the run
//     queue) orders the two. Same for g.param.
//   - elem points into the owning G's stack (segmented stacks never move,
//     so the pointer stays valid while the G is parked) or at a heap slot
//     given by generated code; it may be null (receive that discards).
//
// The cache (acquireSudog/releaseSudog): a free list per M (initial-exec
// TLS, so a sudog is never malloc'ed per blocking operation), balanced
// against a central free list under sched-independent lock sudoglock: a
// full per-M list gives half to the central list; an empty one takes up to
// half its capacity back. New sudogs come from persistentalloc and are never
// freed (no GC). Only code running on an M calls them (on the G or on g0);
// a G never parks in between, so the TLS list is that M's.
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstdint>

#include "gmp.h"

namespace glrt {

struct hchan;

struct sudog {
  g *gp;
  sudog *next; // waitq links (c->lock)
  sudog *prev;
  void *elem;  // data slot in the waiting G (may be null)
  // The select's "already won" flag, shared by every sudog of one select
  // (Go keeps it in g.selectDone). Null for a plain send/receive. A waker
  // that dequeues a select sudog must win the CAS 0 -> 1 (acq_rel) before
  // it may complete that case; partner: the other wakers' CAS.
  std::atomic<uint32_t> *selectDone;
  sudog *waitlink; // the next sudog of the same select (lock order)
  hchan *c;        // the channel this sudog waits on
  bool isSelect;
  // true: woken because a value was delivered (or taken); false: woken
  // because the channel was closed.
  bool success;
};

sudog *acquireSudog();
void releaseSudog(sudog *s);

// For tests: sudogs ever allocated from the heap (not cache hits).
int64_t sudogsAllocated();

} // namespace glrt
