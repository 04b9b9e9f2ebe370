//===- trace.cpp - the timeline trace (GODEBUG=tracefile=PATH) -------------===//
//
// The design (buffers, ownership, streaming, flush) is in trace.h. This
// file has the recorders, the owners' buffers, the writer thread and its
// pool, and the formatter that turns the raw events into Chrome Trace
// Event JSON:
//
//   process 1 "Ps":   one thread (track) per P. A goroutine's run on the P
//                     is one complete event (ph "X", name "G<goid>", ts and
//                     dur, args m and the stop's reason), written when the
//                     run ends; creations, stack growth and preemption
//                     requests are instant events ("i"); a wake-up by a
//                     goroutine is a flow named "wake" ("s" on the
//                     waker's slice, with args g and by; "f" bound to the
//                     woken G's next slice); a wake-up by the runtime is an instant and the
//                     flow's start.
//   process 2 "Ms":   one track per M: slices "spinning" and "parked".
//   process 3 "runtime": stop-the-world slices, procresize, GC phase and
//                     system call instants.
// The Ps' records, nearly all of the file, carry only what the record
// does not already say (no kind, p or goid that the name, ph and track
// give): ~300 bytes per goroutine switch with a wake-up, where B/E slices
// with every field took ~525. The rare others carry their raw fields
// (kind, p, m, ...). scripts/glc-trace.py reads both.
//===----------------------------------------------------------------------===//
#include "trace.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "proc.h"
#include "schedseed.h"

namespace glrt {

bool traceOn = false;
// The clock's origin (ticks; trace.h). Written by traceClockStart before
// tracing is on (traceOn's release store publishes it).
int64_t traceStart = 0;

namespace {

// The file: opened by traceInit, which then sets traceFile (release); an
// owner that fills its buffer writes it out only if it sees traceFile
// (acquire), so it sees traceFd and the header already written. Closed by
// traceFlush once no owner can be writing (see spill).
int traceFd = -1;
std::atomic<bool> traceFile{false};
// Set once by traceFlush (the first caller wins); owners that fill their
// buffer after it discard it.
std::atomic<uint32_t> flushed{0};
// The file's format, fixed by traceInit before any event is written out:
// Chrome Trace Event JSON (a path ending in .json) or glrt's binary
// stream (any other path; trace.h: "Binary files"). Read-only after.
bool traceBinary = false;
// The binary stream's strings: an event's b is a stop-the-world reason,
// a pointer to a static string, meaningless in the file, so each distinct
// pointer is noted here (at the STWStart, a rare event) and the trailer
// maps it to its text. Append-only, by CAS (acq_rel: the reader at the
// flush sees the pointer's string); a 33rd distinct reason is not noted
// (the reader shows the pointer's value).
constexpr int maxStrings = 32;
std::atomic<const char *> stringTab[maxStrings];
void noteString(const char *s) {
  for (auto &slot : stringTab) {
    const char *cur = slot.load(std::memory_order_acquire);
    if (cur == nullptr && slot.compare_exchange_strong(cur, s, std::memory_order_acq_rel))
      return;
    if (cur == s)
      return;
  }
}

// The clock: the CPU's invariant TSC (every x86-64 CPU glrt runs on has
// constant_tsc/nonstop_tsc; one counter for all cores), read by a bare
// rdtsc: no lfence, so the read may drift a few instructions from its
// place in program order, which the formatter absorbs by keeping each
// owner's written timestamps non-decreasing (format). Measured on the
// 2-vCPU KVM guest (CPU time per call, 20M calls): rdtsc 11.5 ns,
// lfence+rdtsc 19.4 ns, clock_gettime(CLOCK_MONOTONIC) 28.6 ns
// (kvm-clock).
int64_t traceStartNs = 0; // nanotime() at traceStart

inline int64_t cputicks() {
  uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
  return int64_t((uint64_t(hi) << 32) | lo);
}

// A (ticks, nanotime) pair read together: the ticks are the midpoint of
// two reads around nanotime, retried (up to 4 times) if something (an
// interrupt, a preemption of the thread) came between them.
void clockPair(int64_t *ticks, int64_t *ns) {
  for (int i = 0; i < 4; i++) {
    int64_t t0 = cputicks();
    int64_t n = nanotime();
    int64_t t1 = cputicks();
    *ticks = t0 + (t1 - t0) / 2;
    *ns = n;
    if (t1 - t0 < 4000)
      return;
  }
}

void traceClockStart() { clockPair(&traceStart, &traceStartNs); }

// ns per tick, as the bits of a double (0: not measured yet). Measured
// ONCE, by the first formatting pass, at least calibrateNs after the
// trace's start, and then fixed: every track converts its ticks with the
// same ratio, so records of different tracks (a P's and its M's, written
// by one thread) keep their true order in the file whenever they were
// formatted. (A ratio measured again later, as the time since the start
// doubled, let two tracks formatted on either side of a new measurement
// disagree by a fraction of a microsecond: an M's MSpinDone came out
// after the GoStart its thread recorded next, and lit
// trace/replay_timers' same-seed traces differed in 1 of 4 runs under
// load.) The error of one measurement over >= 2 ms is the clock pair's
// jitter (< 1 us) / 2 ms, < 5e-4, and only stretches the time axis.
// The first pass to get here measures (calibrating 0 -> 1, busy-waiting
// for the 2 ms if the trace is younger); any other pass spins until the
// ratio is published (release/acquire: the bits are the value).
constexpr int64_t calibrateNs = 2 * 1000 * 1000;
std::atomic<uint64_t> nsPerTickBits{0};
std::atomic<uint32_t> calibrating{0};

double nsPerTick() {
  uint64_t bits = nsPerTickBits.load(std::memory_order_acquire);
  if (bits == 0) [[unlikely]] {
    uint32_t zero = 0;
    if (calibrating.compare_exchange_strong(zero, 1, std::memory_order_relaxed)) {
      int64_t t, ns;
      do
        clockPair(&t, &ns);
      while (ns - traceStartNs < calibrateNs);
      double r = t > traceStart ? double(ns - traceStartNs) / double(t - traceStart) : 1.0;
      memcpy(&bits, &r, sizeof bits);
      nsPerTickBits.store(bits, std::memory_order_release);
    } else {
      while ((bits = nsPerTickBits.load(std::memory_order_acquire)) == 0)
        osyield();
    }
  }
  double r;
  memcpy(&r, &bits, sizeof r);
  return r;
}

// Retained copies (no file yet: unit tests): a Treiber stack (push by
// CAS, release; readers load with acquire). Copies are never freed, so
// there is no ABA.
std::atomic<traceBuf *> traceFull{nullptr};
std::atomic<int64_t> traceBytes{0};
std::atomic<int64_t> traceDropped{0};
std::atomic<int64_t> traceEvents{0}; // events formatted into the file
constexpr int64_t traceMaxBytes = int64_t(512) << 20;
traceBuf *sysmonBuf = nullptr; // sysmon's thread only
// Threads that are neither an M nor sysmon (unit tests): one shared buffer.
std::atomic<uint32_t> foreignLock{0};
traceBuf *foreignBuf = nullptr;

constexpr uint64_t tsMask = (uint64_t(1) << 48) - 1;
constexpr uint64_t gMask = (uint64_t(1) << 40) - 1;

// A buffer's busy flag (trace.h): the owner writing it out, or a reader.
void lockBusy(traceBuf *b) {
  for (int spins = 0;; spins++) {
    uint32_t z = 0;
    if (b->busy.compare_exchange_weak(z, 1, std::memory_order_acquire, std::memory_order_relaxed))
      return;
    if (spins > 100)
      osyield();
  }
}
// The final flush's variant: gives up after ~a second of yields (the
// holder may be this very thread, dying in the middle of a write-out).
bool lockBusyBounded(traceBuf *b) {
  for (int spins = 0; spins < 200000; spins++) {
    uint32_t z = 0;
    if (b->busy.compare_exchange_weak(z, 1, std::memory_order_acquire, std::memory_order_relaxed))
      return true;
    if (spins > 100)
      osyield();
  }
  return false;
}
void unlockBusy(traceBuf *b) { b->busy.store(0, std::memory_order_release); }

// An owner's buffer, once per owner (MAP_POPULATE: its pages in one
// system call, not a fault per page in the scheduler's hot paths; and
// never again: the buffer is reused).
traceBuf *newOwnerBuf(int32_t kind, int32_t id) {
  void *v = mmap(nullptr, sizeof(traceBuf), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (v == MAP_FAILED)
    return nullptr;
  auto *b = static_cast<traceBuf *>(v); // zeroed by mmap
  b->owner = b;
  b->w = b->words;
  b->ownerKind = kind;
  b->ownerID = id;
  return b;
}

void handOff(traceBuf *own, uint32_t n);

// Keeps a copy of the owner's n words on traceFull (no file: tests).
void retain(traceBuf *b, uint32_t n) {
  if (traceBytes.fetch_add(sizeof(traceBuf), std::memory_order_relaxed) + int64_t(sizeof(traceBuf)) >
      traceMaxBytes) {
    traceBytes.fetch_sub(sizeof(traceBuf), std::memory_order_relaxed);
    int64_t k = 0;
    for (uint32_t i = 0; i < n; k++) {
      k += (b->w[i] >> 48 & 63) == traceEvGoSwitch; // two events
      // traceDecode's length (on a P's buffer, present's bit 2 adds no word)
      i += 2 + uint32_t(__builtin_popcountll(b->w[i] >> 57 & (b->ownerKind == 0 ? 3 : 7)));
    }
    traceDropped.fetch_add(k, std::memory_order_relaxed);
    return;
  }
  void *v = mmap(nullptr, sizeof(traceBuf), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (v == MAP_FAILED)
    return;
  auto *c = static_cast<traceBuf *>(v);
  c->owner = b;
  c->ownerKind = b->ownerKind;
  c->ownerID = b->ownerID;
  c->seq = b->seq++;
  c->w = c->words;
  memcpy(c->w, b->w, n * sizeof(uint64_t));
  c->n.store(n, std::memory_order_relaxed);
  traceBuf *head = traceFull.load(std::memory_order_relaxed);
  do {
    c->link = head;
  } while (!traceFull.compare_exchange_weak(head, c, std::memory_order_release, std::memory_order_relaxed));
}

// The owner's buffer is full: hand a copy to the writer thread (or keep a
// copy, or, after the final flush, drop it) and start over. Owner only.
[[gnu::noinline]] void spill(traceBuf *b) {
  lockBusy(b);
  uint32_t n = b->n.load(std::memory_order_relaxed);
  if (flushed.load(std::memory_order_acquire) == 0) {
    if (traceFile.load(std::memory_order_acquire))
      handOff(b, n);
    else
      retain(b, n);
  }
  b->n.store(0, std::memory_order_relaxed); // the next words are ours alone again
  unlockBusy(b);
}

// Appends one event to *slot's buffer (the caller owns *slot): encodes it
// (traceBuf) and copies its words in. A full buffer is written out first
// (spill); a missing one is made (the pointer is stored with release so a
// reader's acquire load sees the buffer's header).
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
  // An unblock on a P's buffer: its wake-up number in w[1]'s M bits
  // (trace.h: traceBuf).
  bool packed = kind == 0 && e.kind == traceEvGoUnblock && e.b > 0 && e.b < (int64_t(1) << 24);
  if (packed) {
    present |= 4;
  } else if (e.b) {
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
  w[1] = (uint64_t(e.g) & gMask) | (packed ? uint64_t(e.b) : uint64_t(uint32_t(e.m + 1))) << 40;

  traceBuf *b = __atomic_load_n(slot, __ATOMIC_RELAXED);
  if (__builtin_expect(b == nullptr, 0)) {
    b = newOwnerBuf(kind, id);
    if (b == nullptr) {
      traceDropped.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    __atomic_store_n(slot, b, __ATOMIC_RELEASE);
  }
  uint32_t n = b->n.load(std::memory_order_relaxed);
  if (__builtin_expect(n + nw > traceBuf::cap, 0)) {
    spill(b);
    n = 0;
  }
  for (uint32_t i = 0; i < nw; i++)
    b->w[n + i] = w[i];
  b->n.store(n + nw, std::memory_order_release); // publishes the words; pairs with the readers' acquire
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

void traceEnableForTest(bool on) {
  if (on && traceStart == 0)
    traceClockStart();
  __atomic_store_n(&traceOn, on, __ATOMIC_RELEASE); // after traceStart (traceEnabled)
}

int64_t traceDroppedForTest() { return traceDropped.load(); }


int64_t traceNow() { return cputicks(); }

namespace {
// The P's pending stop (trace.h: traceBuf, the switch) as a GoStop at ts,
// on its buffer; the caller, the M holding pp, then writes its own event.
void writePending(p *pp, m *mp, int64_t ts) {
  traceBuf *b = pp->tracebuf;
  if (b->pendTs != 0)
    ts = traceStart + int64_t(b->pendTs); // stamped when it happened (GOMAXPROCS >= 2)
  traceEvent e{ts, b->pendG, b->pendA, 0, uint8_t(traceEvGoStop), b->pendReason, int16_t(pp->id),
               int32_t(mp->id)};
  b->pendG = 0;
  b->pendTs = 0;
  put(&pp->tracebuf, 0, pp->id, e);
}
} // namespace

void traceFlushPendingSlow(p *pp, int64_t ts) {
  g *gp = getg();
  m *mp = gp ? gp->mp : nullptr;
  if (mp == nullptr || !traceEnabled())
    return;
  writePending(pp, mp, ts ? ts : cputicks());
}

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
    if (pp->tracebuf != nullptr && pp->tracebuf->pendG != 0)
      writePending(pp, mp, e.ts); // first, at this event's time (the stream's order)
    put(&pp->tracebuf, 0, pp->id, e);
  } else {
    put(&mp->tracebuf, 1, int32_t(mp->id), e);
  }
}

void traceMEvent(traceEvKind kind, int64_t a, int64_t b) {
  if (!traceEnabled())
    return;
  traceEvent e{cputicks(), 0, a, b, uint8_t(kind), 0, -1, -1};
  if (kind == traceEvSTWStart && b != 0 && traceBinary)
    noteString(reinterpret_cast<const char *>(b));
  g *gp = getg();
  m *mp = gp ? gp->mp : nullptr;
  if (mp == nullptr) {
    foreignPut(e);
    return;
  }
  e.m = int32_t(mp->id);
  if (p *pp = mp->pp) {
    e.p = int16_t(pp->id);
    if (pp->tracebuf != nullptr && pp->tracebuf->pendG != 0)
      writePending(pp, mp, e.ts); // the P's stop before the M's event, at its time
  }
  put(&mp->tracebuf, 1, int32_t(mp->id), e);
}

void traceSysmonEvent(traceEvKind kind, int64_t goid, int64_t a, int64_t ts) {
  if (!traceEnabled())
    return;
  traceEvent e{ts ? ts : cputicks(), goid, a, 0, uint8_t(kind), 0, int16_t(a), -1};
  put(&sysmonBuf, 2, 0, e);
}

uint32_t traceDecode(const traceBuf *b, uint32_t i, traceEvent *e, uint32_t *count) {
  const uint64_t *w = &b->w[i];
  uint64_t present = (w[0] >> 57) & 7;
  e->ts = traceStart + int64_t(w[0] & tsMask);
  e->kind = uint8_t(w[0] >> 48 & 63);
  e->reason = uint8_t(w[0] >> 54 & 7);
  e->g = int64_t(w[1] << 24) >> 24; // 40 bits, sign-extended: system goroutines' goids are negative
  e->m = int32_t(uint32_t(w[1] >> 40)) - 1;
  uint32_t k = 2;
  e->a = (present & 1) ? int64_t(w[k++]) : int64_t(w[0] >> 60);
  e->b = (present & 2) ? int64_t(w[k++]) : 0;
  e->p = b->ownerKind == 0 ? int16_t(b->ownerID) : (present & 4) ? int16_t(w[k++]) : int16_t(-1);
  if (b->ownerKind == 0 && (present & 4)) { // a packed unblock (trace.h: traceBuf)
    e->b = int64_t(w[1] >> 40);
    e->m = -1;
  }
  *count = 1;
  if (e->kind == traceEvGoSwitch) {
    // The stop, then the start (trace.h: traceBuf), at one timestamp.
    uint64_t started = uint64_t(e->b);
    e->kind = traceEvGoStop;
    e->b = 0;
    e[1] = e[0];
    e[1].kind = traceEvGoStart;
    e[1].reason = 0;
    e[1].g = int64_t(started << 24) >> 24;
    e[1].a = 0;
    e[1].b = int64_t(started >> 40);
    *count = 2;
  }
  return k;
}

// ---------------------------------------------------------------------------
// Owners and retained copies

namespace {

// Calls fn(buffer) for every owner's buffer: every P ever made (Ps beyond
// gomaxprocs after a shrink are _Pdead, not freed, and keep theirs), every
// M, sysmon and the foreign buffer.
template <class F> void forEachOwner(F &&fn) {
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

// Owner (kind, id) in the high bits, the copy's number below: sorting by
// it puts each owner's copies together, in write order, and its current
// buffer (seq = the number of copies made) after them.
uint64_t chunkKey(const traceBuf *b) {
  return (uint64_t(b->ownerKind) << 60) | (uint64_t(uint32_t(b->ownerID) & 0xffff) << 44) |
         (uint64_t(b->seq & 0x3fffffff) << 14);
}

} // namespace

void *bigalloc(size_t size) {
  void *v = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return v == MAP_FAILED ? nullptr : v;
}

namespace {

// Takes the retained copies off traceFull, sorted by chunkKey. Returns the
// count; *out is bigalloc'd (*bytes: its size, for munmap), or null.
int64_t takeRetained(traceBuf ***out, size_t *bytes) {
  traceBuf *list = traceFull.exchange(nullptr, std::memory_order_acquire);
  int64_t k = 0;
  for (traceBuf *c = list; c; c = c->link)
    k++;
  *out = nullptr;
  *bytes = 0;
  if (k == 0)
    return 0;
  *bytes = size_t(k) * sizeof(traceBuf *);
  auto **cs = static_cast<traceBuf **>(bigalloc(*bytes));
  if (cs == nullptr)
    return 0;
  k = 0;
  for (traceBuf *c = list; c; c = c->link)
    cs[k++] = c;
  std::sort(cs, cs + k, [](traceBuf *x, traceBuf *y) { return chunkKey(x) < chunkKey(y); });
  *out = cs;
  return k;
}

} // namespace

// For tests: the retained copies and every owner's buffer (read under its
// busy flag), each owner's in write order. Without a file nothing is
// written out, so this is every event since tracing began.
int64_t traceSnapshotForTest(traceEvent *out, int64_t max) {
  int64_t nc = 0;
  for (traceBuf *c = traceFull.load(std::memory_order_acquire); c; c = c->link)
    nc++;
  forEachOwner([&](traceBuf *) { nc++; });
  size_t bytes = size_t(nc + 1) * sizeof(traceBuf *);
  auto **cs = static_cast<traceBuf **>(bigalloc(bytes));
  if (cs == nullptr)
    return 0;
  int64_t k = 0;
  for (traceBuf *c = traceFull.load(std::memory_order_acquire); c && k < nc; c = c->link)
    cs[k++] = c;
  forEachOwner([&](traceBuf *b) {
    if (k < nc)
      cs[k++] = b;
  });
  // An owner's copies carry seq 0..seq-1 and the owner itself seq (read
  // under its busy flag below, but only copies of an owner change it, and
  // a copy made meanwhile is simply not in this snapshot).
  std::sort(cs, cs + k, [](traceBuf *x, traceBuf *y) { return chunkKey(x) < chunkKey(y); });
  int64_t total = 0;
  for (int64_t c = 0; c < k; c++) {
    bool own = cs[c]->owner == cs[c];
    if (own)
      lockBusy(cs[c]);
    uint32_t n = cs[c]->n.load(std::memory_order_acquire);
    traceEvent e[2];
    for (uint32_t i = 0; i < n;) {
      uint32_t ne;
      i += traceDecode(cs[c], i, e, &ne);
      for (uint32_t j = 0; j < ne; j++, total++)
        if (total < max)
          out[total] = e[j];
    }
    if (own)
      unlockBusy(cs[c]);
  }
  munmap(cs, bytes);
  return total;
}

// ---------------------------------------------------------------------------
// JSON
//
// Each record is formatted straight into an output area: room for the
// longest record is checked once per record, integers are written by
// std::to_chars, names are copied with known lengths; a full area is
// written with one write(2) under traceWriteLock (so that the records of
// two owners never interleave in the file). Every record begins with
// ",\n": the header's first record is written by traceInit.

namespace {

std::atomic<uint32_t> traceWriteLock{0};

// traceWriteLock is a spin lock (acquire on taking, release on leaving)
// held only around one write(2)/writev(2) of a whole area or block.
void lockTraceWrite() {
  for (int spins = 0;; spins++) {
    uint32_t z = 0;
    if (traceWriteLock.compare_exchange_weak(z, 1, std::memory_order_acquire, std::memory_order_relaxed))
      return;
    if (spins > 100)
      osyield();
  }
}
void unlockTraceWrite() { traceWriteLock.store(0, std::memory_order_release); }

void writeAll(const char *buf, size_t n) {
  lockTraceWrite();
  size_t off = 0;
  while (off < n) {
    ssize_t k = write(traceFd, buf + off, n - off);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      break;
    off += size_t(k);
  }
  unlockTraceWrite();
}

// The binary stream (trace.h: "Binary files"): a block is a 16-byte
// header and its payload, written with one writev(2) under
// traceWriteLock. Events blocks ('E') carry an owner's words as the owner
// wrote them (traceDecode's layout, timestamps in ticks since the start);
// the trailer ('T') is JSON text.
struct blockHeader {
  uint32_t tag;   // 'E' events, 'T' trailer
  int32_t kind;   // the owner's kind (traceBuf.ownerKind); 0 for 'T'
  int32_t id;     // the owner's id
  uint32_t len;   // 'E': words; 'T': bytes
};
static_assert(sizeof(blockHeader) == 16);
std::atomic<int64_t> binWords{0}; // words written in events blocks

// Writes iov[0..n) whole (a short write resumes where it stopped: rare, a
// full disk or a signal; an error gives up). Under traceWriteLock.
void writevAll(struct iovec *iov, int n) {
  lockTraceWrite();
  while (n > 0) {
    ssize_t k = writev(traceFd, iov, n < IOV_MAX ? n : IOV_MAX);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      break;
    size_t left = size_t(k);
    for (; n > 0 && left >= iov->iov_len; n--, iov++)
      left -= iov->iov_len; // vectors written whole
    if (n > 0 && left > 0) {
      iov->iov_base = static_cast<char *>(iov->iov_base) + left; // and part of this one
      iov->iov_len -= left;
    }
  }
  unlockTraceWrite();
}
void writeBlock(uint32_t tag, int32_t kind, int32_t id, const void *payload, uint32_t len, size_t bytes) {
  blockHeader h{tag, kind, id, len};
  struct iovec iov[2] = {{&h, sizeof h}, {const_cast<void *>(payload), bytes}};
  writevAll(iov, 2);
}
void writeEvents(const traceBuf *own, const traceBuf *chunk, uint32_t n) {
  if (n == 0)
    return;
  binWords.fetch_add(n, std::memory_order_relaxed);
  writeBlock('E', own->ownerKind, own->ownerID, chunk->w, n, size_t(n) * sizeof(uint64_t));
}

struct jsonOut {
  static constexpr size_t maxRecord = 512; // longer than any one record
  char *buf;
  size_t cap;
  size_t n = 0;
  jsonOut(char *b, size_t c) : buf(b), cap(c) {}
  void flush() {
    if (n)
      writeAll(buf, n);
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
inline void u64(char *&w, uint64_t v) { w = std::to_chars(w, w + 20, v).ptr; }
inline void i64(char *&w, int64_t v) { w = std::to_chars(w, w + 21, v).ptr; }
inline void hex(char *&w, uint64_t v) {
  lit(w, "\"0x");
  w = std::to_chars(w, w + 16, v, 16).ptr;
  *w++ = '"';
}
struct name {
  const char *s;
  size_t l;
};
#define NAME(x) name{x, sizeof(x) - 1}

// How each kind is written (the one table the writer follows): its name
// and, for an instant, the args after kind/p/m, in this order.
enum : uint8_t {
  fG = 1,     // "g": the event's goid
  fBy = 2,    // "by": a (creator, waker)
  fPC = 4,    // "pc": b in hex (a go statement)
  fSize = 8,  // "size": a
  fSegs = 16, // "segments": b
  fA = 32,    // "a", "b": the raw fields of a runtime event
};
struct kindInfo {
  name nm;
  uint8_t fields;
};
const kindInfo kinds[traceEvCount + 1] = {
    {NAME("Unknown"), fA},
    {NAME("GoCreate"), fG | fBy | fPC},
    {NAME("GoStart"), fG},
    {NAME("GoStop"), fG},
    {NAME("GoUnblock"), fG | fBy},
    {NAME("StackGrow"), fG | fSize | fSegs},
    {NAME("PreemptRequest"), fG},
    {NAME("ProcResize"), fA},
    {NAME("STWStart"), 0},
    {NAME("STWDone"), 0},
    {NAME("MSpin"), 0},
    {NAME("MSpinDone"), 0},
    {NAME("MPark"), 0},
    {NAME("MUnpark"), 0},
    {NAME("GCStart"), fA},
    {NAME("GCMarkDone"), fA},
    {NAME("GCDone"), fA},
    {NAME("SyscallEnter"), fA},
    {NAME("SyscallExit"), fA},
    {NAME("SyscallRetake"), fA},
    {NAME("GoSwitch"), fA}, // never formatted: traceDecode expands it
    {NAME("Unknown"), fA},
};
static_assert(traceEvGoSwitch + 1 == traceEvCount, "a kind without a row in kinds[]");
#undef NAME
const kindInfo &kindOf(uint8_t k) { return kinds[k < traceEvCount ? k : traceEvCount]; }

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

// One record's start: ,\n{"ph":ph,"pid":pid,"tid":tid,"ts":ts,"name":"
// (the caller writes the name and what follows). The part up to "ts" is
// the same for every record on one track but for ph: it is kept, built
// for the last track written (a stream's records are nearly all on its
// own track), and copied in one fixed-size move.
struct headCache {
  static constexpr size_t phAt = 9; // index of ph's character in pre
  char pre[48];
  size_t len = 0;
  int pid = -1;
  int64_t tid = -1;
  // The last timestamp's whole microseconds, written out: consecutive
  // records are often within the same microsecond (a flow's end shares its
  // slice's ts exactly).
  int64_t us = -1;
  char usd[24];
  size_t usl = 0;
};
__attribute__((tls_model("initial-exec"))) thread_local headCache hc; // each formatter thread's own
inline void head(char *&w, char ph, int pid, int64_t tid, int64_t ns) {
  headCache &c = hc;
  if (__builtin_expect(pid != c.pid || tid != c.tid, 0)) {
    char *q = c.pre;
    lit(q, ",\n{\"ph\":\"");
    *q++ = ph;
    lit(q, "\",\"pid\":");
    *q++ = char('0' + pid);
    lit(q, ",\"tid\":");
    i64(q, tid); // at most 20 characters: pre holds them
    lit(q, ",\"ts\":");
    c.len = size_t(q - c.pre);
    c.pid = pid;
    c.tid = tid;
  }
  memcpy(w, c.pre, sizeof c.pre); // room() left maxRecord; only len of it counts
  w[headCache::phAt] = ph;
  w += c.len;
  int64_t us = ns / 1000;
  if (__builtin_expect(us != c.us, 0)) {
    c.us = us;
    c.usl = size_t(std::to_chars(c.usd, c.usd + 20, uint64_t(us)).ptr - c.usd);
  }
  memcpy(w, c.usd, 16); // then only usl of them count (16 digits: 3 years)
  if (c.usl > 16)
    memcpy(w + 16, c.usd + 16, c.usl - 16);
  w += c.usl;
  unsigned f = unsigned(ns - us * 1000);
  w[0] = '.';
  w[1] = char('0' + f / 100);
  w[2] = char('0' + f / 10 % 10);
  w[3] = char('0' + f % 10);
  w += 4;
  lit(w, ",\"name\":\"");
}
inline void gname(char *&w, int64_t goid) {
  *w++ = 'G';
  i64(w, goid); // system goroutines' goids are negative
  *w++ = '"';
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
// The args an instant may carry (kindInfo.fields), in the order written:
// the key, and which of the event's values it shows.
enum fieldSrc : uint8_t { srcG, srcA, srcB, srcBHex };
struct fieldInfo {
  uint8_t bit;
  name key; // ,"key":
  fieldSrc src;
};
#define KEY(x) name{",\"" x "\":", sizeof(",\"" x "\":") - 1}
const fieldInfo fieldTable[] = {
    {fG, KEY("g"), srcG},          {fBy, KEY("by"), srcA},        {fPC, KEY("pc"), srcBHex},
    {fSize, KEY("size"), srcA},    {fSegs, KEY("segments"), srcB}, {fA, KEY("a"), srcA},
    {fA, KEY("b"), srcB},
};
#undef KEY
// The fields of an instant, then the closing braces. first: the first
// field opens args (no comma before it).
inline void fields(char *&w, uint8_t f, const traceEvent &e, bool first = false) {
  for (const fieldInfo &fi : fieldTable) {
    if (!(f & fi.bit))
      continue;
    str(w, fi.key.s + first, fi.key.l - first);
    first = false;
    switch (fi.src) {
    case srcG: i64(w, e.g); break;
    case srcA: i64(w, e.a); break;
    case srcB: i64(w, e.b); break;
    case srcBHex: hex(w, uint64_t(e.b)); break;
    }
  }
  lit(w, "}}");
}
// An instant. On a P's track (pid 1) its args are only its fields: the
// kind is its name and p its tid (glc-trace.py derives them); elsewhere
// (rare records) they begin with kind, p and m.
inline void instant(char *&w, int pid, int64_t tid, int64_t ns, const kindInfo &k, int32_t p, int32_t m,
                    const traceEvent &e) {
  head(w, 'i', pid, tid, ns);
  str(w, k.nm.s, k.nm.l);
  lit(w, "\",\"s\":\"t\"");
  if (pid == 1 && k.fields != 0) {
    lit(w, ",\"args\":{");
    fields(w, k.fields, e, true);
  } else {
    args0(w, k.nm, p, m);
    fields(w, k.fields, e);
  }
}
// A duration in ns as microseconds with three decimals.
inline void usdec(char *&w, int64_t ns) {
  if (ns < 0)
    ns = 0;
  u64(w, uint64_t(ns / 1000));
  unsigned f = unsigned(ns % 1000);
  w[0] = '.';
  w[1] = char('0' + f / 100);
  w[2] = char('0' + f / 10 % 10);
  w[3] = char('0' + f % 10);
  w += 4;
}
// The run of own->running on the P (own is a P's stream) from its start
// to endNs, as one complete event (ph X: one record where B and E took
// two), written when the run ends:
//   {"ph":"X","pid":1,"tid":P,"ts":start,"name":"G<goid>","dur":D,
//    "args":{"m":M,"reason":R}}
// Closes the run (running = 0).
inline void runSlice(char *&w, traceBuf *own, int64_t endNs, const char *reason) {
  head(w, 'X', 1, own->ownerID, own->runStart);
  gname(w, own->running);
  lit(w, ",\"dur\":");
  usdec(w, endNs - own->runStart);
  lit(w, ",\"args\":{\"m\":");
  i64(w, own->runM);
  lit(w, ",\"reason\":\"");
  str(w, reason);
  lit(w, "\"}}");
  own->running = 0;
}
// A wake-up's flow id (trace.h): the woken goid and ready()'s number.
inline int64_t flowID(int64_t goid, int64_t seq) { return int64_t(uint64_t(goid) << 20 | (uint64_t(seq) & 0xfffff)); }

// The M's open slices (traceBuf.open).
constexpr uint64_t openSpin = 1, openPark = 2, openSTW = 4;

// Formats chunk's first n words (events of own's stream, in write order)
// into o, with own's formatting state. The caller holds own's busy flag.
void format(traceBuf *own, const traceBuf *chunk, uint32_t n, jsonOut &o) {
  double k = nsPerTick();
  int64_t count = 0;
  traceEvent ev[2];
  uint32_t ne = 0, j = 0;
  for (uint32_t i = 0; i < n || j < ne; count++) {
    if (j == ne) { // the next recorded event (a switch is two)
      i += traceDecode(chunk, i, ev, &ne);
      j = 0;
    }
    const traceEvent &e = ev[j++];
    int64_t ns = int64_t(double(e.ts - traceStart) * k);
    if (ns < own->lastNs)
      ns = own->lastNs; // keep the stream non-decreasing (unserialised rdtsc)
    own->lastNs = ns;
    int pid = e.p >= 0 ? 1 : 3;
    int64_t tid = e.p >= 0 ? e.p : 0;
    const kindInfo &ki = kindOf(e.kind);
    char *w = o.room();
    switch (e.kind) {
    case traceEvGoStart:
      if (pid == 1 && own->ownerKind == 0) {
        // A run still open here lost its P without a stop on this stream
        // (a system call whose P sysmon retook: its GoStop comes later,
        // from the M that returns without a P): it ends where the P's next
        // run begins.
        if (own->running)
          runSlice(w, own, ns, "P retaken");
        if (e.b) { // the end of a wake-up's flow (ready's number in b),
          // 1 ns into the slice, which the viewers write when it ends: at
          // the slice's own ts an importer that reads in ts order, keeping
          // file order for ties, would meet the flow first
          head(w, 'f', pid, tid, ns + 1);
          lit(w, "wake\",\"cat\":\"flow\",\"bp\":\"e\",\"id\":");
          i64(w, flowID(e.g, e.b));
          *w++ = '}';
        }
        own->running = e.g;
        own->runStart = ns;
        own->runM = e.m;
      } else { // not on a P (cannot happen today): an instant
        instant(w, pid, tid, ns, ki, e.p, e.m, e);
      }
      break;
    case traceEvGoStop:
      if (pid == 1 && own->ownerKind == 0 && own->running == e.g) {
        runSlice(w, own, ns, stopName(e.reason, e.a));
      } else { // a stop without its start on this stream (back from a system call without a P)
        head(w, 'i', pid, tid, ns);
        lit(w, "GoStop\",\"s\":\"t\"");
        args0(w, ki.nm, e.p, e.m);
        lit(w, ",\"g\":");
        i64(w, e.g);
        lit(w, ",\"reason\":\"");
        str(w, stopName(e.reason, e.a));
        lit(w, "\"}}");
      }
      break;
    case traceEvGoUnblock:
      if (e.b && e.a && pid == 1) {
        // Woken by a goroutine: one record, the flow's start, which binds
        // to the waker's slice, with the unblock's args.
        head(w, 's', pid, tid, ns);
        lit(w, "wake\",\"cat\":\"flow\",\"id\":");
        i64(w, flowID(e.g, e.b));
        lit(w, ",\"args\":{\"g\":");
        i64(w, e.g);
        lit(w, ",\"by\":");
        i64(w, e.a);
        lit(w, "}}");
        break;
      }
      // Woken by the runtime (no waker's slice for a flow to start from)
      // or off a P: an instant, and the flow's start without args.
      instant(w, pid, tid, ns, ki, e.p, e.m, e);
      if (e.b) {
        head(w, 's', pid, tid, ns);
        lit(w, "wake\",\"cat\":\"flow\",\"id\":");
        i64(w, flowID(e.g, e.b));
        *w++ = '}';
      }
      break;
    case traceEvGoCreate:
    case traceEvStackGrow:
      instant(w, pid, tid, ns, ki, e.p, e.m, e);
      break;
    case traceEvPreemptReq: // on the target P's track
      instant(w, e.a >= 0 ? 1 : 3, e.a >= 0 ? e.a : 1, ns, ki, int32_t(e.a), -1, e);
      break;
    case traceEvSTWStart:
    case traceEvSTWDone: {
      bool start = e.kind == traceEvSTWStart;
      if (start == bool(own->open & openSTW))
        break; // unbalanced (tracing began or ended in the middle): skip
      own->open ^= openSTW;
      head(w, start ? 'B' : 'E', 3, 0, ns);
      lit(w, "STW\"");
      args0(w, ki.nm, e.p, e.m);
      if (start && e.b) {
        lit(w, ",\"reason\":\"");
        str(w, reinterpret_cast<const char *>(e.b));
        lit(w, "\"");
      }
      lit(w, "}}");
      break;
    }
    case traceEvMSpin:
    case traceEvMSpinDone:
    case traceEvMPark:
    case traceEvMUnpark: {
      if (e.m < 0)
        break;
      uint64_t bit = (e.kind == traceEvMSpin || e.kind == traceEvMSpinDone) ? openSpin : openPark;
      bool open = e.kind == traceEvMSpin || e.kind == traceEvMPark;
      if (bool(own->open & bit) == open)
        break; // already in that state: keep B/E balanced
      // Parking ends spinning (a track's slices must nest).
      if (open && bit == openPark && (own->open & openSpin)) {
        head(w, 'E', 2, e.m, ns);
        lit(w, "spinning\"}");
        own->open &= ~openSpin;
      }
      if (open && bit == openSpin && (own->open & openPark))
        break; // spinning while parked cannot happen; ignore
      own->open ^= bit;
      head(w, open ? 'B' : 'E', 2, e.m, ns);
      if (bit == openSpin)
        lit(w, "spinning\"");
      else
        lit(w, "parked\"");
      args0(w, ki.nm, e.p, e.m);
      lit(w, "}}");
      break;
    }
    default: // ProcResize, the GC phases, system calls: instants on the runtime track
      instant(w, 3, 0, ns, ki, e.p, e.m, e);
      break;
    }
    o.done(w);
  }
  traceEvents.fetch_add(count, std::memory_order_relaxed);
}

// ---------------------------------------------------------------------------
// The writer thread and the chunk pool (trace.h: "Streaming")

// The formatter's output area: the writer thread's while it runs, the
// final flush's after it has stopped, traceInit's before it starts (one
// formatter at a time: the hand-over is the thread's start and
// writerDone). 1 MiB: the writer writes a batch of chunks with few
// write(2) calls.
constexpr size_t outBytes = 1 << 20;
char *outArea = nullptr;

// The pool: at most poolMax chunks of 64 KiB (made on demand by owners
// whose hand-off finds the free list empty, MAP_POPULATE'd: fresh memory
// costs ~2.5 ns a byte on the KVM guest, so the pool stays small and
// warm), pool[i] written once, before chunk i is first handed over.
constexpr uint32_t poolMax = 16;
traceBuf *pool[poolMax];
std::atomic<uint32_t> poolMade{0};
std::atomic<uint32_t> poolCap{poolMax}; // lowered by a test (traceSetPoolCapForTest)

// The free list: a Treiber stack of pool indexes. Pushed by the writer
// (one thread), popped by any owner (many), so a pop's CAS could succeed
// on a head that was popped and pushed back meanwhile (ABA): the word
// carries a tag, bumped by every pop, beside index + 1 (0: empty).
// Push with release (the chunk's fields written by the writer happen
// before the next owner's use; seq_cst, for the waiters' protocol below),
// pop with acquire.
std::atomic<uint64_t> traceFree{0};

// The writer's queue: a Treiber stack of full chunks, pushed by owners
// (CAS, seq_cst: see writerSleeping) and taken whole by the writer
// (exchange with acquire: it sees the chunks' words); the writer reverses
// it, so it formats chunks in the order they were pushed, and one owner's
// chunks (pushed one after another, by one thread at a time) in order.
std::atomic<traceBuf *> traceQueue{nullptr};

// Waking the writer: it sleeps on writerSeq's futex only after setting
// writerSleeping and seeing fewer than wakeBatch chunks queued; an owner
// that pushed counts its chunk in `queued` and, if that makes wakeBatch or
// more and writerSleeping is set, bumps writerSeq and wakes it. All
// seq_cst: the writer's store of writerSleeping and load of queued, the
// owner's increment and load of writerSleeping, cannot both miss each
// other. The writer reads writerSeq before it looks, so a bump after that
// makes its futex wait return at once. The writer subtracts what it takes
// (queued may dip below 0 when it takes a chunk before its owner counted
// it). Batching: a wake-up is a futex system call for the owner (an IPI on
// the KVM guest) and a context switch for the writer; woken at every
// hand-off (~every 200 us in chan_pingpong) they cost the owner's thread
// more than the copy. Chunks left below the batch are written when the
// next hand-off reaches it, when an owner waits for a free chunk (it wakes
// the writer first), or at the flush.
std::atomic<uint32_t> writerSleeping{0};
std::atomic<int32_t> queued{0};
constexpr int32_t wakeBatchMax = 4;
std::atomic<uint32_t> writerSeq{0};
// Set by the final flush (seq_cst, then a bump of writerSeq): drain the
// queue and stop. writerDone: the writer has stopped (release; the
// flusher's acquire makes the owners' formatting state its own).
std::atomic<uint32_t> writerStop{0};
std::atomic<uint32_t> writerDone{0};
// The writer thread's own CPU time (ns) when it stopped, for the bench
// (benchKeys: glrtWriterCpuUs); written before writerDone's release.
int64_t writerCPUNs = 0;
// The writer thread exists (set before it starts; without it owners
// format in place, under inlineLock, as a fallback).
bool writerRunning = false;
std::atomic<uint32_t> inlineLock{0};
// Owners that found the pool empty and waited (for the bench's notes).
std::atomic<int64_t> handOffWaits{0};
// Waiting for a free chunk: an owner counts itself in chunkWaiters, reads
// freeSeq, tries the free list, and sleeps on freeSeq's futex; the writer
// bumps freeSeq after each chunk it frees and wakes the sleepers if
// chunkWaiters is set. All seq_cst: an owner that misses the chunk sleeps
// on a freeSeq value the writer changes after the push, and a writer that
// sees no waiter was ahead of the owner's count, so the owner's read of
// freeSeq and its pop come after the push.
std::atomic<uint32_t> chunkWaiters{0};
std::atomic<uint32_t> freeSeq{0};

traceBuf *popFree() {
  uint64_t h = traceFree.load(std::memory_order_acquire);
  while (uint32_t(h) != 0) {
    traceBuf *c = pool[uint32_t(h) - 1];
    // Relaxed: a stale head's nextFree may be rewritten by the writer's
    // push meanwhile, and then the tag has changed and the CAS fails.
    uint64_t nh = ((h >> 32) + 1) << 32 | c->nextFree.load(std::memory_order_relaxed);
    if (traceFree.compare_exchange_weak(h, nh, std::memory_order_acquire, std::memory_order_acquire))
      return c;
  }
  return nullptr;
}

void pushFree(traceBuf *c) {
  uint64_t h = traceFree.load(std::memory_order_relaxed);
  do
    c->nextFree.store(uint32_t(h), std::memory_order_relaxed);
  while (!traceFree.compare_exchange_weak(h, (h & ~uint64_t(0xffffffff)) | c->poolIndex, std::memory_order_seq_cst,
                                          std::memory_order_relaxed));
}

traceBuf *newChunk() {
  uint32_t i = poolMade.load(std::memory_order_relaxed);
  do
    if (i >= poolCap.load(std::memory_order_relaxed))
      return nullptr;
  while (!poolMade.compare_exchange_weak(i, i + 1, std::memory_order_relaxed));
  void *v = mmap(nullptr, sizeof(traceBuf), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                 -1, 0);
  if (v == MAP_FAILED)
    return nullptr; // the slot stays empty: one chunk fewer
  auto *c = static_cast<traceBuf *>(v);
  c->poolIndex = i + 1;
  c->w = c->words;
  pool[i] = c; // read by a pop only after the chunk's first push (release)
  return c;
}

// The pool at its cap holds wakeBatch chunks queued with more free (an
// owner waiting for a chunk also wakes the writer).
int32_t wakeBatch() {
  int32_t cap = int32_t(poolCap.load(std::memory_order_relaxed)) / 4;
  return cap < 1 ? 1 : cap > wakeBatchMax ? wakeBatchMax : cap;
}

void wakeWriter() {
  writerSeq.fetch_add(1, std::memory_order_seq_cst);
  futexwakeup(&writerSeq, 1);
}

void formatInline(traceBuf *own, const traceBuf *chunk, uint32_t n);

// The owner's full buffer (its first n words) goes to the writer: its
// words are swapped with a free chunk's (trace.h: Streaming), the chunk
// pushed on the queue, and the writer woken if it sleeps and enough are
// queued. The swap replaced a 64 KiB memcpy into the chunk: chan_pingpong
// at GOMAXPROCS=1 (96 MB of trace) spent ~2% of its samples in it. With no free chunk and the
// pool at its cap the owner waits for the writer (back-pressure: the
// trace costs the program time rather than memory). Under own's busy flag.
void handOff(traceBuf *own, uint32_t n) {
  if (!writerRunning) {
    formatInline(own, own, n);
    return;
  }
  traceBuf *c = popFree();
  if (c == nullptr)
    c = newChunk();
  if (c == nullptr) {
    handOffWaits.fetch_add(1, std::memory_order_relaxed);
    chunkWaiters.fetch_add(1, std::memory_order_seq_cst);
    wakeWriter(); // the chunks queued may be fewer than a wake-up's batch
    for (;;) {
      uint32_t seq = freeSeq.load(std::memory_order_seq_cst);
      if ((c = popFree()) != nullptr)
        break;
      futexsleep(&freeSeq, seq, 1000 * 1000); // 1 ms: a safety net, not the wake-up
    }
    chunkWaiters.fetch_sub(1, std::memory_order_relaxed);
  }
  c->owner = own;
  c->ownerKind = own->ownerKind;
  c->ownerID = own->ownerID;
  // The full words go with the chunk; the owner goes on in the chunk's.
  uint64_t *full = own->w;
  own->w = c->w;
  c->w = full;
  c->n.store(n, std::memory_order_relaxed);
  traceBuf *head = traceQueue.load(std::memory_order_relaxed);
  do
    c->link = head;
  while (!traceQueue.compare_exchange_weak(head, c, std::memory_order_seq_cst, std::memory_order_relaxed));
  if (queued.fetch_add(1, std::memory_order_seq_cst) + 1 >= wakeBatch() &&
      writerSleeping.load(std::memory_order_seq_cst))
    wakeWriter();
}

// The writer's nice value: the program's threads first. On 2 CPUs at
// GOMAXPROCS=2 the writer is a third runnable thread; at nice 0 the kernel
// time-slices it with the Ms and a preempted M stalls the other's
// goroutines. Medians of 11 alternating runs at load ~7, binary trace,
// GOMAXPROCS=2, user+sys on/off: goroutines_spawn 1.66 (nice 0), 1.19
// (10), 1.05 (19); chan_pingpong 1.96, 1.63, 1.51; wall 1.65/1.20/1.24 and
// 2.20/2.13/2.14. At GOMAXPROCS=1, no worse (11 runs). Not 19: under
// other programs' load a writer that gets ~1.5% of a CPU makes the
// program wait for free chunks (back-pressure). A thread's nice value is
// its own on Linux (setpriority on a tid); raising it needs no privilege.
constexpr int writerNice = 10;

// How many chunks of a binary file the writer writes with one writev(2)
// and frees together (trace.h: Streaming; a JSON file's chunks are freed
// one by one, each as soon as it is formatted). One chunk at a time, the writer
// thread spent 47 ms of CPU on chan_pingpong's 80 MB at GOMAXPROCS=1 (65
// at 2; goroutines_spawn 29), and when it fell behind (other programs'
// load on the 2 CPUs, at nice 10) the owner waited on ~860 of its ~1200
// hand-offs: woken for one chunk, it soon waited again. In groups of 8:
// 30 ms (42; 17) and ~40 waits (trace7: medians of 11 interleaved runs at
// load ~2). 8, not the pool's 16: an owner that finds no free chunk waits
// for the group's writev.
constexpr uint32_t writeGroup = 8;

void *writerMain(void *) {
  setpriority(PRIO_PROCESS, id_t(gettid()), writerNice);
  jsonOut o(outArea, outBytes);
  for (;;) {
    // Stop is read before the queue: every hand-off happens before the
    // flush sets it (trace.h: the flush holds each owner's busy flag
    // first), so once it is seen, this exchange sees them all.
    bool stopping = writerStop.load(std::memory_order_seq_cst);
    traceBuf *list = traceQueue.exchange(nullptr, std::memory_order_acquire);
    if (list == nullptr) {
      o.flush(); // the batch's last bytes (before sleeping: nothing waits in the area)
      if (stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        writerCPUNs = int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
        writerDone.store(1, std::memory_order_release);
        futexwakeup(&writerDone, 1);
        return nullptr;
      }
      uint32_t seq = writerSeq.load(std::memory_order_seq_cst);
      writerSleeping.store(1, std::memory_order_seq_cst);
      if (queued.load(std::memory_order_seq_cst) < wakeBatch() && !writerStop.load(std::memory_order_seq_cst))
        futexsleep(&writerSeq, seq, -1);
      writerSleeping.store(0, std::memory_order_relaxed);
      continue;
    }
    traceBuf *fifo = nullptr; // the batch, oldest first
    int32_t taken = 0;
    while (list) {
      traceBuf *next = list->link;
      list->link = fifo;
      fifo = list;
      list = next;
      taken++;
    }
    queued.fetch_sub(taken, std::memory_order_seq_cst);
    while (fifo) {
      // The binary file's chunks: a group of up to writeGroup, written by
      // one writev (a header and the words of each). The JSON's: one,
      // formatted into the output area (free again once formatted). Then
      // they go back to the free list, with one bump of freeSeq and at
      // most one wake-up for the owners waiting.
      traceBuf *group[writeGroup];
      blockHeader hs[writeGroup];
      struct iovec iov[2 * writeGroup];
      uint32_t k = 0;
      for (; fifo != nullptr && k < (traceBinary ? writeGroup : 1); k++) {
        traceBuf *c = fifo;
        fifo = c->link;
        group[k] = c;
        uint32_t n = c->n.load(std::memory_order_relaxed);
        if (!traceBinary) {
          format(c->owner, c, n, o);
          continue;
        }
        binWords.fetch_add(n, std::memory_order_relaxed);
        hs[k] = blockHeader{'E', c->owner->ownerKind, c->owner->ownerID, n}; // as is: no formatting
        iov[2 * k] = {&hs[k], sizeof hs[k]};
        iov[2 * k + 1] = {c->w, size_t(n) * sizeof(uint64_t)};
      }
      if (traceBinary)
        writevAll(iov, int(2 * k));
      for (uint32_t i = 0; i < k; i++)
        pushFree(group[i]);
      freeSeq.fetch_add(1, std::memory_order_seq_cst);
      if (chunkWaiters.load(std::memory_order_seq_cst))
        futexwakeup(&freeSeq, 1 << 30);
    }
  }
}

// Starts the writer thread (traceInit, before traceFile is set). Every
// signal blocked in it: it is not an M, and the runtime's handlers
// (preemption, profiling, panics) are for Ms.
void startWriter() {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 << 10);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t t;
  writerRunning = true;
  if (pthread_create(&t, &attr, writerMain, nullptr) != 0)
    writerRunning = false; // owners format in place
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  pthread_attr_destroy(&attr);
}

// The final flush: the writer drains the queue and stops. Waits for it
// (it takes no runtime lock, so this is safe under sched.lock).
void stopWriter() {
  if (!writerRunning)
    return;
  writerStop.store(1, std::memory_order_seq_cst);
  wakeWriter();
  while (writerDone.load(std::memory_order_acquire) == 0)
    futexsleep(&writerDone, 0, 10 * 1000 * 1000);
}

// Without a writer thread (it could not be made; or the flush, once it has
// stopped, and traceInit, before it starts): the caller formats own's stream into the shared output area,
// one formatter at a time.
void formatInline(traceBuf *own, const traceBuf *chunk, uint32_t n) {
  if (traceBinary) {
    writeEvents(own, chunk, n); // writeBlock serialises the writes
    return;
  }
  for (int spins = 0;; spins++) {
    uint32_t z = 0;
    if (inlineLock.compare_exchange_weak(z, 1, std::memory_order_acquire, std::memory_order_relaxed))
      break;
    if (spins > 100)
      osyield();
  }
  jsonOut o(outArea, outBytes);
  format(own, chunk, n, o);
  o.flush();
  inlineLock.store(0, std::memory_order_release);
}

// At the end: closes what is still open on own's tracks at ns.
void closeOpen(traceBuf *own, int64_t ns, jsonOut &o) {
  char *w = o.room();
  if (own->ownerKind == 0 && own->running)
    runSlice(w, own, ns, "running at exit");
  if (own->ownerKind == 1) {
    if (own->open & openPark) {
      head(w, 'E', 2, own->ownerID, ns);
      lit(w, "parked\"}");
    }
    if (own->open & openSpin) {
      head(w, 'E', 2, own->ownerID, ns);
      lit(w, "spinning\"}");
    }
  }
  if (own->open & openSTW) {
    head(w, 'E', 3, 0, ns);
    lit(w, "STW\"}");
  }
  o.done(w);
}

void meta(jsonOut &o, const char *what, int pid, int64_t tid, const char *prefix, int64_t num) {
  char *w = o.room();
  lit(w, ",\n{\"ph\":\"M\",\"pid\":");
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

// The flusher's own output area (metadata, the end); one flush per process.
char flushOut[16 * 1024];

// Formats the retained copies (made before the file was opened: tests)
// in owner order. The caller is the stream's formatter (traceInit before
// the writer starts, the flush after it has stopped).
void writeRetained() {
  traceBuf **cs;
  size_t bytes;
  int64_t k = takeRetained(&cs, &bytes);
  for (int64_t c = 0; c < k; c++) {
    traceBuf *own = cs[c]->owner;
    formatInline(own, cs[c], cs[c]->n.load(std::memory_order_relaxed));
  }
  if (cs)
    munmap(cs, bytes);
}

} // namespace

void traceSetPoolCapForTest(uint32_t cap) { poolCap.store(cap < 1 ? 1 : cap > poolMax ? poolMax : cap); }
int64_t traceHandOffWaitsForTest() { return handOffWaits.load(); }

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
  outArea = static_cast<char *>(bigalloc(outBytes));
  if (outArea == nullptr) {
    const char *msg = "runtime: GODEBUG=tracefile: out of memory\n";
    (void)!write(2, msg, strlen(msg));
    _exit(2);
  }
  // The header and the first record (every later one begins with ",\n").
  size_t pl = strlen(path);
  traceBinary = !(pl >= 5 && strcmp(path + pl - 5, ".json") == 0);
  static const char header[] = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"
                               "{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":\"Ps\"}}";
  static const char binHeader[16] = {'g', 'l', 'r', 't', 'r', 'a', 'c', 'e', 2, 0, 0, 0, 0, 0, 0, 0};
  if (traceBinary)
    writeAll(binHeader, sizeof binHeader); // the magic, then the version (u32 2) and 4 bytes of 0
  else
    writeAll(header, sizeof header - 1);
  // Events recorded before the file existed (traceEnableForTest; schedinit
  // opens the file before any): written now, before any owner can write
  // out its buffer (which it does only once it sees traceFile).
  writeRetained();
  startWriter(); // the streams' formatting state is the writer's from here
  traceFile.store(true, std::memory_order_release);
  __atomic_store_n(&traceOn, true, __ATOMIC_RELEASE); // after traceStart, traceFd (traceEnabled)
}

static int64_t cpuNs(clockid_t clk) {
  struct timespec ts;
  clock_gettime(clk, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}
static int64_t threadCPUNs() { return cpuNs(CLOCK_THREAD_CPUTIME_ID); }

// The binary stream's end (trace.h: "Binary files"): every owner's last
// words as an events block, then the trailer: one JSON object with what a
// reader needs to interpret the words (the tick rate, the end, the names
// of wait reasons and stop-the-world reasons) and the keys the JSON file
// ends with (glrtRunCpuUs ... last, for the bench). The caller is the
// flush, with the writer stopped.
// The trailer's last keys, for the bench (both file formats): the
// process's CPU time when the flush began (the run with tracing on,
// including the buffers written out while it ran), how long the flush took
// up to here (formatting what was left) in this thread's CPU time and in
// wall time, how long it waited for the writer to drain its queue (wall),
// how many hand-offs waited for a free chunk during the run, and the
// writer thread's CPU time (its part of the process's).
static void benchKeys(char *&w, int64_t procCPU, int64_t cpu0, int64_t endNs, int64_t drainNs) {
  lit(w, "},\"glrtRunCpuUs\":");
  i64(w, procCPU / 1000);
  lit(w, ",\"glrtFlushCpuUs\":");
  i64(w, (threadCPUNs() - cpu0) / 1000);
  lit(w, ",\"glrtFlushUs\":");
  i64(w, (nanotime() - endNs) / 1000);
  lit(w, ",\"glrtDrainUs\":");
  i64(w, drainNs / 1000);
  lit(w, ",\"glrtHandOffWaits\":");
  i64(w, handOffWaits.load(std::memory_order_relaxed));
  lit(w, ",\"glrtWriterCpuUs\":");
  i64(w, writerCPUNs / 1000);
  lit(w, "}\n");
}

static void binaryFlush(int64_t endTs, int64_t endNs, int64_t cpu0, int64_t drainNs, int64_t procCPU) {
  int64_t np = allplenForTrace(), nm = 0;
  forEachOwner([&](traceBuf *b) {
    if (b->ownerKind == 1 && b->ownerID + 1 > nm)
      nm = b->ownerID + 1;
    if (!lockBusyBounded(b))
      return;
    writeEvents(b, b, b->n.load(std::memory_order_acquire));
    unlockBusy(b);
  });
  for (m *mp = allm.load(std::memory_order_acquire); mp; mp = mp->alllink)
    if (int64_t(mp->id) + 1 > nm)
      nm = int64_t(mp->id) + 1;
  jsonOut o(flushOut, sizeof flushOut);
  char *w = o.room();
  double k = nsPerTick();
  uint64_t kb;
  memcpy(&kb, &k, sizeof kb);
  lit(w, "{\"producer\":\"glrt\",\"format\":2,\"nsPerTickBits\":");
  u64(w, kb);
  lit(w, ",\"endNs\":");
  i64(w, endTs);
  lit(w, ",\"words\":");
  i64(w, binWords.load(std::memory_order_relaxed));
  lit(w, ",\"dropped\":");
  i64(w, traceDropped.load());
  lit(w, ",\"gomaxprocs\":");
  i64(w, gomaxprocs.load());
  lit(w, ",\"np\":");
  i64(w, np);
  lit(w, ",\"nm\":");
  i64(w, nm);
  lit(w, ",\"schedseed\":");
  if (schedseedEnabled())
    u64(w, schedseedValue);
  else
    lit(w, "null");
  lit(w, ",\"waitReasons\":[");
  o.done(w);
  // By number (a park's a; 6 bits are ample: unknown numbers read "").
  for (int r = 0; r < 64; r++) {
    const char *rs = waitReasonString(waitReason(r));
    w = o.room();
    if (r)
      *w++ = ',';
    *w++ = '"';
    str(w, rs);
    *w++ = '"';
    o.done(w);
  }
  w = o.room();
  lit(w, "],\"strings\":{");
  o.done(w);
  bool first = true;
  for (auto &slot : stringTab) {
    const char *sv = slot.load(std::memory_order_acquire);
    if (sv == nullptr)
      break;
    w = o.room();
    if (!first)
      *w++ = ',';
    first = false;
    *w++ = '"';
    u64(w, uint64_t(reinterpret_cast<uintptr_t>(sv)));
    lit(w, "\":\"");
    str(w, sv);
    *w++ = '"';
    o.done(w);
  }
  w = o.room();
  benchKeys(w, procCPU, cpu0, endNs, drainNs);
  o.done(w);
  writeBlock('T', 0, 0, flushOut, uint32_t(o.n), o.n);
  o.n = 0;
  close(traceFd);
  traceFd = -1;
}

void traceFlush() {
  if (!traceFile.load(std::memory_order_acquire))
    return;
  uint32_t z = 0;
  if (!flushed.compare_exchange_strong(z, 1, std::memory_order_acq_rel))
    return;
  __atomic_store_n(&traceOn, false, __ATOMIC_RELAXED);
  int64_t endNs = nanotime();
  int64_t cpu0 = threadCPUNs();
  // No hand-off after this: an owner hands over under its busy flag and
  // checks flushed first, so once we have held each flag, every later
  // spill of its owner sees flushed and discards. (A flag we cannot get,
  // held by a thread dying in the middle of a hand-off, is skipped.)
  forEachOwner([&](traceBuf *b) {
    if (lockBusyBounded(b))
      unlockBusy(b);
  });
  // The writer formats what is queued and stops; the streams' formatting
  // state is ours from here (writerDone's acquire).
  stopWriter();
  int64_t drainNs = nanotime() - endNs;
  int64_t procCPU = cpuNs(CLOCK_PROCESS_CPUTIME_ID); // the run up to the flush, tracing included
  // Copies retained after traceInit took the list (a test's racing owner).
  writeRetained();
  // What is left in every owner's buffer, then its open slices, at the
  // time of the last event written (or now, as the flush sees the clock).
  int64_t endTs = int64_t(double(cputicks() - traceStart) * nsPerTick());
  int64_t np = allplenForTrace(), nm = 0;
  if (traceBinary) {
    binaryFlush(endTs, endNs, cpu0, drainNs, procCPU);
    return;
  }
  forEachOwner([&](traceBuf *b) {
    if (b->ownerKind == 1 && b->ownerID + 1 > nm)
      nm = b->ownerID + 1;
    if (!lockBusyBounded(b))
      return;
    jsonOut o(outArea, outBytes);
    format(b, b, b->n.load(std::memory_order_acquire), o);
    closeOpen(b, std::max(endTs, b->lastNs), o);
    o.flush();
    unlockBusy(b); // its owner, if it fills the buffer again, discards it (spill)
  });
  for (m *mp = allm.load(std::memory_order_acquire); mp; mp = mp->alllink)
    if (int64_t(mp->id) + 1 > nm)
      nm = int64_t(mp->id) + 1;
  jsonOut o(flushOut, sizeof flushOut);
  meta(o, "process_name", 2, 0, "Ms", -1);
  meta(o, "process_name", 3, 0, "runtime", -1);
  for (int64_t i = 0; i < (np > 0 ? np : 1); i++)
    meta(o, "thread_name", 1, i, "P", i);
  for (int64_t i = 0; i < (nm > 0 ? nm : 1); i++)
    meta(o, "thread_name", 2, i, "M", i);
  meta(o, "thread_name", 3, 0, "runtime", -1);
  meta(o, "thread_name", 3, 1, "sysmon", -1);
  {
    char *w = o.room();
    lit(w, "\n],\"otherData\":{\"producer\":\"glrt\",\"events\":");
    i64(w, traceEvents.load(std::memory_order_relaxed));
    lit(w, ",\"dropped\":");
    i64(w, traceDropped.load());
    lit(w, ",\"gomaxprocs\":");
    i64(w, gomaxprocs.load());
    lit(w, ",\"schedseed\":");
    if (schedseedEnabled())
      u64(w, schedseedValue);
    else
      lit(w, "null");
    benchKeys(w, procCPU, cpu0, endNs, drainNs); // last, for the bench
    o.done(w);
  }
  o.flush();
  close(traceFd);
  traceFd = -1;
}

} // namespace glrt
