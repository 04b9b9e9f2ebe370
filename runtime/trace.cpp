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
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "proc.h"
#include "schedseed.h"

namespace glrt {

bool traceOn = false;

namespace {

int traceFd = -1;
// The clock: the CPU's invariant TSC (every x86-64 CPU glrt runs on has
// constant_tsc/nonstop_tsc; one counter for all cores), read by a bare
// rdtsc: no lfence, so the read may drift a few instructions from its
// place in program order, which the flush absorbs by keeping each owner's
// stream non-decreasing (stream::next). Measured on the 2-vCPU KVM guest
// (CPU time per call, 20M calls): rdtsc 11.5 ns, lfence+rdtsc 19.4 ns,
// clock_gettime(CLOCK_MONOTONIC) 28.6 ns (kvm-clock). The flush converts
// ticks to ns from two (ticks, nanotime) pairs: tracing's start and the
// flush.
int64_t traceStart = 0;      // ticks
int64_t traceStartNs = 0;    // nanotime() at the same moment
double traceNsPerTick = 1.0; // set by the flush

inline int64_t cputicks() {
  uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
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

constexpr uint64_t tsMask = (uint64_t(1) << 48) - 1;
constexpr uint64_t gMask = (uint64_t(1) << 40) - 1;

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

// Appends one event to *slot's chunk (the caller owns *slot): encodes it
// (traceBuf) and copies its words in. A full chunk goes to traceFull and a
// new one replaces it; the pointer is stored with release so the flusher's
// acquire load sees the chunk's header.
void put(traceBuf **slot, int32_t kind, int32_t id, const traceEvent &e) {
  uint64_t w[5];
  uint32_t nw = 2;
  uint64_t present = 0, small = 0;
  if (e.a > 0 && e.a < 16) {
    small = uint64_t(e.a); // a park's wait reason, a P id, ...: no extra word
  } else if (e.a) {
    w[nw++] = uint64_t(e.a);
    present |= 1;
  }
  if (e.b) {
    w[nw++] = uint64_t(e.b);
    present |= 2;
  }
  if (kind != 0 && e.p >= 0) {
    w[nw++] = uint64_t(e.p);
    present |= 4;
  }
  int64_t rel = e.ts - traceStart;
  if (rel < 0)
    rel = 0; // a read on another core a hair before the start's
  w[0] = (uint64_t(rel) & tsMask) | uint64_t(e.kind) << 48 | uint64_t(e.reason & 7) << 54 | present << 57 | small << 60;
  w[1] = (uint64_t(e.g) & gMask) | uint64_t(uint32_t(e.m + 1)) << 40;

  traceBuf *b = __atomic_load_n(slot, __ATOMIC_RELAXED);
  uint32_t n = b ? b->n.load(std::memory_order_relaxed) : traceBuf::cap;
  if (n + nw > traceBuf::cap) {
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
  for (uint32_t i = 0; i < nw; i++)
    b->w[n + i] = w[i];
  b->n.store(n + nw, std::memory_order_release); // publishes the words; pairs with the flusher's acquire
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
  // schedinit calls this before any other thread exists. Only a test
  // (trace_test's FlushWritesChromeJSON) calls it with tracing already on
  // (traceEnableForTest) and Ms writing events: they read traceStart in
  // put(), so the clock that is running stays (restarting it was a data
  // race TSan reported, and skewed the events already recorded).
  if (traceStart == 0)
    traceClockStart();
  __atomic_store_n(&traceOn, true, __ATOMIC_RELEASE); // after traceStart, traceFd (traceEnabled)
}

void traceEnableForTest(bool on) {
  if (on && traceStart == 0)
    traceClockStart();
  __atomic_store_n(&traceOn, on, __ATOMIC_RELEASE); // after traceStart (traceEnabled)
}

int64_t traceDroppedForTest() { return traceDropped.load(); }

int64_t traceNow() { return cputicks(); }

void traceGoEvent(traceEvKind kind, int64_t goid, int64_t a, int64_t b, uint8_t reason, int64_t ts) {
  if (!traceEnabled())
    return;
  traceEvent e{ts ? ts : cputicks(), goid, a, b, uint8_t(kind), reason, -1, -1};
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

void traceSysmonEvent(traceEvKind kind, int64_t goid, int64_t a, int64_t ts) {
  if (!traceEnabled())
    return;
  traceEvent e{ts ? ts : cputicks(), goid, a, 0, uint8_t(kind), 0, int16_t(a), -1};
  put(&sysmonBuf, 2, 0, e);
}

uint32_t traceDecode(const traceBuf *b, uint32_t i, traceEvent *e) {
  const uint64_t *w = &b->w[i];
  uint64_t present = (w[0] >> 57) & 7;
  e->ts = traceStart + int64_t(w[0] & tsMask);
  e->kind = uint8_t(w[0] >> 48 & 63);
  e->reason = uint8_t(w[0] >> 54 & 7);
  e->g = int64_t(w[1] & gMask);
  e->m = int32_t(uint32_t(w[1] >> 40)) - 1;
  uint32_t k = 2;
  e->a = (present & 1) ? int64_t(w[k++]) : int64_t(w[0] >> 60);
  e->b = (present & 2) ? int64_t(w[k++]) : 0;
  e->p = b->ownerKind == 0 ? int16_t(b->ownerID) : (present & 4) ? int16_t(w[k++]) : int16_t(-1);
  return k;
}

// ---------------------------------------------------------------------------
// Gathering

namespace {

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

// Owner (kind, id) in the high bits, the chunk's sequence number below:
// sorting chunks by it puts each owner's chunks together, in write order.
uint64_t chunkKey(traceBuf *b) {
  return (uint64_t(b->ownerKind) << 60) | (uint64_t(uint32_t(b->ownerID) & 0xffff) << 44) |
         (uint64_t(b->seq & 0x3fff) << 30);
}
constexpr uint64_t ownerMask = ~((uint64_t(1) << 44) - 1);

} // namespace

void *bigalloc(size_t size) {
  void *v = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return v == MAP_FAILED ? nullptr : v;
}

namespace {

// Every chunk with events, sorted by chunkKey (owner, then sequence).
// Returns the count; *out is bigalloc'd (*bytes: its size, for munmap).
int64_t gatherChunks(traceBuf ***out, size_t *bytes) {
  int64_t nchunks = 0;
  forEachChunk([&](traceBuf *) { nchunks++; });
  *bytes = size_t(nchunks + 1) * sizeof(traceBuf *);
  auto **cs = static_cast<traceBuf **>(bigalloc(*bytes));
  int64_t k = 0;
  if (cs)
    forEachChunk([&](traceBuf *b) {
      if (k < nchunks)
        cs[k++] = b;
    });
  std::sort(cs, cs + k, [](traceBuf *x, traceBuf *y) { return chunkKey(x) < chunkKey(y); });
  *out = cs;
  return k;
}

} // namespace

// For tests. Chunks in owner order, each owner's in sequence: every buffer's events
// in the order they were written.
int64_t traceSnapshotForTest(traceEvent *out, int64_t max) {
  traceBuf **cs;
  size_t bytes;
  int64_t k = gatherChunks(&cs, &bytes);
  int64_t total = 0;
  for (int64_t c = 0; c < k; c++) {
    uint32_t n = cs[c]->n.load(std::memory_order_acquire);
    traceEvent e;
    for (uint32_t i = 0; i < n; total++) {
      i += traceDecode(cs[c], i, &e);
      if (total < max)
        out[total] = e;
    }
  }
  if (cs)
    munmap(cs, bytes);
  return total;
}

// ---------------------------------------------------------------------------
// JSON
//
// The flush merges the owners' streams (each already in time order: one
// writer at a time, one clock) with a small heap instead of sorting every
// event, and formats each record straight into a 1 MiB output buffer:
// room for the longest record is checked once per record, integers are
// written digit by digit, names are copied with known lengths. (The first
// version sorted a copy of every event and printed piece by piece; its
// flush took 5.6 s of the 1M-round-trip ping-pong's 6 s.)

namespace {

struct jsonOut {
  static constexpr size_t cap = 1 << 20;
  static constexpr size_t maxRecord = 512; // longer than any one record
  char *buf = nullptr;
  size_t n = 0;
  int fd = -1;
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
  // Room for one record; returns where to write. Callers advance n.
  char *room() {
    if (n + maxRecord > cap)
      flush();
    return buf + n;
  }
  void done(char *w) { n = size_t(w - buf); }
};

// Writers on a raw pointer into the buffer (room() checked beforehand).
template <size_t N> inline void lit(char *&w, const char (&s)[N]) {
  memcpy(w, s, N - 1);
  w += N - 1;
}
inline void str(char *&w, const char *s, size_t l) {
  if (l > 200)
    l = 200; // names are short; keep within maxRecord
  memcpy(w, s, l);
  w += l;
}
inline void str(char *&w, const char *s) { str(w, s, strlen(s)); }
inline void u64(char *&w, uint64_t v) {
  char t[20];
  int k = 0;
  do {
    t[k++] = char('0' + v % 10);
    v /= 10;
  } while (v);
  while (k)
    *w++ = t[--k];
}
inline void i64(char *&w, int64_t v) {
  if (v < 0) {
    *w++ = '-';
    u64(w, uint64_t(0) - uint64_t(v));
  } else {
    u64(w, uint64_t(v));
  }
}
inline void hex(char *&w, uint64_t v) {
  lit(w, "\"0x");
  bool started = false;
  for (int sh = 60; sh >= 0; sh -= 4) {
    unsigned d = unsigned(v >> sh) & 15;
    if (d || started || sh == 0) {
      *w++ = "0123456789abcdef"[d];
      started = true;
    }
  }
  *w++ = '"';
}
// ticks -> ns since the start -> microseconds with 3 decimals.
inline void tsUs(char *&w, int64_t t) {
  int64_t d = int64_t(double(t - traceStart) * traceNsPerTick);
  if (d < 0)
    d = 0;
  u64(w, uint64_t(d / 1000));
  w[0] = '.';
  w[1] = char('0' + d % 1000 / 100);
  w[2] = char('0' + d % 100 / 10);
  w[3] = char('0' + d % 10);
  w += 4;
}

struct name {
  const char *s;
  size_t l;
};
#define NAME(x) name{x, sizeof(x) - 1}
name kindName(uint8_t k) {
  switch (k) {
  case traceEvGoCreate: return NAME("GoCreate");
  case traceEvGoStart: return NAME("GoStart");
  case traceEvGoStop: return NAME("GoStop");
  case traceEvGoUnblock: return NAME("GoUnblock");
  case traceEvStackGrow: return NAME("StackGrow");
  case traceEvPreemptReq: return NAME("PreemptRequest");
  case traceEvProcResize: return NAME("ProcResize");
  case traceEvSTWStart: return NAME("STWStart");
  case traceEvSTWDone: return NAME("STWDone");
  case traceEvMSpin: return NAME("MSpin");
  case traceEvMSpinDone: return NAME("MSpinDone");
  case traceEvMPark: return NAME("MPark");
  case traceEvMUnpark: return NAME("MUnpark");
  case traceEvGCStart: return NAME("GCStart");
  case traceEvGCMarkDone: return NAME("GCMarkDone");
  case traceEvGCDone: return NAME("GCDone");
  case traceEvSyscallEnter: return NAME("SyscallEnter");
  case traceEvSyscallExit: return NAME("SyscallExit");
  case traceEvSyscallRetake: return NAME("SyscallRetake");
  }
  return NAME("Unknown");
}
#undef NAME

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

// One record's start: {"ph":ph,"pid":pid,"tid":tid,"ts":ts,"name":"
// (the caller writes the name and what follows).
template <size_t N>
inline void head(char *&w, bool &first, const char (&ph)[N], int pid, int64_t tid, int64_t ts) {
  if (first)
    lit(w, "\n{\"ph\":\"");
  else
    lit(w, ",\n{\"ph\":\"");
  first = false;
  lit(w, ph);
  lit(w, "\",\"pid\":");
  u64(w, uint64_t(pid));
  lit(w, ",\"tid\":");
  i64(w, tid);
  lit(w, ",\"ts\":");
  tsUs(w, ts);
  lit(w, ",\"name\":\"");
}
inline void gname(char *&w, int64_t goid) {
  *w++ = 'G';
  u64(w, uint64_t(goid));
  *w++ = '"';
}

void meta(jsonOut &o, bool &first, const char *what, int pid, int64_t tid, const char *prefix, int64_t num) {
  char *w = o.room();
  if (first)
    lit(w, "\n{\"ph\":\"M\",\"pid\":");
  else
    lit(w, ",\n{\"ph\":\"M\",\"pid\":");
  first = false;
  u64(w, uint64_t(pid));
  lit(w, ",\"tid\":");
  i64(w, tid);
  lit(w, ",\"name\":\"");
  str(w, what);
  lit(w, "\",\"args\":{\"name\":\"");
  str(w, prefix);
  if (num >= 0)
    i64(w, num);
  lit(w, "\"}}");
  o.done(w);
}

// args of a runtime event: ,"args":{"kind":K,"p":P,"m":M   (left open)
inline void args0(char *&w, name kind, int32_t p, int32_t m) {
  lit(w, ",\"args\":{\"kind\":\"");
  str(w, kind.s, kind.l);
  lit(w, "\",\"p\":");
  i64(w, p);
  lit(w, ",\"m\":");
  i64(w, m);
}

// One owner's events (its chunks in sequence), read in write order. Its
// timestamps are made non-decreasing (cputicks is not serialised, so two
// reads a few instructions apart may come out swapped).
struct stream {
  traceBuf **c = nullptr; // this owner's chunks
  int64_t nc = 0;
  int64_t ci = -1;
  uint32_t i = 0, n = 0;
  uint64_t key = 0; // owner bits of chunkKey: ties between streams
  int64_t ts = 0;
  traceEvent cur;
  bool next() {
    while (i >= n) {
      if (++ci >= nc)
        return false;
      n = c[ci]->n.load(std::memory_order_acquire);
      i = 0;
    }
    i += traceDecode(c[ci], i, &cur);
    if (cur.ts > ts)
      ts = cur.ts;
    return true;
  }
};

} // namespace

static int64_t cpuNs(clockid_t clk) {
  struct timespec ts;
  clock_gettime(clk, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}
static int64_t threadCPUNs() { return cpuNs(CLOCK_THREAD_CPUTIME_ID); }

void traceFlush() {
  if (traceFd < 0)
    return;
  uint32_t z = 0;
  if (!flushed.compare_exchange_strong(z, 1, std::memory_order_acq_rel))
    return;
  __atomic_store_n(&traceOn, false, __ATOMIC_RELAXED);
  int64_t endNs = nanotime();
  int64_t end = cputicks();
  int64_t cpu0 = threadCPUNs();
  int64_t procCPU = cpuNs(CLOCK_PROCESS_CPUTIME_ID); // the run up to the flush, tracing included
  if (end > traceStart && endNs > traceStartNs)
    traceNsPerTick = double(endNs - traceStartNs) / double(end - traceStart);

  traceBuf **cs = nullptr;
  size_t csBytes = 0;
  int64_t nchunks = gatherChunks(&cs, &csBytes);
  // Streams: runs of chunks with the same owner.
  int64_t nstreams = 0;
  for (int64_t c = 0; c < nchunks; c++)
    if (c == 0 || (chunkKey(cs[c]) & ownerMask) != (chunkKey(cs[c - 1]) & ownerMask))
      nstreams++;
  size_t stBytes = size_t(nstreams + 1) * (sizeof(stream) + sizeof(int64_t));
  auto *st = static_cast<stream *>(bigalloc(stBytes));
  auto *heap = reinterpret_cast<int64_t *>(st + nstreams + 1); // min-heap of stream indices
  int64_t total = 0, nh = 0;
  int32_t maxp = 0, maxm = 0;
  if (st) {
    int64_t s = -1;
    for (int64_t c = 0; c < nchunks; c++) {
      uint64_t key = chunkKey(cs[c]) & ownerMask;
      if (s < 0 || key != st[s].key) {
        s++;
        new (&st[s]) stream();
        st[s].c = cs + c;
        st[s].nc = 0;
        st[s].key = key;
      }
      st[s].nc++;
      uint32_t k = cs[c]->n.load(std::memory_order_acquire);
      for (uint32_t i = 0; i < k; total++)
        i += 2 + uint32_t(__builtin_popcountll(cs[c]->w[i] >> 57 & 7)); // traceDecode's length
    }
  }
  // Tracks: every P ever made, every M (ids are dense from 0).
  maxp = allplenForTrace();
  for (m *mp = allm.load(std::memory_order_acquire); mp; mp = mp->alllink)
    if (int32_t(mp->id) + 1 > maxm)
      maxm = int32_t(mp->id) + 1;
  auto less = [&](int64_t a, int64_t b) {
    return st[a].ts != st[b].ts ? st[a].ts < st[b].ts : st[a].key < st[b].key;
  };
  auto siftDown = [&](int64_t i) {
    for (;;) {
      int64_t l = 2 * i + 1, r = l + 1, best = i;
      if (l < nh && less(heap[l], heap[best]))
        best = l;
      if (r < nh && less(heap[r], heap[best]))
        best = r;
      if (best == i)
        return;
      int64_t t = heap[i];
      heap[i] = heap[best];
      heap[best] = t;
      i = best;
    }
  };
  for (int64_t s = 0; st && s < nstreams; s++)
    if (st[s].next())
      heap[nh++] = s;
  for (int64_t i = nh / 2 - 1; i >= 0; i--)
    siftDown(i);

  // Pending wake-up flow per goid (0: none): goids are allocated from
  // sched.goidgen, so every goid seen is below its value (+1).
  uint64_t ngoid = sched.goidgen.load(std::memory_order_relaxed) + 2;
  size_t flowBytes = size_t(ngoid) * sizeof(int64_t);
  auto *flow = static_cast<int64_t *>(bigalloc(flowBytes));
  // Per P: the running goid (to close slices at the end); per M: open slices.
  int32_t np = maxp > 0 ? maxp : 1, nm = maxm > 0 ? maxm : 1;
  auto *prun = static_cast<int64_t *>(bigalloc(size_t(np) * 8));
  auto *mstate = static_cast<uint8_t *>(bigalloc(size_t(nm))); // bit 0 spinning, bit 1 parked
  bool stwOpen = false;

  static jsonOut o;
  if (o.buf == nullptr)
    o.buf = static_cast<char *>(bigalloc(jsonOut::cap));
  if (o.buf == nullptr) {
    close(traceFd);
    traceFd = -1;
    return;
  }
  o.fd = traceFd;
  o.n = 0;
  bool first = true;
  {
    char *w = o.room();
    lit(w, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"glrt\",\"events\":");
    i64(w, total);
    lit(w, ",\"dropped\":");
    i64(w, traceDropped.load());
    lit(w, ",\"gomaxprocs\":");
    i64(w, gomaxprocs.load());
    lit(w, ",\"schedseed\":");
    if (schedseedEnabled())
      u64(w, schedseedValue);
    else
      lit(w, "null");
    lit(w, "},\n\"traceEvents\":[");
    o.done(w);
  }
  meta(o, first, "process_name", 1, 0, "Ps", -1);
  meta(o, first, "process_name", 2, 0, "Ms", -1);
  meta(o, first, "process_name", 3, 0, "runtime", -1);
  for (int32_t i = 0; i < np; i++)
    meta(o, first, "thread_name", 1, i, "P", i);
  for (int32_t i = 0; i < nm; i++)
    meta(o, first, "thread_name", 2, i, "M", i);
  meta(o, first, "thread_name", 3, 0, "runtime", -1);
  meta(o, first, "thread_name", 3, 1, "sysmon", -1);

  int64_t flowid = 0;
  while (nh > 0) {
    stream &sm = st[heap[0]];
    const traceEvent &e = sm.cur;
    int64_t ts = sm.ts; // clamped: non-decreasing within the stream
    int pid = e.p >= 0 ? 1 : 3;
    int64_t tid = e.p >= 0 ? e.p : 0;
    name kn = kindName(e.kind);
    char *w = o.room();
    switch (e.kind) {
    case traceEvGoCreate:
      head(w, first, "i", pid, tid, ts);
      str(w, kn.s, kn.l);
      lit(w, "\",\"s\":\"t\"");
      args0(w, kn, e.p, e.m);
      lit(w, ",\"g\":");
      i64(w, e.g);
      lit(w, ",\"by\":");
      i64(w, e.a);
      lit(w, ",\"pc\":");
      hex(w, uint64_t(e.b));
      lit(w, "}}");
      break;
    case traceEvGoStart: {
      head(w, first, "B", pid, tid, ts);
      gname(w, e.g);
      args0(w, kn, e.p, e.m);
      lit(w, ",\"g\":");
      i64(w, e.g);
      lit(w, "}}");
      if (flow && uint64_t(e.g) < ngoid && flow[e.g]) {
        head(w, first, "f", pid, tid, ts);
        lit(w, "wake\",\"cat\":\"flow\",\"bp\":\"e\",\"id\":");
        i64(w, flow[e.g]);
        lit(w, "}");
        flow[e.g] = 0;
      }
      if (e.p >= 0 && e.p < np && prun)
        prun[e.p] = e.g;
      break;
    }
    case traceEvGoStop:
      head(w, first, "E", pid, tid, ts);
      gname(w, e.g);
      args0(w, kn, e.p, e.m);
      lit(w, ",\"g\":");
      i64(w, e.g);
      lit(w, ",\"reason\":\"");
      str(w, stopName(e.reason, e.a));
      lit(w, "\"}}");
      if (e.p >= 0 && e.p < np && prun)
        prun[e.p] = 0;
      break;
    case traceEvGoUnblock:
      head(w, first, "i", pid, tid, ts);
      str(w, kn.s, kn.l);
      lit(w, "\",\"s\":\"t\"");
      args0(w, kn, e.p, e.m);
      lit(w, ",\"g\":");
      i64(w, e.g);
      lit(w, ",\"by\":");
      i64(w, e.a);
      lit(w, "}}");
      if (flow && uint64_t(e.g) < ngoid) {
        flow[e.g] = ++flowid;
        head(w, first, "s", pid, tid, ts);
        lit(w, "wake\",\"cat\":\"flow\",\"id\":");
        i64(w, flowid);
        lit(w, "}");
      }
      break;
    case traceEvStackGrow:
      head(w, first, "i", pid, tid, ts);
      str(w, kn.s, kn.l);
      lit(w, "\",\"s\":\"t\"");
      args0(w, kn, e.p, e.m);
      lit(w, ",\"g\":");
      i64(w, e.g);
      lit(w, ",\"size\":");
      i64(w, e.a);
      lit(w, ",\"segments\":");
      i64(w, e.b);
      lit(w, "}}");
      break;
    case traceEvPreemptReq:
      head(w, first, "i", e.a >= 0 ? 1 : 3, e.a >= 0 ? e.a : 1, ts);
      str(w, kn.s, kn.l);
      lit(w, "\",\"s\":\"t\"");
      args0(w, kn, int32_t(e.a), -1);
      lit(w, ",\"g\":");
      i64(w, e.g);
      lit(w, "}}");
      break;
    case traceEvSTWStart:
    case traceEvSTWDone:
      if ((e.kind == traceEvSTWStart) == stwOpen)
        break; // unbalanced (a flush in the middle): skip
      stwOpen = e.kind == traceEvSTWStart;
      if (stwOpen)
        head(w, first, "B", 3, 0, ts);
      else
        head(w, first, "E", 3, 0, ts);
      lit(w, "STW\"");
      args0(w, kn, e.p, e.m);
      if (stwOpen && e.b) {
        lit(w, ",\"reason\":\"");
        str(w, reinterpret_cast<const char *>(e.b));
        lit(w, "\"");
      }
      lit(w, "}}");
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
        head(w, first, "E", 2, e.m, ts);
        lit(w, "spinning\"}");
        mstate[e.m] &= uint8_t(~1);
      }
      if (open && bit == 1 && (mstate[e.m] & 2))
        break; // spinning while parked cannot happen; ignore
      mstate[e.m] = open ? uint8_t(mstate[e.m] | bit) : uint8_t(mstate[e.m] & ~bit);
      if (open)
        head(w, first, "B", 2, e.m, ts);
      else
        head(w, first, "E", 2, e.m, ts);
      if (bit == 1)
        lit(w, "spinning\"");
      else
        lit(w, "parked\"");
      args0(w, kn, e.p, e.m);
      lit(w, "}}");
      break;
    }
    default: // ProcResize and the reserved kinds: instants on the runtime track
      head(w, first, "i", 3, 0, ts);
      str(w, kn.s, kn.l);
      lit(w, "\",\"s\":\"t\"");
      args0(w, kn, e.p, e.m);
      lit(w, ",\"a\":");
      i64(w, e.a);
      lit(w, ",\"b\":");
      i64(w, e.b);
      lit(w, "}}");
      break;
    }
    o.done(w);
    // Next event of this stream; re-heap (or drop the exhausted stream).
    if (!sm.next())
      heap[0] = heap[--nh];
    siftDown(0);
  }
  // Close what is still open at the end of the trace.
  for (int32_t i = 0; i < np && prun; i++)
    if (prun[i]) {
      char *w = o.room();
      head(w, first, "E", 1, i, end);
      gname(w, prun[i]);
      lit(w, ",\"args\":{\"kind\":\"GoStop\",\"p\":");
      i64(w, i);
      lit(w, ",\"m\":-1,\"g\":");
      i64(w, prun[i]);
      lit(w, ",\"reason\":\"running at exit\"}}");
      o.done(w);
    }
  for (int32_t i = 0; i < nm && mstate; i++) {
    char *w = o.room();
    if (mstate[i] & 2) {
      head(w, first, "E", 2, i, end);
      lit(w, "parked\"}");
    }
    if (mstate[i] & 1) {
      head(w, first, "E", 2, i, end);
      lit(w, "spinning\"}");
    }
    o.done(w);
  }
  {
    char *w = o.room();
    if (stwOpen) {
      head(w, first, "E", 3, 0, end);
      lit(w, "STW\"}");
    }
    // Last keys, for the bench (it reports the flush apart from the
    // recording's cost): the process's CPU time when the flush began (the
    // run with tracing on), and how long the flush took up to here
    // (merging and formatting) in this thread's CPU time and in wall time.
    lit(w, "\n],\"glrtRunCpuUs\":");
    i64(w, procCPU / 1000);
    lit(w, ",\"glrtFlushCpuUs\":");
    i64(w, (threadCPUNs() - cpu0) / 1000);
    lit(w, ",\"glrtFlushUs\":");
    i64(w, (nanotime() - endNs) / 1000);
    lit(w, "}\n");
    o.done(w);
  }
  o.flush();
  close(traceFd);
  traceFd = -1;
  if (cs)
    munmap(cs, csBytes);
  if (st)
    munmap(st, stBytes);
  if (flow)
    munmap(flow, flowBytes);
}

} // namespace glrt
