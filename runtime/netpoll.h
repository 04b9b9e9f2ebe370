//===- netpoll.h - the network poller (Go's netpoll.go, netpoll_epoll.go) --===//
//
// The platform-independent half (pollDesc, netpollblock/netpollunblock,
// deadlines, the poll_* rows stdlib/net calls) is netpoll.cpp; the epoll
// half (netpollinit, netpollopen/netpollclose, netpoll(delay),
// netpollBreak) is netpoll_epoll.cpp; the scheduler's side (findRunnable's
// non-blocking and blocking polls, injectglist, sysmon's 10 ms poll) is in
// proc.cpp and sysmon.cpp. netpoll.cpp's header comment has the pollDesc
// state machine and its memory orders.
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstdint>

#include "gmp.h"

namespace glrt {

struct pollDesc;

// ---- epoll (netpoll_epoll.cpp) ----
// Creates the epoll instance and the eventfd netpollBreak writes. Called
// once, under netpoll.cpp's init lock, before any netpollopen.
void netpollinit();
// Registers fd, edge-triggered for read and write, with pd as its data.
// Returns 0 or an errno.
int32_t netpollopen(int32_t fd, pollDesc *pd);
// Removes fd from the epoll set. Returns 0 or an errno.
int32_t netpollclose(int32_t fd);
// Wakes an M blocked in netpoll(delay > 0 or < 0). Coalesced: at most one
// write is outstanding until netpoll reads it.
void netpollBreak();
// Polls: delay < 0 blocks until an event or netpollBreak, 0 does not
// block, > 0 waits at most delay ns. Returns the Gs made ready (still
// _Gwaiting; the caller makes them runnable through injectglist or
// runs one itself) linked through g.schedlink. Any thread; no P needed.
gList netpoll(int64_t delay);

// ---- shared (netpoll.cpp) ----
// netpollinit has run (acquire load; the epoll fd is valid after it).
bool netpollinited();
// Number of Gs parked in netpollblock (Go's netpollWaiters). findRunnable
// polls only when it is non-zero.
extern std::atomic<int32_t> netpollWaiters;
// Called by netpoll for an event on pd: mode 'r', 'w' or 'r'+'w'. Moves
// the waiting G(s) to *toRun, or leaves pdReady for the next waiter.
void netpollready(gList *toRun, pollDesc *pd, int32_t mode);

// ---- the scheduler's side (the two words live in netpoll.cpp; the
// functions in proc.cpp) ----
// Go's sched.lastpoll: nanotime of the last poll, 0 while some M is
// blocked in netpoll (then no other M blocks there). seq_cst.
extern std::atomic<int64_t> sched_lastpoll;
// Go's sched.pollUntil: when the blocked poll will return by itself (0:
// never). A timer added earlier breaks the poll (wakeTimerSleeper).
extern std::atomic<int64_t> sched_pollUntil;
// Makes every G of *glist (from netpoll) runnable and starts Ms for idle
// Ps. With a P: into the local run queue; without (sysmon): global queue.
void injectglist(gList *glist);
// sysmon: polls without blocking if nobody has for 10 ms (sysmon.cpp).
void sysmonNetpoll(int64_t now);

} // namespace glrt
