//===- trace.cpp - the timeline trace (GODEBUG=tracefile=PATH) -------------===//
//
// The design (buffers, ownership, flush) is in trace.h. This file has the
// writers, the chunk list, and the flusher that turns the raw events into
// Chrome Trace Event JSON:
//
//   process 1 "Ps":   one thread (track) per P. A goroutine's run on the P
//                     is a slice named "G<goid>" (B at GoStart, E at GoStop
//                     with args.reason); creations, wake-ups, stack growth
//                     and preemption requests are instant events ("i");
//                     a wake-up is also a flow ("s" on the waker's slice,
//                     "f" bound to the woken G's next slice).
//   process 2 "Ms":   one track per M: slices "spinning" and "parked".
//   process 3 "runtime": stop-the-world slices, procresize instants (and,
//                     later, GC phases).
// Every event carries its raw fields in args (g, by, p, m, reason, ...),
// which is what scripts/glc-trace.py reads.
//===----------------------------------------------------------------------===//
#include "trace.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lock.h"
#include "proc.h"
#include "schedseed.h"

namespace glrt {

bool traceOn = false;

namespace {

int traceFd = -1;
// The clock: the CPU's invariant TSC (every x86-64 CPU glrt runs on has
// constant_tsc/nonstop_tsc; one counter for all cores), read after lfence
// so it is not hoisted above the code before it, as Go's cputicks. ~10x
// cheaper than clock_gettime here (kvm-clock: ~100 ns a call, which cost
// 0.6 us per ping-pong round trip). The flush converts ticks to ns from
// two (ticks, nanotime) pairs: tracing's start and the flush.
int64_t traceStart = 0;      // ticks
int64_t traceStartNs = 0;    // nanotime() at the same moment
double traceNsPerTick = 1.0; // set by the flush

inline int64_t cputicks() {
  uint32_t lo, hi;
  asm volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi)::"memory");
  return int64_t((uint64_t(hi) << 32) | lo);
}

void traceClockStart() {
  traceStartNs = nanotime();
  traceStart = cputicks();
}
// Full chunks: a Treiber stack (push by CAS, release; the flusher takes the
// whole list with an acquire exchange). Chunks are never freed or reused,
// so there is no ABA.
std::atomic<traceBuf *> traceFull{nullptr};
// Every chunk ever made, for the snapshot (tests): same kind of list.
std::atomic<int64_t> traceBytes{0};
std::atomic<int64_t> traceDropped{0};
constexpr int64_t traceMaxBytes = int64_t(512) << 20;
traceBuf *sysmonBuf = nullptr; // sysmon's thread only
// Threads that are neither an M nor sysmon (unit tests): one shared chunk.
std::atomic<uint32_t> foreignLock{0};
traceBuf *foreignBuf = nullptr;
std::atomic<uint32_t> flushed{0};

traceBuf *newbuf(int32_t kind, int32_t id, uint32_t seq) {
  if (traceBytes.fetch_add(sizeof(traceBuf), std::memory_order_relaxed) + int64_t(sizeof(traceBuf)) >
      traceMaxBytes) {
    traceBytes.fetch_sub(sizeof(traceBuf), std::memory_order_relaxed);
    return nullptr;
  }
  // MAP_POPULATE: the chunk's pages in one system call, not a fault per
  // page in the middle of the scheduler's hot paths.
  void *v = mmap(nullptr, sizeof(traceBuf), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                 -1, 0);
  if (v == MAP_FAILED)
    return nullptr;
  auto *b = static_cast<traceBuf *>(v); // zeroed by mmap
  b->ownerKind = kind;
  b->ownerID = id;
  b->seq = seq;
  return b;
}

void pushfull(traceBuf *b) {
  traceBuf *head = traceFull.load(std::memory_order_relaxed);
  do {
    b->link = head;
  } while (!traceFull.compare_exchange_weak(head, b, std::memory_order_release, std::memory_order_relaxed));
}

// Appends one event to *slot's chunk (the caller owns *slot). A full chunk
// goes to traceFull and a new one replaces it; the pointer is stored with
// release so the flusher's acquire load sees the chunk's header.
void put(traceBuf **slot, int32_t kind, int32_t id, const traceEvent &e) {
  traceBuf *b = __atomic_load_n(slot, __ATOMIC_RELAXED);
  uint32_t n = b ? b->n.load(std::memory_order_relaxed) : traceBuf::cap;
  if (n == traceBuf::cap) {
    traceBuf *nb = newbuf(kind, id, b ? b->seq + 1 : 0);
    if (nb == nullptr) {
      traceDropped.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (b)
      pushfull(b);
    __atomic_store_n(slot, nb, __ATOMIC_RELEASE);
    b = nb;
    n = 0;
  }
  b->ev[n] = e;
  b->n.store(n + 1, std::memory_order_release); // publishes ev[n]; pairs with the flusher's acquire
}

void foreignPut(const traceEvent &e) {
  uint32_t z = 0;
  while (!foreignLock.compare_exchange_weak(z, 1, std::memory_order_acquire)) {
    z = 0;
  }
  put(&foreignBuf, 3, 0, e);
  foreignLock.store(0, std::memory_order_release);
}

} // namespace

void traceInit(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    const char *msg = "runtime: GODEBUG=tracefile: cannot create ";
    (void)!write(2, msg, strlen(msg));
    (void)!write(2, path, strlen(path));
    (void)!write(2, "\n", 1);
    _exit(2);
  }
  traceFd = fd;
  traceClockStart();
  __atomic_store_n(&traceOn, true, __ATOMIC_RELAXED);
}

void traceEnableForTest(bool on) {
  if (on && traceStart == 0)
    traceClockStart();
  __atomic_store_n(&traceOn, on, __ATOMIC_RELAXED);
}

int64_t traceDroppedForTest() { return traceDropped.load(); }

void traceGoEvent(traceEvKind kind, int64_t goid, int64_t a, int64_t b, uint8_t reason) {
  if (!traceEnabled())
    return;
  traceEvent e{cputicks(), goid, a, b, uint8_t(kind), reason, -1, -1};
  g *gp = getg();
  m *mp = gp ? gp->mp : nullptr;
  if (mp == nullptr) {
    foreignPut(e);
    return;
  }
  e.m = int32_t(mp->id);
  if (p *pp = mp->pp) {
    e.p = int16_t(pp->id);
    put(&pp->tracebuf, 0, pp->id, e);
  } else {
    put(&mp->tracebuf, 1, int32_t(mp->id), e);
  }
}

void traceMEvent(traceEvKind kind, int64_t a, int64_t b) {
  if (!traceEnabled())
    return;
  traceEvent e{cputicks(), 0, a, b, uint8_t(kind), 0, -1, -1};
  g *gp = getg();
  m *mp = gp ? gp->mp : nullptr;
  if (mp == nullptr) {
    foreignPut(e);
    return;
  }
  e.m = int32_t(mp->id);
  if (mp->pp)
    e.p = int16_t(mp->pp->id);
  put(&mp->tracebuf, 1, int32_t(mp->id), e);
}

void traceSysmonEvent(traceEvKind kind, int64_t goid, int64_t a) {
  if (!traceEnabled())
    return;
  traceEvent e{cputicks(), goid, a, 0, uint8_t(kind), 0, int16_t(a), -1};
  put(&sysmonBuf, 2, 0, e);
}

// ---------------------------------------------------------------------------
// Gathering

namespace {

struct sortEv {
  traceEvent e;
  uint64_t key; // owner kind/id, chunk seq, index: per-buffer program order
};

// Calls fn(chunk) for every chunk that holds events: the full list and the
// current chunk of every P, M, sysmon and the foreign buffer.
template <class F> void forEachChunk(F &&fn) {
  for (traceBuf *b = traceFull.load(std::memory_order_acquire); b; b = b->link)
    fn(b);
  // Ps beyond gomaxprocs (after a shrink) keep their chunks: walk every P
  // ever made (allplen entries; Ps past gomaxprocs are _Pdead, not freed).
  int32_t n = allplenForTrace();
  p **ps = __atomic_load_n(&allp, __ATOMIC_ACQUIRE);
  for (int32_t i = 0; ps && i < n; i++) {
    p *pp = ps[i];
    if (pp == nullptr)
      continue;
    if (traceBuf *b = __atomic_load_n(&pp->tracebuf, __ATOMIC_ACQUIRE))
      fn(b);
  }
  for (m *mp = allm.load(std::memory_order_acquire); mp; mp = mp->alllink)
    if (traceBuf *b = __atomic_load_n(&mp->tracebuf, __ATOMIC_ACQUIRE))
      fn(b);
  if (traceBuf *b = __atomic_load_n(&sysmonBuf, __ATOMIC_ACQUIRE))
    fn(b);
  if (traceBuf *b = __atomic_load_n(&foreignBuf, __ATOMIC_ACQUIRE))
    fn(b);
}

uint64_t chunkKey(traceBuf *b) {
  return (uint64_t(b->ownerKind) << 60) | (uint64_t(uint32_t(b->ownerID) & 0xffff) << 44) |
         (uint64_t(b->seq & 0x3fff) << 30);
}

} // namespace

void *bigalloc(size_t size);

// For tests. Chunks in owner order, each owner's in sequence: every buffer's events
// in the order they were written.
int64_t traceSnapshotForTest(traceEvent *out, int64_t max) {
  int64_t nchunks = 0;
  forEachChunk([&](traceBuf *) { nchunks++; });
  auto **cs = static_cast<traceBuf **>(bigalloc(size_t(nchunks + 1) * sizeof(traceBuf *)));
  int64_t k = 0;
  forEachChunk([&](traceBuf *b) {
    if (k < nchunks)
      cs[k++] = b;
  });
  std::sort(cs, cs + k, [](traceBuf *x, traceBuf *y) { return chunkKey(x) < chunkKey(y); });
  int64_t total = 0;
  for (int64_t c = 0; c < k; c++) {
    uint32_t n = cs[c]->n.load(std::memory_order_acquire);
    for (uint32_t i = 0; i < n; i++, total++)
      if (total < max)
        out[total] = cs[c]->ev[i];
  }
  munmap(cs, size_t(nchunks + 1) * sizeof(traceBuf *));
  return total;
}

// ---------------------------------------------------------------------------
// JSON

namespace {

struct jsonOut {
  char buf[1 << 16];
  size_t n = 0;
  int fd;
  void flush() {
    size_t off = 0;
    while (off < n) {
      ssize_t k = write(fd, buf + off, n - off);
      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        break;
      off += size_t(k);
    }
    n = 0;
  }
  // A literal: its length is known, no strlen.
  template <size_t N> void lit(const char (&str)[N]) {
    if (n + N - 1 > sizeof buf)
      flush();
    memcpy(buf + n, str, N - 1);
    n += N - 1;
  }
  void s(const char *str) {
    size_t l = strlen(str);
    if (n + l > sizeof buf)
      flush();
    if (l > sizeof buf)
      l = sizeof buf;
    memcpy(buf + n, str, l);
    n += l;
  }
  void i(int64_t v) {
    char t[24];
    int k = 0;
    uint64_t u = v < 0 ? uint64_t(-(v + 1)) + 1 : uint64_t(v);
    do {
      t[k++] = char('0' + u % 10);
      u /= 10;
    } while (u);
    if (v < 0)
      t[k++] = '-';
    char r[24];
    for (int j = 0; j < k; j++)
      r[j] = t[k - 1 - j];
    r[k] = 0;
    s(r);
  }
  void hex(uint64_t v) {
    char r[24] = "\"0x";
    int k = 3;
    bool started = false;
    for (int sh = 60; sh >= 0; sh -= 4) {
      unsigned d = unsigned(v >> sh) & 15;
      if (d || started || sh == 0) {
        r[k++] = "0123456789abcdef"[d];
        started = true;
      }
    }
    r[k++] = '"';
    r[k] = 0;
    s(r);
  }
  // ticks -> ns since the start -> microseconds with 3 decimals.
  void ts(int64_t t) {
    int64_t d = int64_t(double(t - traceStart) * traceNsPerTick);
    if (d < 0)
      d = 0;
    i(d / 1000);
    char r[5] = {'.', char('0' + d % 1000 / 100), char('0' + d % 100 / 10), char('0' + d % 10), 0};
    s(r);
  }
};

const char *kindName(uint8_t k) {
  switch (k) {
  case traceEvGoCreate: return "GoCreate";
  case traceEvGoStart: return "GoStart";
  case traceEvGoStop: return "GoStop";
  case traceEvGoUnblock: return "GoUnblock";
  case traceEvStackGrow: return "StackGrow";
  case traceEvPreemptReq: return "PreemptRequest";
  case traceEvProcResize: return "ProcResize";
  case traceEvSTWStart: return "STWStart";
  case traceEvSTWDone: return "STWDone";
  case traceEvMSpin: return "MSpin";
  case traceEvMSpinDone: return "MSpinDone";
  case traceEvMPark: return "MPark";
  case traceEvMUnpark: return "MUnpark";
  case traceEvGCStart: return "GCStart";
  case traceEvGCMarkDone: return "GCMarkDone";
  case traceEvGCDone: return "GCDone";
  case traceEvSyscallEnter: return "SyscallEnter";
  case traceEvSyscallExit: return "SyscallExit";
  case traceEvSyscallRetake: return "SyscallRetake";
  }
  return "Unknown";
}

const char *stopName(uint8_t r, int64_t wait) {
  switch (r) {
  case traceStopPark: return waitReasonString(waitReason(wait));
  case traceStopGosched: return "Gosched";
  case traceStopPreempt: return "preempted";
  case traceStopAsyncPreempt: return "async preempted";
  case traceStopSeedPreempt: return "seed preempted";
  case traceStopExit: return "exit";
  case traceStopSyscall: return "syscall";
  }
  return "?";
}

// goid -> state, open addressing (goids are positive; 0 = empty slot).
struct gState {
  int64_t goid;
  int64_t flow;   // pending wake-up flow id, or 0
  int32_t onp;    // P it runs on, or -1
};
struct gTable {
  gState *t = nullptr;
  uint64_t mask = 0;
  gState *get(int64_t goid) {
    uint64_t h = uint64_t(goid) * 0x9E3779B97F4A7C15ull;
    for (uint64_t i = h & mask;; i = (i + 1) & mask) {
      if (t[i].goid == goid)
        return &t[i];
      if (t[i].goid == 0) {
        t[i].goid = goid;
        t[i].onp = -1;
        return &t[i];
      }
    }
  }
};

} // namespace
void *bigalloc(size_t size) {
  void *v = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return v == MAP_FAILED ? nullptr : v;
}
namespace {

// One event record: {"ph":ph,"pid":pid,"tid":tid,"ts":ts,"name":name,"args":{
void head(jsonOut &o, bool &first, const char *ph, int pid, int64_t tid, int64_t ts, const char *name) {
  o.s(first ? "\n{\"ph\":\"" : ",\n{\"ph\":\"");
  first = false;
  o.s(ph);
  o.lit("\",\"pid\":");
  o.i(pid);
  o.lit(",\"tid\":");
  o.i(tid);
  o.lit(",\"ts\":");
  o.ts(ts);
  o.lit(",\"name\":\"");
  o.s(name);
  o.lit("\"");
}

void meta(jsonOut &o, bool &first, const char *what, int pid, int64_t tid, const char *prefix, int64_t num) {
  o.s(first ? "\n{\"ph\":\"M\",\"pid\":" : ",\n{\"ph\":\"M\",\"pid\":");
  first = false;
  o.i(pid);
  o.lit(",\"tid\":");
  o.i(tid);
  o.lit(",\"name\":\"");
  o.s(what);
  o.lit("\",\"args\":{\"name\":\"");
  o.s(prefix);
  if (num >= 0)
    o.i(num);
  o.lit("\"}}");
}

} // namespace

void traceFlush() {
  if (traceFd < 0)
    return;
  uint32_t z = 0;
  if (!flushed.compare_exchange_strong(z, 1, std::memory_order_acq_rel))
    return;
  __atomic_store_n(&traceOn, false, __ATOMIC_RELAXED);
  int64_t endNs = nanotime();
  int64_t end = cputicks();
  if (end > traceStart && endNs > traceStartNs)
    traceNsPerTick = double(endNs - traceStartNs) / double(end - traceStart);

  int64_t total = 0;
  forEachChunk([&](traceBuf *b) { total += b->n.load(std::memory_order_acquire); });
  sortEv *evs = total ? static_cast<sortEv *>(bigalloc(size_t(total) * sizeof(sortEv))) : nullptr;
  int64_t n = 0;
  int32_t maxp = 0, maxm = 0;
  if (evs) {
    forEachChunk([&](traceBuf *b) {
      uint32_t k = b->n.load(std::memory_order_acquire);
      uint64_t key = chunkKey(b);
      for (uint32_t i = 0; i < k && n < total; i++, n++) {
        evs[n].e = b->ev[i];
        evs[n].key = key | i;
        if (b->ev[i].p + 1 > maxp)
          maxp = b->ev[i].p + 1;
        if (b->ev[i].m + 1 > maxm)
          maxm = b->ev[i].m + 1;
      }
    });
    std::sort(evs, evs + n, [](const sortEv &x, const sortEv &y) {
      return x.e.ts != y.e.ts ? x.e.ts < y.e.ts : x.key < y.key;
    });
  }
  gTable gt;
  uint64_t cap = 64;
  while (cap < uint64_t(n) * 2 + 2)
    cap <<= 1;
  gt.t = static_cast<gState *>(bigalloc(cap * sizeof(gState)));
  gt.mask = cap - 1;
  // Per P: the running goid (to close slices at the end); per M: open slices.
  int32_t np = maxp > 0 ? maxp : 1, nm = maxm > 0 ? maxm : 1;
  int64_t *prun = static_cast<int64_t *>(bigalloc(size_t(np) * 8));
  uint8_t *mstate = static_cast<uint8_t *>(bigalloc(size_t(nm))); // bit 0 spinning, bit 1 parked
  bool stwOpen = false;

  static jsonOut o; // g0's stack is large, but 64 KiB is still better static
  o.fd = traceFd;
  o.n = 0;
  bool first = true;
  o.lit("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"glrt\",\"events\":");
  o.i(n);
  o.lit(",\"dropped\":");
  o.i(traceDropped.load());
  o.lit(",\"gomaxprocs\":");
  o.i(gomaxprocs.load());
  o.lit(",\"schedseed\":");
  if (schedseedEnabled())
    o.i(int64_t(schedseedValue));
  else
    o.lit("null");
  o.lit("},\n\"traceEvents\":[");
  meta(o, first, "process_name", 1, 0, "Ps", -1);
  meta(o, first, "process_name", 2, 0, "Ms", -1);
  meta(o, first, "process_name", 3, 0, "runtime", -1);
  for (int32_t i = 0; i < np; i++)
    meta(o, first, "thread_name", 1, i, "P", i);
  for (int32_t i = 0; i < nm; i++)
    meta(o, first, "thread_name", 2, i, "M", i);
  meta(o, first, "thread_name", 3, 0, "runtime", -1);
  meta(o, first, "thread_name", 3, 1, "sysmon", -1);
  for (int32_t i = 0; i < np && prun; i++)
    prun[i] = 0;

  int64_t flowid = 0;
  char name[32];
  auto gname = [&](int64_t goid) {
    char t[24];
    int k = 0;
    uint64_t u = uint64_t(goid);
    do {
      t[k++] = char('0' + u % 10);
      u /= 10;
    } while (u);
    name[0] = 'G';
    for (int j = 0; j < k; j++)
      name[1 + j] = t[k - 1 - j];
    name[1 + k] = 0;
    return name;
  };
  auto args0 = [&](const char *kind, int32_t p, int32_t m) {
    o.lit(",\"args\":{\"kind\":\"");
    o.s(kind);
    o.lit("\",\"p\":");
    o.i(p);
    o.lit(",\"m\":");
    o.i(m);
  };
  for (int64_t k = 0; k < n; k++) {
    const traceEvent &e = evs[k].e;
    int pid = e.p >= 0 ? 1 : 3;
    int64_t tid = e.p >= 0 ? e.p : 0;
    const char *kn = kindName(e.kind);
    switch (e.kind) {
    case traceEvGoCreate:
      head(o, first, "i", pid, tid, e.ts, kn);
      o.lit(",\"s\":\"t\"");
      args0(kn, e.p, e.m);
      o.lit(",\"g\":");
      o.i(e.g);
      o.lit(",\"by\":");
      o.i(e.a);
      o.lit(",\"pc\":");
      o.hex(uint64_t(e.b));
      o.lit("}}");
      break;
    case traceEvGoStart: {
      head(o, first, "B", pid, tid, e.ts, gname(e.g));
      args0(kn, e.p, e.m);
      o.lit(",\"g\":");
      o.i(e.g);
      o.lit("}}");
      gState *st = gt.t ? gt.get(e.g) : nullptr;
      if (st) {
        st->onp = e.p;
        if (st->flow) {
          head(o, first, "f", pid, tid, e.ts, "wake");
          o.lit(",\"cat\":\"flow\",\"bp\":\"e\",\"id\":");
          o.i(st->flow);
          o.lit("}");
          st->flow = 0;
        }
      }
      if (e.p >= 0 && e.p < np && prun)
        prun[e.p] = e.g;
      break;
    }
    case traceEvGoStop:
      head(o, first, "E", pid, tid, e.ts, gname(e.g));
      args0(kn, e.p, e.m);
      o.lit(",\"g\":");
      o.i(e.g);
      o.lit(",\"reason\":\"");
      o.s(stopName(e.reason, e.a));
      o.lit("\"}}");
      if (e.p >= 0 && e.p < np && prun)
        prun[e.p] = 0;
      if (gt.t)
        gt.get(e.g)->onp = -1;
      break;
    case traceEvGoUnblock:
      head(o, first, "i", pid, tid, e.ts, kn);
      o.lit(",\"s\":\"t\"");
      args0(kn, e.p, e.m);
      o.lit(",\"g\":");
      o.i(e.g);
      o.lit(",\"by\":");
      o.i(e.a);
      o.lit("}}");
      if (gt.t) {
        gState *st = gt.get(e.g);
        st->flow = ++flowid;
        head(o, first, "s", pid, tid, e.ts, "wake");
        o.lit(",\"cat\":\"flow\",\"id\":");
        o.i(flowid);
        o.lit("}");
      }
      break;
    case traceEvStackGrow:
      head(o, first, "i", pid, tid, e.ts, kn);
      o.lit(",\"s\":\"t\"");
      args0(kn, e.p, e.m);
      o.lit(",\"g\":");
      o.i(e.g);
      o.lit(",\"size\":");
      o.i(e.a);
      o.lit(",\"segments\":");
      o.i(e.b);
      o.lit("}}");
      break;
    case traceEvPreemptReq:
      head(o, first, "i", e.a >= 0 ? 1 : 3, e.a >= 0 ? e.a : 1, e.ts, kn);
      o.lit(",\"s\":\"t\"");
      args0(kn, int32_t(e.a), -1);
      o.lit(",\"g\":");
      o.i(e.g);
      o.lit("}}");
      break;
    case traceEvSTWStart:
    case traceEvSTWDone:
      if ((e.kind == traceEvSTWStart) == stwOpen)
        break; // unbalanced (a flush in the middle): skip
      stwOpen = e.kind == traceEvSTWStart;
      head(o, first, stwOpen ? "B" : "E", 3, 0, e.ts, "STW");
      args0(kn, e.p, e.m);
      if (stwOpen && e.b) {
        o.lit(",\"reason\":\"");
        o.s(reinterpret_cast<const char *>(e.b));
        o.lit("\"");
      }
      o.lit("}}");
      break;
    case traceEvMSpin:
    case traceEvMSpinDone:
    case traceEvMPark:
    case traceEvMUnpark: {
      if (e.m < 0 || e.m >= nm || !mstate)
        break;
      uint8_t bit = (e.kind == traceEvMSpin || e.kind == traceEvMSpinDone) ? 1 : 2;
      bool open = e.kind == traceEvMSpin || e.kind == traceEvMPark;
      if (bool(mstate[e.m] & bit) == open)
        break; // already in that state: keep B/E balanced
      // Parking ends spinning (a track's slices must nest).
      if (open && bit == 2 && (mstate[e.m] & 1)) {
        head(o, first, "E", 2, e.m, e.ts, "spinning");
        o.lit("}");
        mstate[e.m] &= uint8_t(~1);
      }
      if (open && bit == 1 && (mstate[e.m] & 2))
        break; // spinning while parked cannot happen; ignore
      mstate[e.m] = open ? uint8_t(mstate[e.m] | bit) : uint8_t(mstate[e.m] & ~bit);
      head(o, first, open ? "B" : "E", 2, e.m, e.ts, bit == 1 ? "spinning" : "parked");
      args0(kn, e.p, e.m);
      o.lit("}}");
      break;
    }
    default: // ProcResize and the reserved kinds: instants on the runtime track
      head(o, first, "i", 3, 0, e.ts, kn);
      o.lit(",\"s\":\"t\"");
      args0(kn, e.p, e.m);
      o.lit(",\"a\":");
      o.i(e.a);
      o.lit(",\"b\":");
      o.i(e.b);
      o.lit("}}");
      break;
    }
  }
  // Close what is still open at the end of the trace.
  for (int32_t i = 0; i < np && prun; i++)
    if (prun[i]) {
      head(o, first, "E", 1, i, end, gname(prun[i]));
      o.lit(",\"args\":{\"kind\":\"GoStop\",\"p\":");
      o.i(i);
      o.lit(",\"m\":-1,\"g\":");
      o.i(prun[i]);
      o.lit(",\"reason\":\"running at exit\"}}");
    }
  for (int32_t i = 0; i < nm && mstate; i++) {
    if (mstate[i] & 2) {
      head(o, first, "E", 2, i, end, "parked");
      o.lit("}");
    }
    if (mstate[i] & 1) {
      head(o, first, "E", 2, i, end, "spinning");
      o.lit("}");
    }
  }
  if (stwOpen) {
    head(o, first, "E", 3, 0, end, "STW");
    o.lit("}");
  }
  // Last key: how long the flush took up to here (sorting and formatting;
  // the bench reports it apart from the recording's cost).
  o.lit("\n],\"glrtFlushUs\":");
  o.i((nanotime() - endNs) / 1000);
  o.lit("}\n");
  o.flush();
  close(traceFd);
  traceFd = -1;
}

} // namespace glrt
