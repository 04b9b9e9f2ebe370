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
// gathers every chunk, sorts by timestamp (ties: per buffer order, which
// is program order for that P or M), and writes JSON. Runs on g0 (or a
// thread's own stack), never takes sched.lock (checkdead holds it).
//
// Timestamps: the CPU's invariant TSC (cputicks in trace.cpp: one counter
// for every core and thread, much cheaper than clock_gettime), converted at
// the flush to nanoseconds against nanotime() (CLOCK_MONOTONIC) read at the
// trace's start and at the flush; written relative to the start, in
// microseconds.
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstdint>

#include "gmp.h"

namespace glrt {

// Event kinds. The numbering is internal (the file carries names). GC and
// syscall kinds are reserved for the collector and the syscall hand-off:
// traceGC/traceSyscall* are declared and drawn, but nothing emits them yet.
enum traceEvKind : uint8_t {
  traceEvNone = 0,
  traceEvGoCreate,   // g = new goid, a = creator goid (0: runtime), b = go statement PC
  traceEvGoStart,    // g starts running on this P; a = M id
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
  traceStopSyscall,      // reserved: blocking syscall hand-off
};

struct traceEvent {
  int64_t ts; // cputicks() (TSC)
  int64_t g;  // goid the event is about (0: none)
  int64_t a, b;
  uint8_t kind;   // traceEvKind
  uint8_t reason; // traceStopReason for GoStop
  int16_t p;      // P id the writer held, or -1
  int32_t m;      // M id of the writer, or -1 (sysmon, foreign threads)
};
static_assert(sizeof(traceEvent) == 40);

// A chunk of events. Written by one owner at a time (see the header);
// n is published with release after the slot is filled.
struct traceBuf {
  traceBuf *link;          // the full list (traceFull)
  int32_t ownerKind;       // 0 P, 1 M, 2 sysmon, 3 foreign
  int32_t ownerID;
  uint32_t seq;            // chunk number within its owner (sort ties)
  std::atomic<uint32_t> n; // events written (release by the writer)
  static constexpr uint32_t cap = (64 * 1024 - 32) / sizeof(traceEvent);
  traceEvent ev[cap];
};

// The one flag every event site tests. Set once in schedinit, before any
// other thread exists; cleared by traceFlush. Relaxed loads: a site that
// still sees it set after the flush writes into a chunk nobody reads.
extern bool traceOn;
inline bool traceEnabled() { return __builtin_expect(__atomic_load_n(&traceOn, __ATOMIC_RELAXED), 0); }

// GODEBUG=tracefile=PATH: opens PATH (fatal error if it cannot) and turns
// tracing on. Called by schedinit before the first procresize.
void traceInit(const char *path);

// Event writers (slow paths; callers test traceEnabled() first). All run
// on g0 or on a thread's own stack, never on a goroutine's segment.
// On the calling M's P buffer (its M buffer if it holds no P):
void traceGoEvent(traceEvKind kind, int64_t goid, int64_t a, int64_t b, uint8_t reason = 0);
// On the calling M's own buffer:
void traceMEvent(traceEvKind kind, int64_t a, int64_t b);
// On sysmon's buffer (sysmon's thread only):
void traceSysmonEvent(traceEvKind kind, int64_t goid, int64_t a);

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
