//===- chan.h - channels (Go's chan.go) and select (select.go) ------------===//
//
// hchan is a channel: a ring buffer of dataqsiz slots of elemsize bytes,
// the queues of Gs blocked sending (sendq) and receiving (recvq), one
// runtime mutex, and the closed flag. Elements are plain bytes copied with
// memmove by size (glrt has no GC, so there are no typed copies); a
// zero-size element (struct{}) copies nothing.
//
// Invariants (all under c->lock):
//   - at most one of sendq and recvq is non-empty, except transiently for a
//     select that waits to send and receive on the same channel;
//   - buffered: sendq non-empty => qcount == dataqsiz (buffer full);
//     recvq non-empty => qcount == 0 (buffer empty);
//   - unbuffered: qcount == 0 always; a value moves only by direct hand-off
//     between a running G and a parked peer's elem slot;
//   - closed only goes 0 -> 1; after it, sendq is empty and stays empty.
//
// The entry points for generated code are the extern "C" glrt_* functions
// below; their rows are in runtime/abi.def.
// chan.cpp has the algorithms, the stack rules and the memory orderings.
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstdint>

#include "abi.h"
#include "gmp.h"
#include "lock.h"
#include "race.h"
#include "sudog.h"

namespace glrt {

// A FIFO of sudogs (doubly linked so a select can unlink its sudog from
// the middle). first is atomic only because the lock-free fast paths
// (full/empty) read it racily: written under the channel lock with relaxed
// stores, read with relaxed or acquire loads (see chan.cpp).
struct waitq {
  std::atomic<sudog *> first{nullptr};
  sudog *last = nullptr;

  void enqueue(sudog *sg);
  // Removes and returns the first sudog whose G can still be woken (under
  // GODEBUG=schedseed, a seeded pick among the queued ones: chan.cpp): a
  // select sudog whose select was already won by another case is skipped
  // (dropped from the queue; its owner tolerates that in pass 3).
  sudog *dequeue();
  // Unlinks sg if it is still queued (select pass 3).
  void dequeueSudoG(sudog *sg);
};

struct hchan {
  // Number of values in the buffer. Written under lock (relaxed store);
  // read racily by the fast paths and len(c).
  std::atomic<uint64_t> qcount{0};
  uint64_t dataqsiz = 0; // buffer capacity in elements; immutable
  char *buf = nullptr;   // dataqsiz*elemsize bytes; immutable pointer
  uint64_t elemsize = 0; // immutable
  // 0 -> 1 once, under lock, with a release store; the receive fast path
  // loads it with acquire (see chan.cpp for the argument).
  std::atomic<uint32_t> closed{0};
  uint64_t sendx = 0; // next slot to send into (lock)
  uint64_t recvx = 0; // next slot to receive from (lock)
  waitq recvq;        // blocked receivers (lock)
  waitq sendq;        // blocked senders (lock)
  mutex lock;
};

// Go's select case (runtime/select.go scase): the channel (null: the case
// is never ready) and the element slot: the value to send, or where a
// received value goes (may be null to discard it).
struct scase {
  hchan *c;
  void *elem;
};

// Internal API (Go's names). ep may be null for a receive that discards.
struct Type;
// elem: the element type's descriptor (null: pointer-free elements).
hchan *makechan(const Type *elem, int64_t elemsize, int64_t size);
// block=false: returns false instead of parking (select with default).
bool chansend(hchan *c, void *ep, bool block);
// Returns {selected, received}; received=false means closed (ep zeroed).
struct recvResult {
  bool selected;
  bool received;
};
recvResult chanrecv(hchan *c, void *ep, bool block);
void closechan(hchan *c);

// Go's selectgo: cas0[0..nsends) are sends, cas0[nsends..nsends+nrecvs)
// receives; order0 has room for 2*(nsends+nrecvs) uint16s (scratch: poll
// order, then lock order). Returns the chosen case index, or -1 when
// block is false and no case was ready; recvOK says whether a receive case
// got a value (false: the channel was closed).
struct selectResult {
  int64_t chosen;
  bool recvOK;
  bool sendClosed; // the chosen case sends on a closed channel: the
                   // caller panics (after selectgo's frame is gone)
};
selectResult selectgo(scase *cas0, uint16_t *order0, int64_t nsends,
                      int64_t nrecvs, bool block);

// The one place every channel panic goes through ("send on closed
// channel", "close of closed channel", "close of nil channel", "makechan:
// size out of range"): today it prints Go's "panic: <msg>" and the
// traceback and exits 2; it becomes a recoverable runtime.Error panic
// when defer/recover exist. Must be called on the panicking G's stack.
[[noreturn]] void chanpanic(const char *msg, uint8_t origin);
// Test hook: when set, chanpanic calls it instead (it must not return
// normally into the channel code... it may park forever or exit).
extern void (*chanpanicHookForTest)(const char *msg);

// Shared by chan.cpp and select.cpp; all but full/empty need c->lock.
namespace chanimpl {
void elemmove(hchan *c, void *dst, const void *src); // size-0/null safe
void elemclr(hchan *c, void *dst);
char *chanbuf(hchan *c, uint64_t i);
bool full(hchan *c);  // lock-free; orderings in chan.cpp
bool empty(hchan *c); // lock-free; orderings in chan.cpp
// Complete a hand-off with a parked peer: copy, mark the sudog successful,
// set gp->param. Return the G for the caller to goready after unlocking.
g *sendToWaiter(hchan *c, sudog *sg, const void *ep);
g *recvFromWaiter(hchan *c, sudog *sg, void *ep);
void bufsend(hchan *c, const void *ep); // room in the buffer
void bufrecv(hchan *c, void *ep);       // qcount > 0
bool chanparkcommit(g *gp, void *lk);   // unlockf: unlocks (mutex *)lk
// -race (race.h), as go1.19's chan.go: the address close -> receive
// synchronises on (Go's c.raceaddr()), a buffer slot's address (elements of
// size 0: buf + idx, distinct per slot), and the two edges of a hand-off.
inline const void *chanraceaddr(hchan *c) { return &c->buf; }
void racenotify(hchan *c, uint64_t idx, sudog *sg); // sg null: the current G
void racesync(hchan *c, sudog *sg);                 // unbuffered hand-off
} // namespace chanimpl

// Per-M fast random (wyrand), for select's poll order.

} // namespace glrt

// ---- entry points for generated code (rows in abi.def) ----
extern "C" {
void *glrt_makechan(void *t, int64_t size);
void glrt_chansend1(void *c, void *elem);
void glrt_chanrecv1(void *c, void *elem);
uint8_t glrt_chanrecv2(void *c, void *elem);
uint8_t glrt_selectnbsend(void *c, void *elem);
struct glrt_pair glrt_selectnbrecv(void *elem, void *c);
void glrt_closechan(void *c);
int64_t glrt_chanlen(void *c);
int64_t glrt_chancap(void *c);
struct glrt_pair glrt_selectgo(void *cases, void *order, int64_t nsends,
                               int64_t nrecvs, uint8_t block);
[[noreturn]] void glrt_block(void);
}
