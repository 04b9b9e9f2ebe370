//===- netpoll.cpp - pollDesc, netpollblock/unblock, deadlines (Go's netpoll.go)
//
// Every network fd stdlib/net opens is non-blocking and has a pollDesc,
// registered edge-triggered with epoll (netpoll_epoll.cpp). A goroutine
// reads or writes until the system call says EAGAIN, then parks on the
// pollDesc's semaphore for that direction until the poller sees the fd
// become ready, a deadline expires or the fd is closed.
//
// The semaphores: pd.rg (read) and pd.wg (write) each hold
//   pdNil    0      nobody waits, no notification pending
//   pdReady  1      an I/O notification arrived that nobody has consumed
//   pdWait   2      a G is about to park (it has not committed yet)
//   a g*            that G is parked
// Transitions (all by CAS or exchange, seq_cst):
//   netpollblock (the G, at most one per direction: fdrwlock serialises
//     readers and writers):  pdReady -> pdNil (consume, no park) or
//     pdNil -> pdWait; then gopark, whose unlockf netpollblockcommit CASes
//     pdWait -> G on g0 after the G is _Gwaiting (it fails if somebody
//     changed pdWait meanwhile, and the G resumes at once); after waking,
//     the G exchanges the word back to pdNil: what it held says whether
//     I/O is ready (pdReady) or not (pdNil: timeout or close, see
//     netpollcheckerr).
//   netpollunblock (the poller with ioready, a deadline or close without):
//     pdReady stays (nothing to do); pdNil -> pdReady only for ioready;
//     pdWait -> pdReady/pdNil (the parking G's commit fails, it does not
//     sleep); G -> pdReady/pdNil, and the caller owns that G and must make
//     it runnable exactly once (netpollready's list, or goready).
// No lost wake-up: the waker changes the word before it looks for a G, the
// G publishes pdWait before it reads the error state and commits by CAS
// from pdWait, so either the G's commit fails or the waker finds the G.
// No double wake-up: only the CAS that removes a g* from the word hands
// the G out.
//
// Error state (Go's atomicInfo): closing and the expired read/write
// deadlines are kept under pd.lock and mirrored into pd.info (seq_cst
// store under the lock, seq_cst loads anywhere) so netpollcheckerr needs
// no lock. Whoever sets a flag (close, deadline) stores info first and
// then runs netpollunblock; the G stores pdWait first and then reads info
// (StoreLoad on both sides: seq_cst). So a G never parks past a deadline
// or a close.
//
// Deadlines: runtime timers (timer.h) whose seq is pd.rseq/pd.wseq at
// arming time. Setting a deadline or closing bumps the seq under pd.lock,
// so a timer that fires concurrently with a change (its function waits for
// pd.lock) sees a different seq and does nothing. rd/wd: 0 no deadline,
// > 0 the nanotime it expires, < 0 expired.
//
// Lifetime (Go's fdMutex, simplified): pd.ref counts the operations in
// progress plus one for the open fd, with bit 63 set once Close began.
// fdincref fails after Close; the last fddecref closes the fd, removes it
// from epoll and returns the pollDesc to the pollcache. Close itself
// unblocks every waiter (netpollunblock with closing set) without waiting
// for them. pollDescs live in persistentalloc chunks (scanned by the
// collector, never freed): a stale epoll
// event for a recycled pollDesc (one that netpoll collected before the
// fd left the epoll set) is a spurious wake-up, which readers tolerate
// (they retry the system call and park again on EAGAIN), as in Go 1.19.
//
// Handles: a row's pd is the pollDesc's address (below 2^47, user
// space) with its incarnation's low 16 bits in bits 47..62, so a handle
// kept by a netFD after Close cannot reach the connection that reuses its
// recycled pollDesc: fdincref checks the incarnation after taking its
// reference (a reopen stores gen before ref, release; the CAS acquires),
// and every row takes a reference first. A stale handle fails as "use of
// closed network connection" (Go's fdMutex lives in the FD, never reused;
// here only a handle kept across 65,536 reuses of one pollDesc could
// alias).
//
// Read/write exclusion: pd.rlockers/wlockers count the Gs in or waiting
// for a direction (a benaphore: the 0 -> 1 increment owns it, the others
// semacquire pd.rsema/wsema; the unlock that leaves others semreleases).
//
// Stack: the poll_* rows run on the goroutine (they may park); each
// system call, lock and timer operation runs on g0 (onsystemstack), so
// the goroutine's part stays within stack.h's 256 bytes
// (abi_stack_test.cpp probes every row).
//===----------------------------------------------------------------------===//
#include <errno.h>
#include <new>
#include <sys/socket.h>
#include <unistd.h>

#include "abi.h"
#include "lock.h"
#include "malloc.h"
#include "netpoll.h"
#include "race.h"
#include "panic.h"
#include "proc.h"
#include "sema.h"
#include "timer.h"

namespace glrt {

constexpr uintptr_t pdNil = 0, pdReady = 1, pdWait = 2;

// Error codes of the poll_* rows besides -errno (stdlib/net's fd.gl).
constexpr int64_t pollErrClosing = -10001; // use of closed network connection
constexpr int64_t pollErrTimeout = -10002; // i/o timeout (os.ErrDeadlineExceeded)

// pd.info bits.
constexpr uint32_t pollClosing = 1, pollExpiredRead = 2, pollExpiredWrite = 4;

constexpr uint64_t fdClosed = uint64_t(1) << 63;

struct pollDesc {
  pollDesc *link = nullptr; // pollcache free list; pollcache.lock
  int32_t fd = -1;          // set by poll_open, constant until destroyed
  mutex lock;
  bool closing GUARDED_BY(lock) = false;
  uintptr_t rseq GUARDED_BY(lock) = 0; // bumped on deadline change and close
  uintptr_t wseq GUARDED_BY(lock) = 0;
  int64_t rd GUARDED_BY(lock) = 0;     // read deadline (see the header)
  int64_t wd GUARDED_BY(lock) = 0;
  timer rt; // read deadline timer; armed/stopped under lock
  timer wt;
  std::atomic<uint32_t> info{0};     // mirror of closing / expired deadlines
  std::atomic<uintptr_t> rg{pdNil};  // the read semaphore
  std::atomic<uintptr_t> wg{pdNil};  // the write semaphore
  std::atomic<uint64_t> ref{0};      // see "Lifetime"
  std::atomic<uint32_t> gen{0};      // incarnation, bumped by pollDescReset (see "Handles")
  std::atomic<uint32_t> rlockers{0}, wlockers{0};
  std::atomic<uint32_t> rsema{0}, wsema{0};
};

// ---------------------------------------------------------------------------
// pollcache: pollDescs are never freed (epoll may still name them).

static struct {
  mutex lock;
  pollDesc *first GUARDED_BY(lock) = nullptr;
} pollcache;

static pollDesc *pollcacheAlloc() {
  lock(&pollcache.lock);
  if (pollcache.first == nullptr) {
    const size_t chunk = 64 << 10;
    // persistentalloc (zeroed, never freed, fatal when the OS refuses):
    // memory the collector scans conservatively (mgc.cpp's roots), so
    // whatever a pollDesc points at stays alive (today: Gs and timers,
    // themselves persistent, no heap object).
    void *mem = persistentalloc(chunk, alignof(pollDesc));
    if (reinterpret_cast<uintptr_t>(mem) + chunk > (uintptr_t(1) << 47))
      fatal("runtime: pollDesc above 2^47", "runtime: pollDesc above 2^47"); // see "Handles"
    auto *pds = static_cast<pollDesc *>(mem);
    size_t n = chunk / sizeof(pollDesc);
    for (size_t i = 0; i < n; i++) {
      pollDesc *pd = new (&pds[i]) pollDesc(); // placement: zero state, timers unlinked
      pd->link = pollcache.first;
      pollcache.first = pd;
    }
  }
  pollDesc *pd = pollcache.first;
  pollcache.first = pd->link;
  unlock(&pollcache.lock);
  return pd;
}

static void pollcacheFree(pollDesc *pd) {
  lock(&pollcache.lock);
  pd->link = pollcache.first;
  pollcache.first = pd;
  unlock(&pollcache.lock);
}

// ---------------------------------------------------------------------------
// Initialisation (Go's netpollGenericInit).

std::atomic<int32_t> netpollWaiters{0};
std::atomic<int64_t> sched_lastpoll{0};
std::atomic<int64_t> sched_pollUntil{0};
static std::atomic<uint32_t> netpollInited{0};
static mutex netpollInitLock;

bool netpollinited() { return netpollInited.load(std::memory_order_acquire) != 0; }

static void netpollGenericInit() {
  if (netpollinited())
    return;
  lock(&netpollInitLock);
  if (!netpollinited()) {
    netpollinit();
    sched_lastpoll.store(nanotime(), std::memory_order_seq_cst);
    // release: the epoll fd is written before anyone sees inited.
    netpollInited.store(1, std::memory_order_release);
  }
  unlock(&netpollInitLock);
}

// ---------------------------------------------------------------------------
// The semaphores.

static std::atomic<uintptr_t> *semOf(pollDesc *pd, int32_t mode) {
  return mode == 'r' ? &pd->rg : &pd->wg;
}

static void publishInfo(pollDesc *pd) REQUIRES(pd->lock) {
  uint32_t v = 0;
  if (pd->closing)
    v |= pollClosing;
  if (pd->rd < 0)
    v |= pollExpiredRead;
  if (pd->wd < 0)
    v |= pollExpiredWrite;
  pd->info.store(v, std::memory_order_seq_cst);
}

// 0, pollErrClosing or pollErrTimeout. Lock-free (see the header).
static int64_t netpollcheckerr(pollDesc *pd, int32_t mode) {
  uint32_t info = pd->info.load(std::memory_order_seq_cst);
  if (info & pollClosing)
    return pollErrClosing;
  if ((mode == 'r' && (info & pollExpiredRead)) || (mode == 'w' && (info & pollExpiredWrite)))
    return pollErrTimeout;
  return 0;
}

// gopark's unlockf, on g0 with gp _Gwaiting: commit pdWait -> gp.
static bool netpollblockcommit(g *gp, void *gpp) {
  auto *sem = static_cast<std::atomic<uintptr_t> *>(gpp);
  uintptr_t w = pdWait;
  if (!sem->compare_exchange_strong(w, reinterpret_cast<uintptr_t>(gp), std::memory_order_seq_cst))
    return false; // unblocked before we slept: resume at once
  netpollWaiters.fetch_add(1, std::memory_order_seq_cst);
  return true;
}

// Returns true if I/O is ready, false on timeout or close (or a spurious
// wake-up: the caller rechecks netpollcheckerr and loops). waitio: park
// even if an error is pending (Go's, for files; unused here).
static bool netpollblock(pollDesc *pd, int32_t mode, bool waitio) {
  std::atomic<uintptr_t> *sem = semOf(pd, mode);
  for (;;) {
    uintptr_t v = pdReady;
    if (sem->compare_exchange_strong(v, pdNil, std::memory_order_seq_cst))
      return true;
    if (v == pdNil && sem->compare_exchange_strong(v, pdWait, std::memory_order_seq_cst))
      break;
    if (v != pdReady && v != pdNil)
      fatal("runtime: double wait", "runtime: double wait");
  }
  if (waitio || netpollcheckerr(pd, mode) == 0)
    gopark(netpollblockcommit, sem, waitReasonIOWait);
  uintptr_t old = sem->exchange(pdNil, std::memory_order_seq_cst);
  if (old > pdWait)
    fatal("runtime: corrupted polldesc", "runtime: corrupted polldesc");
  return old == pdReady;
}

// See the header: returns the parked G the caller now owns, or null.
static g *netpollunblock(pollDesc *pd, int32_t mode, bool ioready) {
  std::atomic<uintptr_t> *sem = semOf(pd, mode);
  for (;;) {
    uintptr_t old = sem->load(std::memory_order_seq_cst);
    if (old == pdReady)
      return nullptr;
    if (old == pdNil && !ioready)
      return nullptr; // only an I/O notification is remembered
    uintptr_t nw = ioready ? pdReady : pdNil;
    if (sem->compare_exchange_weak(old, nw, std::memory_order_seq_cst)) {
      if (old == pdNil || old == pdWait)
        return nullptr; // pdWait: the G's commit fails, it does not sleep
      netpollWaiters.fetch_sub(1, std::memory_order_seq_cst);
      return reinterpret_cast<g *>(old);
    }
  }
}

void netpollready(gList *toRun, pollDesc *pd, int32_t mode) {
  g *rg = nullptr, *wg = nullptr;
  if (mode == 'r' || mode == 'r' + 'w')
    rg = netpollunblock(pd, 'r', true);
  if (mode == 'w' || mode == 'r' + 'w')
    wg = netpollunblock(pd, 'w', true);
  if (rg)
    toRun->push(rg);
  if (wg)
    toRun->push(wg);
}

// ---------------------------------------------------------------------------
// Deadlines (Go's netpolldeadlineimpl). Timer functions: g0, with a P, no
// runtime lock held (timer.h).

static void netpolldeadlineimpl(pollDesc *pd, uintptr_t seq, bool read) {
  g *gp = nullptr;
  lock(&pd->lock);
  uintptr_t cur = read ? pd->rseq : pd->wseq;
  if (seq == cur && !pd->closing) {
    if (read) {
      pd->rd = -1;
      publishInfo(pd);
      gp = netpollunblock(pd, 'r', false);
    } else {
      pd->wd = -1;
      publishInfo(pd);
      gp = netpollunblock(pd, 'w', false);
    }
  }
  unlock(&pd->lock);
  if (gp)
    goready(gp);
}

static void netpollReadDeadline(void *arg, uintptr_t seq) {
  netpolldeadlineimpl(static_cast<pollDesc *>(arg), seq, true);
}
static void netpollWriteDeadline(void *arg, uintptr_t seq) {
  netpolldeadlineimpl(static_cast<pollDesc *>(arg), seq, false);
}

// On g0. d: 0 none, < 0 expired, > 0 nanotime at which it expires.
static void setDeadlineOne(pollDesc *pd, int64_t d, bool read) REQUIRES(pd->lock) {
  int64_t &dl = read ? pd->rd : pd->wd;
  timer &t = read ? pd->rt : pd->wt;
  uintptr_t &seq = read ? pd->rseq : pd->wseq;
  seq++; // a timer firing now is stale
  stopTimer(&t);
  dl = d;
  if (d > 0) {
    t.f = read ? netpollReadDeadline : netpollWriteDeadline;
    t.arg = pd;
    t.seq = seq;
    t.period = 0;
    resetTimer(&t, d);
  }
}

// ---------------------------------------------------------------------------
// Lifetime.

static void fddecref(pollDesc *pd);

constexpr int kGenShift = 47;
constexpr uint32_t kGenMask = 0xffff;

static int64_t handleOf(pollDesc *pd) {
  return int64_t(reinterpret_cast<uintptr_t>(pd) |
                 (uintptr_t(pd->gen.load(std::memory_order_relaxed) & kGenMask) << kGenShift));
}
static pollDesc *pdOf(int64_t h) {
  return reinterpret_cast<pollDesc *>(uintptr_t(h) & ((uintptr_t(1) << kGenShift) - 1));
}

// Takes a reference for an operation on handle h's incarnation: false
// after Close, or if the pollDesc now belongs to another fd.
static bool fdincref(pollDesc *pd, int64_t h) {
  uint64_t v = pd->ref.load(std::memory_order_relaxed);
  do {
    if (v & fdClosed)
      return false;
  } while (!pd->ref.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel));
  if ((pd->gen.load(std::memory_order_acquire) & kGenMask) != (uint64_t(h) >> kGenShift)) {
    fddecref(pd); // a reused pollDesc: its owner may have closed it meanwhile
    return false;
  }
  return true;
}

static void fddestroy(pollDesc *pd) {
  onsystemstack([pd] {
    lock(&pd->lock);
    stopTimer(&pd->rt);
    stopTimer(&pd->wt);
    pd->rd = pd->wd = 0;
    unlock(&pd->lock);
    netpollclose(pd->fd);
    close(pd->fd);
    pd->fd = -1;
    pollcacheFree(pd);
  });
}

static void fddecref(pollDesc *pd) {
  // acq_rel: every operation's effects happen before the destroy.
  if (pd->ref.fetch_sub(1, std::memory_order_acq_rel) - 1 == fdClosed)
    fddestroy(pd);
}

static void fdrwlock(pollDesc *pd, int32_t mode) {
  auto &n = mode == 'r' ? pd->rlockers : pd->wlockers;
  if (n.fetch_add(1, std::memory_order_acq_rel) != 0)
    semacquire(mode == 'r' ? &pd->rsema : &pd->wsema, waitReasonSemacquire);
}

static void fdrwunlock(pollDesc *pd, int32_t mode) {
  auto &n = mode == 'r' ? pd->rlockers : pd->wlockers;
  if (n.fetch_sub(1, std::memory_order_acq_rel) != 1)
    semrelease(mode == 'r' ? &pd->rsema : &pd->wsema, false);
}

// Go's runtime_pollWait: parks until ready; 0 or an error code.
static int64_t pollWait(pollDesc *pd, int32_t mode) {
  int64_t err = netpollcheckerr(pd, mode);
  if (err)
    return err;
  while (!netpollblock(pd, mode, false)) {
    err = netpollcheckerr(pd, mode);
    if (err)
      return err;
    // spurious wake-up (a recycled pollDesc's stale event): wait again
  }
  return 0;
}

// An operation: takes a reference and the direction's lock, checks the
// error state (Go's prepare), runs body, releases.
template <class F> static int64_t fdop(pollDesc *pd, int64_t h, int32_t mode, F &&body) {
  if (!fdincref(pd, h))
    return pollErrClosing;
  fdrwlock(pd, mode);
  int64_t r = netpollcheckerr(pd, mode);
  if (r == 0)
    r = body();
  fdrwunlock(pd, mode);
  fddecref(pd);
  return r;
}

// A pollDesc from the cache made new for fd (Go's poll_runtime_pollOpen
// part under pd.lock): a recycled one keeps closing and its expired
// deadlines until here. On g0.
static pollDesc *pollDescReset(pollDesc *pd, int32_t fd) {
  lock(&pd->lock);
  if (pd->rg.load() > pdReady || pd->wg.load() > pdReady)
    fatal("runtime: blocked read on free polldesc", "runtime: blocked read on free polldesc");
  pd->fd = fd;
  pd->closing = false;
  pd->rseq++;
  pd->wseq++;
  pd->rd = pd->wd = 0;
  pd->rg.store(pdNil);
  pd->wg.store(pdNil);
  pd->rlockers.store(0);
  pd->wlockers.store(0);
  pd->gen.store(pd->gen.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  // release: a stale handle's fdincref that sees this ref sees the new gen.
  pd->ref.store(1, std::memory_order_release); // the open fd's reference
  publishInfo(pd);
  unlock(&pd->lock);
  return pd;
}

} // namespace glrt

using namespace glrt;

// ---------------------------------------------------------------------------
// abi.def rows (stdlib/net/fd.gl). pd is the pollDesc's address as an int.

int64_t glrt_poll_open(int64_t fd) {
  int64_t r = 0;
  onsystemstack([&] {
    netpollGenericInit();
    pollDesc *pd = pollDescReset(pollcacheAlloc(), int32_t(fd));
    int32_t e = netpollopen(int32_t(fd), pd);
    if (e != 0) {
      pollcacheFree(pd);
      r = -e;
      return;
    }
    r = handleOf(pd);
  });
  return r;
}

// Close: pollErrClosing if already closed. Wakes every waiter (they return
// pollErrClosing); the fd is closed when the last operation ends.
int64_t glrt_poll_close(int64_t h) {
  auto *pd = pdOf(h);
  if (!fdincref(pd, h)) // ours, dropped at the end: h's incarnation stays
    return pollErrClosing;
  uint64_t v = pd->ref.load(std::memory_order_relaxed);
  do {
    if (v & fdClosed) { // a concurrent Close won
      fddecref(pd);
      return pollErrClosing;
    }
  } while (!pd->ref.compare_exchange_weak(v, v | fdClosed, std::memory_order_acq_rel));
  onsystemstack([pd] { // Go's pollDesc.evict
    lock(&pd->lock);
    pd->closing = true;
    pd->rseq++;
    pd->wseq++;
    publishInfo(pd);
    g *rg = netpollunblock(pd, 'r', false);
    g *wg = netpollunblock(pd, 'w', false);
    stopTimer(&pd->rt);
    stopTimer(&pd->wt);
    unlock(&pd->lock);
    if (rg)
      goready(rg);
    if (wg)
      goready(wg);
  });
  fddecref(pd); // the open fd's reference
  fddecref(pd); // ours: the last one closes the fd
  return 0;
}

// n >= 0 (0 with len > 0: end of file), -errno, or a poll error code.
int64_t glrt_poll_read(int64_t h, void *p, int64_t n, int64_t) {
  auto *pd = pdOf(h);
  uintptr_t pc = RACE_CALLERPC();
  int64_t res = fdop(pd, h, 'r', [&]() -> int64_t {
    if (n == 0)
      return 0;
    for (;;) {
      int64_t r;
      onsystemstack([&] {
        ssize_t k = read(pd->fd, p, size_t(n));
        r = k < 0 ? -errno : k;
      });
      if (r == -EINTR)
        continue;
      if (r != -EAGAIN)
        return r;
      if (int64_t e = pollWait(pd, 'r'))
        return e;
    }
  });
  raceioread(p, res, pc); // -race: Go's syscall.Read
  return res;
}

// Writes all of b: n, or -errno / a poll error code (bytes written before
// the error are not reported). send(MSG_NOSIGNAL): a peer that went away
// is EPIPE, never SIGPIPE (Go ignores SIGPIPE on sockets).
int64_t glrt_poll_write(int64_t h, void *p, int64_t n, int64_t) {
  auto *pd = pdOf(h);
  raceiowrite(p, n, RACE_CALLERPC()); // -race: Go's syscall.Write
  return fdop(pd, h, 'w', [&]() -> int64_t {
    int64_t done = 0;
    while (done < n) {
      int64_t r;
      onsystemstack([&] {
        ssize_t k = send(pd->fd, static_cast<char *>(p) + done, size_t(n - done), MSG_NOSIGNAL);
        r = k < 0 ? -errno : k;
      });
      if (r == -EINTR)
        continue;
      if (r == -EAGAIN) {
        if (int64_t e = pollWait(pd, 'w'))
          return e;
        continue;
      }
      if (r < 0)
        return r;
      done += r;
    }
    return done;
  });
}

// accept4 (non-blocking, close-on-exec) into sa: the new fd or an error.
int64_t glrt_poll_accept(int64_t h, void *sa, int64_t salen, int64_t) {
  auto *pd = pdOf(h);
  return fdop(pd, h, 'r', [&]() -> int64_t {
    for (;;) {
      int64_t r;
      onsystemstack([&] {
        socklen_t l = socklen_t(salen);
        int k = accept4(pd->fd, static_cast<sockaddr *>(sa), &l, SOCK_NONBLOCK | SOCK_CLOEXEC);
        r = k < 0 ? -errno : k;
      });
      if (r == -EINTR || r == -ECONNABORTED)
        continue; // Go retries both
      if (r != -EAGAIN)
        return r;
      if (int64_t e = pollWait(pd, 'r'))
        return e;
    }
  });
}

// Non-blocking connect: waits for writability, then SO_ERROR. 0 or error.
int64_t glrt_poll_connect(int64_t h, void *sa, int64_t salen, int64_t) {
  auto *pd = pdOf(h);
  return fdop(pd, h, 'w', [&]() -> int64_t {
    int64_t r;
    onsystemstack([&] {
      int k = connect(pd->fd, static_cast<sockaddr *>(sa), socklen_t(salen));
      r = k < 0 ? -errno : 0;
    });
    if (r == 0 || (r != -EINPROGRESS && r != -EALREADY && r != -EINTR))
      return r;
    for (;;) {
      if (int64_t e = pollWait(pd, 'w'))
        return e;
      onsystemstack([&] {
        int soerr = 0;
        socklen_t l = sizeof soerr;
        if (getsockopt(pd->fd, SOL_SOCKET, SO_ERROR, &soerr, &l) < 0) {
          r = -errno;
        } else if (soerr != 0) {
          r = -soerr;
        } else {
          // No error yet: connected only if there is a peer (the
          // writability may be the unconnected socket's, reported when
          // it was registered), as Go's connect checks with getpeername.
          sockaddr_storage ss;
          socklen_t sl = sizeof ss;
          r = getpeername(pd->fd, reinterpret_cast<sockaddr *>(&ss), &sl) == 0 ? 0 : -EINPROGRESS;
        }
      });
      if (r == -EINPROGRESS || r == -EALREADY || r == -EINTR)
        continue;
      return r;
    }
  });
}

// mode 'r', 'w' or 'r'+'w'; d: 0 no deadline, < 0 already expired, > 0
// that many ns from now. 0, or pollErrClosing after Close (as Go's
// pfd.SetDeadline's incref).
int64_t glrt_poll_setdeadline(int64_t h, int64_t d, int64_t mode) {
  auto *pd = pdOf(h);
  if (!fdincref(pd, h))
    return pollErrClosing;
  onsystemstack([&] {
    int64_t when = d;
    if (d > 0) {
      when = nanotime() + d;
      if (when <= 0)
        when = INT64_MAX; // overflow: as good as never
    }
    g *rg = nullptr, *wg = nullptr;
    lock(&pd->lock);
    if (pd->closing) {
      unlock(&pd->lock);
      return;
    }
    if (mode == 'r' || mode == 'r' + 'w')
      setDeadlineOne(pd, when, true);
    if (mode == 'w' || mode == 'r' + 'w')
      setDeadlineOne(pd, when, false);
    publishInfo(pd);
    if (pd->rd < 0)
      rg = netpollunblock(pd, 'r', false);
    if (pd->wd < 0)
      wg = netpollunblock(pd, 'w', false);
    unlock(&pd->lock);
    if (rg)
      goready(rg);
    if (wg)
      goready(wg);
  });
  fddecref(pd);
  return 0;
}

// ---------------------------------------------------------------------------
// For the unit tests (netpoll_test.cpp): the semaphore state machine
// without a file descriptor.
namespace glrt {
pollDesc *pollDescForTest() {
  pollDesc *pd = nullptr;
  onsystemstack([&] { pd = pollDescReset(pollcacheAlloc(), -1); });
  return pd;
}
bool netpollblockForTest(pollDesc *pd, int32_t mode) { return netpollblock(pd, mode, false); }
g *netpollunblockForTest(pollDesc *pd, int32_t mode, bool ioready) {
  return netpollunblock(pd, mode, ioready);
}
// A deadline that has expired (as netpolldeadlineimpl sets it), or none.
void netpollExpireForTest(pollDesc *pd, int32_t mode, bool expired) {
  onsystemstack([&] {
    lock(&pd->lock);
    (mode == 'r' ? pd->rd : pd->wd) = expired ? -1 : 0;
    publishInfo(pd);
    unlock(&pd->lock);
  });
}
int64_t netpollcheckerrForTest(pollDesc *pd, int32_t mode) { return netpollcheckerr(pd, mode); }
uintptr_t netpollsemForTest(pollDesc *pd, int32_t mode) { return semOf(pd, mode)->load(); }
} // namespace glrt
