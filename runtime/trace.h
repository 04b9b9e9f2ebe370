//===- trace.h - the timeline trace: GODEBUG=tracefile=PATH (trace.cpp) ---===//
//
// glrt's counterpart of Go's runtime/trace.go, with a different output: the
// events are buffered in memory while the program runs and written once, at
// exit, as Chrome Trace Event JSON (Perfetto and chrome://tracing open it;
// scripts/glc-trace.py draws it). Off unless GODEBUG=tracefile=PATH is set;
// when off, every event site costs one load of `traceOn` and a not-taken
// branch (traceEnabled() below, marked unlikely).
//
// Buffers (who writes what, without locks):
//   - each P has a chunk chain (p.tracebuf): events about Gs on that P
//     (create, start, stop, unblock, stack growth, stop-the-world). Only the
//     M that holds the P writes it; holding a P is exclusive and a P passes
//     between Ms through sched.lock or the idle-list/handoff protocol, which
//     orders one owner's writes before the next owner's.
//   - each M has its own (m.tracebuf): events of an M that may hold no P
//     (spinning, parking, procresize). Only the M's thread writes it.
//   - sysmon has one (preemption requests); a thread that is neither (unit
//     tests driving the scheduler from plain threads) uses a shared buffer
//     under a spin lock.
// An event is written into the chunk's next slot, then published by a
// release store of the chunk's count; the flusher reads the count with
// acquire. A full chunk is pushed (CAS, release) on a global list of full
// chunks and the writer continues in a fresh one (mmap, never freed): no
// event is lost to a wrap. Total memory is capped (traceMaxBytes): past
// it, events are counted as dropped (reported in the file) instead.
//
// Flush (traceFlush): at every process exit path: main returning and
// os.Exit (glrt_exit), a fatal panic or fatal error (panic.cpp's finish),
// the deadlock report (checkdead). It clears traceOn, so writers that start
// an event after that see it off; an event being written at that instant
// by another thread is not yet published and is left out. The flusher then
// gathers every chunk, groups them by owner (each owner's chunks in
// sequence are one stream in program order), merges the streams by
// timestamp (ties: owner order) with a small heap, and formats JSON
// straight into a 1 MiB buffer. Runs on g0 (or a thread's own stack),
// never takes sched.lock (checkdead holds it).
//
// Timestamps: the CPU's invariant TSC read by a bare rdtsc (cputicks in
// trace.cpp: one counter for every core and thread; 11.5 ns here against
// 19 ns with lfence and 29 ns for clock_gettime), stored relative to the
// trace's start, converted at the flush to nanoseconds against nanotime()
// (CLOCK_MONOTONIC) read at the start and at the flush; written relative
// to the start, in microseconds. Unserialised reads may come out a few
// cycles out of program order: the flush keeps each stream's timestamps
// non-decreasing.
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstdint>

#include "gmp.h"

namespace glrt {

// Event kinds. The numbering is internal (the file carries names). GC
// kinds are reserved for the collector: declared and drawn, but nothing
// emits them yet. Syscall kinds come from syscall.cpp (enter/exit on the
// G, a = P id; retake from sysmon).
enum traceEvKind : uint8_t {
  traceEvNone = 0,
  traceEvGoCreate,   // g = new goid, a = creator goid (0: runtime), b = go statement PC
  traceEvGoStart,    // g starts running on this P (on the event's M)
  traceEvGoStop,     // g stops; reason = traceStopReason, a = waitReason (park)
  traceEvGoUnblock,  // g made runnable by a = waker goid (0: runtime, e.g. a timer)
  traceEvStackGrow,  // g added a stack segment; a = its size, b = segments so far
  traceEvPreemptReq, // sysmon asked g (on P a) to yield
  traceEvProcResize, // a = old gomaxprocs, b = new
  traceEvSTWStart,   // stop-the-world begins; b = reason (const char*, static)
  traceEvSTWDone,    // the world restarts
  traceEvMSpin,      // this M starts spinning (looking for work)
  traceEvMSpinDone,  // stops spinning (found work or gave up)
  traceEvMPark,      // this M sleeps (stopm)
  traceEvMUnpark,    // this M woke up with a P
  // Reserved (no emitter yet): the garbage collector's phases and the
  // syscall hand-off. a/b as the emitter documents.
  traceEvGCStart,
  traceEvGCMarkDone,
  traceEvGCDone,
  traceEvSyscallEnter,
  traceEvSyscallExit,
  traceEvSyscallRetake, // sysmon took the P of a G blocked in a syscall
  traceEvCount
};

// Why a G stopped running (traceEvGoStop's reason).
enum traceStopReason : uint8_t {
  traceStopPark = 0,     // gopark: a = waitReason (chan send/recv, select, sleep, mutex...)
  traceStopGosched,      // runtime.Gosched
  traceStopPreempt,      // sysmon's request, honoured at a prologue or runtime entry
  traceStopAsyncPreempt, // sysmon's request, honoured by the SIGURG handler
  traceStopSeedPreempt,  // GODEBUG=schedseed's extra preemption point
  traceStopExit,         // the goroutine returned (or Goexit)
  traceStopSyscall,      // back from a syscall without a P: queued (exitsyscall0)
};

// An event as the flusher and the tests see it (decoded; see traceBuf for
// how it is stored).
struct traceEvent {
  int64_t ts; // cputicks() (TSC)
  int64_t g;  // goid the event is about (0: none)
  int64_t a, b;
  uint8_t kind;   // traceEvKind
  uint8_t reason; // traceStopReason for GoStop
  int16_t p;      // P id the writer held, or -1
  int32_t m;      // M id of the writer, or -1 (sysmon, foreign threads)
};

// A chunk of encoded events. Written by one owner at a time (see the
// header); n (in words) is published with release after the words are
// filled. An event is 2 to 5 words (16 to 40 bytes; the hot ones, a
// goroutine's start, park and Gosched stop, are 16; an unblock 24):
//   w[0] = ts - traceStart (48 bits: 37 hours at 2.1 GHz) | kind << 48
//          | reason << 54 | present << 57 (bit 0: a, bit 1: b, bit 2: p)
//          | small << 60 (a, if 0 < a < 16: then a is not present)
//   w[1] = g (40 bits) | (m + 1) << 40
//   then a, b, p, each only if present (a when not small, b when non-zero,
//   p when the chunk is not a P's, whose events all have p = its id, and
//   p >= 0). Why so tight: on the KVM guest the bench runs on, each byte
//   of fresh memory the recording touches costs ~2.5 ns (the first touch
//   of every 4 KiB page traps to the host; with 2 MiB pages the populating
//   costs the same), which was most of the recording's cost at 40 bytes an
//   event.
struct traceBuf {
  traceBuf *link;          // the full list (traceFull)
  int32_t ownerKind;       // 0 P, 1 M, 2 sysmon, 3 foreign
  int32_t ownerID;
  uint32_t seq;            // chunk number within its owner (sort ties)
  std::atomic<uint32_t> n; // words written (release by the writer)
  static constexpr uint32_t cap = (64 * 1024 - 24) / sizeof(uint64_t);
  uint64_t w[cap];
};
static_assert(sizeof(traceBuf) == 64 * 1024);

// Decodes the event at b->w[i] into *e; returns its length in words.
uint32_t traceDecode(const traceBuf *b, uint32_t i, traceEvent *e);

// The one flag every event site tests. Set once in schedinit, before any
// other thread exists (the unit tests also flip it while Ms run:
// traceEnableForTest); cleared by traceFlush: a site that still sees it
// set after the flush writes into a chunk nobody reads. Loads are
// acquire, paired with the release stores that set it, so a writer that
// sees it also sees traceStart (the clock's origin) and traceFd; on
// x86-64 that is the same plain load as a relaxed one.
extern bool traceOn;
inline bool traceEnabled() { return __builtin_expect(__atomic_load_n(&traceOn, __ATOMIC_ACQUIRE), 0); }

// GODEBUG=tracefile=PATH: opens PATH (fatal error if it cannot) and turns
// tracing on. Called by schedinit before the first procresize.
void traceInit(const char *path);

// Event writers (slow paths; callers test traceEnabled() first). All run
// on g0 or on a thread's own stack, never on a goroutine's segment.
// On the calling M's P buffer (its M buffer if it holds no P):
// ts: the event's cputicks (traceNow), 0 for now.
void traceGoEvent(traceEvKind kind, int64_t goid, int64_t a, int64_t b, uint8_t reason = 0, int64_t ts = 0);
// On the calling M's own buffer:
void traceMEvent(traceEvKind kind, int64_t a, int64_t b);
// On sysmon's buffer (sysmon's thread only):
void traceSysmonEvent(traceEvKind kind, int64_t goid, int64_t a, int64_t ts = 0);
// The trace clock now, for an event whose moment precedes its recording (a
// preemption request: read before the flag is set, or the target may stop
// before the request's timestamp).
int64_t traceNow();

// Writes the trace file (idempotent: the first caller writes, later ones
// return at once). Every exit path calls it; cheap when tracing is off.
void traceFlush();

// For tests: gathers all events written so far (every chunk, in buffer
// order) into out[0..max); returns the total count (may exceed max).
// Does not stop tracing. Also lets a test turn tracing on without a file.
int64_t traceSnapshotForTest(traceEvent *out, int64_t max);
void traceEnableForTest(bool on);
int64_t traceDroppedForTest();

} // namespace glrt
