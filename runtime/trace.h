//===- trace.h - the timeline trace: GODEBUG=tracefile=PATH (trace.cpp) ---===//
//
// glrt's counterpart of Go's runtime/trace.go, with a different output: the
// events are recorded in small per-P/per-M buffers and written each time a
// buffer fills and at exit, as Chrome Trace Event JSON when PATH ends in
// .json (Perfetto and chrome://tracing open it; scripts/glc-trace.py draws
// it), as glrt's binary stream otherwise (below: "Binary files"; the
// script reads it and converts it to the same JSON). Off unless GODEBUG=tracefile=PATH is set;
// when off, every event site costs one load of `traceOn` and a not-taken
// branch (traceEnabled() below, marked unlikely).
//
// Buffers (who writes what, without locks):
//   - each P has one buffer (p.tracebuf): events about Gs on that P
//     (create, start, stop, unblock, stack growth). Only the M that holds
//     the P writes it; holding a P is exclusive and a P passes between Ms
//     through sched.lock or the idle-list/handoff protocol, which orders
//     one owner's writes before the next owner's.
//   - each M has its own (m.tracebuf): events of an M that may hold no P
//     (spinning, parking, procresize, stop-the-world). Only the M's thread
//     writes it.
//   - sysmon has one (preemption requests); a thread that is neither (unit
//     tests driving the scheduler from plain threads) uses a shared buffer
//     under a spin lock.
// An event is written into the buffer's next slot, then published by a
// release store of the buffer's count (n); a reader (the final flush, the
// test snapshot) reads n with acquire under the buffer's busy flag.
//
// Streaming: an owner's buffer is allocated once per owner and never
// replaced. When the next event does not fit, the owner hands its words to
// the writer thread in a chunk, takes the chunk's free words in exchange
// (traceBuf.w) and starts over at n = 0. Every array of words is made once
// (MAP_POPULATE: fresh memory costs ~2.5 ns a byte on the KVM guest the
// bench runs on) and goes round between owners and the pool, which hands
// out the chunk freed last (a stack), its words just read by the writer.
// (That costs nothing measurable, trace7: with a writer that never read
// the chunks, or one that handed them back 8 chunks later, out of its
// core's L2, the program thread's CPU was the same within 2%.)
// (Until trace6 the owner copied its words into the chunk, to keep writing
// the same 64 KiB: the copy read 64 KiB and wrote 64 KiB into the chunk's
// words, which the swap makes the owner write anyway.) Formatting the JSON and
// write(2) happen on the writer thread: a plain thread, not an M, holding
// no P, every signal blocked, at nice 10 (the program's threads first:
// trace.cpp, writerNice), started by traceInit. The hand-off
// (trace.cpp: handOff, writerMain):
//   - the pool: at most 16 chunks of 64 KiB, made on demand; free chunks
//     are on a Treiber stack of pool indexes (traceFree) with an ABA tag
//     (many owners pop, the writer pushes back; seq_cst push, for the
//     waiters' futex below; acquire pop).
//   - the owner, under its busy flag: pops a free chunk (or makes one, or,
//     with the pool at its cap, waits for the writer on a futex the writer
//     bumps and wakes as it frees a chunk: back-pressure, the program slows
//     down instead of the trace growing), swaps its words with the
//     chunk's, pushes the chunk on the writer's queue (traceQueue: a Treiber
//     stack, CAS seq_cst) and wakes the writer if it sleeps and 4 chunks
//     are queued (trace.cpp: queued). No lock and no copy on this path.
//   - the writer takes the whole queue (exchange, acquire: it sees the
//     words), reverses it (the push order: one owner's chunks are pushed
//     by one thread at a time, so they come out in its order), formats
//     each chunk with its owner's formatting state into a 1 MiB output
//     area, write(2)s it when full or when the queue is empty, and returns
//     the chunk to the free list (a binary file: up to 8 chunks as they
//     are with one writev, then all 8 to the free list; trace.cpp:
//     writeGroup). With nothing queued it sleeps on a futex
//     (writerSleeping/writerSeq: a seq_cst store-then-load on each side, so
//     an owner's push and the writer's last look cannot both miss).
// An owner's formatting state (the G running on the P, the M's open
// spinning/parked/STW slices, the last timestamp: in its buffer's header)
// belongs to whoever formats its stream: traceInit (the retained copies,
// before the writer starts), then the writer, then the final flush once
// the writer has stopped (writerDone, release/acquire). If the thread
// cannot be made, owners format in place under one spin lock (inlineLock).
// The file is therefore in time order per owner, not globally: the Trace
// Event Format does not require sorted events (Perfetto and
// chrome://tracing sort them; scripts/glc-trace.py sorts stably by ts).
// Each owner's buffer also holds its formatting state (the G running on
// the P, the M's open spinning/parked/STW slices, the last timestamp), so
// B/E pairs balance per track as a global merge would. A wake-up flow is
// matched without global state: ready() numbers each wake-up of a G
// (g.tracewakeseq, written while it is parked and ours) and records it in
// the GoUnblock; the G's next GoStart records the same number, and both
// ends print the flow id goid << 20 | seq.
// Without a file (unit tests, traceEnableForTest) a full buffer is copied
// into a retained chunk on a list (traceFull) instead, for the snapshot;
// total memory is capped (traceMaxBytes) and events past it are counted
// as dropped.
//
// Flush (traceFlush): at every process exit path: main returning and
// os.Exit (glrt_exit), a fatal panic or fatal error (panic.cpp's finish),
// the deadlock report (checkdead). It clears traceOn, so writers that start
// an event after that see it off; an event being written at that instant
// by another thread is not yet published and is left out. It sets flushed
// and takes and releases each owner's busy flag, so every later hand-off
// sees flushed and discards; tells the writer to drain its queue and stop,
// and waits for it (writerDone; the writer takes no runtime lock, so the
// wait is safe under sched.lock); then takes each buffer's busy flag in
// turn, formats what is left in it, closes the slices still open, and
// writes the thread names and the file's last keys. An owner that fills
// its buffer after that discards it. Runs on g0 (or a thread's own
// stack), never takes sched.lock (checkdead holds it).
//
// Binary files (a PATH not ending in .json; traceBinary, fixed by
// traceInit): the writer thread writes each chunk as it is, with no
// formatting, one writev per group of up to 8 chunks (bench/run.py --trace-overhead,
// chan_pingpong at GOMAXPROCS=1: 80 MB where the JSON is 618 MB, 128 MB
// before the switch events and packed unblocks; the README has the
// overheads). Layout (little-endian):
//   header: "glrtrace", u32 version (2: the switch events and packed
//           unblocks; 1 had neither), u32 0
//   blocks: u32 tag, i32 owner kind (traceBuf.ownerKind), i32 owner id,
//           u32 length, then the payload:
//     'E' events: `length` words, an owner's events as recorded (traceBuf's
//         encoding below; ts in ticks since the trace's start). One
//         owner's blocks are in its write order, as the JSON's records are.
//     'T' trailer, last: `length` bytes of one JSON object: nsPerTickBits
//         (the double nsPerTick(), measured at the flush over the whole
//         run, as u64 bits), endNs (where the flush closes open slices),
//         np, nm, gomaxprocs, schedseed, dropped, waitReasons (index ->
//         string, a park's a), strings (the stop-the-world reasons: their
//         pointer values, in the events' b, -> text; noted by traceMEvent
//         in stringTab), then the bench's keys as the JSON's last keys.
// scripts/glc-trace.py decodes it and formats exactly the records
// format() writes (its to_chrome() is a port of format()), so every tool
// reads both and `glc trace -json OUT PATH` converts; its KINDS list is
// this enum's order. A file without a trailer is a run that did not flush.
// Measured and not kept: the writer encoding each chunk as LEB128 varints
// (the changes of ts and goid, zigzag) made chan_pingpong's file 2.5x
// smaller (51 MB against 128 MB) but cost the writer +0.15 s of user time
// for -0.04 s of sys (medians of 10 alternating runs, GOMAXPROCS=1).
//
// Timestamps: the CPU's invariant TSC read by a bare rdtsc (cputicks in
// trace.cpp: one counter for every core and thread; 11.5 ns here against
// 19 ns with lfence and 29 ns for clock_gettime), stored relative to the
// trace's start, converted to nanoseconds when formatted, against
// nanotime() (CLOCK_MONOTONIC): the ticks-per-ns ratio is measured once,
// between the start and the first formatting (at least 2 ms apart), and
// every track uses it, so records of different tracks keep their order
// (trace.cpp: nsPerTick). Written relative to the start, in microseconds. Unserialised
// reads may come out a few cycles out of program order: each stream's
// written timestamps are kept non-decreasing.
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "gmp.h"

namespace glrt {

// Event kinds. The numbering is internal to the JSON file (it carries
// names) but not to the binary one (scripts/glc-trace.py's KINDS mirrors
// this order: append new kinds at the end). Syscall kinds come from syscall.cpp (enter/exit on the
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
  // The garbage collector's phases (mgc.cpp, on the collecting M's
  // buffer, each inside a stop-the-world slice): a = the cycle's number
  // (NumGC once it is done), b = 1 for runtime.GC. GCStart at the start of
  // the first pause, GCMarkDone when marking has finished (the second
  // pause's start; in a stop-the-world cycle, after the mark), GCDone at
  // the end of mark termination (sweeping goes on, lazily, after it).
  traceEvGCStart,
  traceEvGCMarkDone,
  traceEvGCDone,
  // The syscall hand-off (syscall.cpp): a = P id.
  traceEvSyscallEnter,
  traceEvSyscallExit,
  traceEvSyscallRetake, // sysmon took the P of a G blocked in a syscall
  // Recorded only: a G's stop and the next G's start on the same P in one
  // pass of the scheduler, one event with one timestamp (g = the stopped
  // G, a and reason = its stop's; the started G and its wake-up number
  // packed in one word). traceDecode expands it into the GoStop and the
  // GoStart, both at its timestamp; no reader ever sees this kind.
  traceEvGoSwitch,
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

// One owner's buffer of encoded events, or a chunk: a copy of an owner's
// full buffer, handed to the writer thread (from the pool) or, without a
// trace file, retained for the snapshot (traceFull). An owner's buffer is
// written by one owner at a time (see the header); n (in words) is
// published with release after the words are filled. An event is 2 to 5
// words (16 to 40 bytes; the hot ones: a goroutine's start 16, 24 after a
// wake-up; an unblock by a G with a goid below 16 16, else 24; a switch,
// stop and start in one, 24):
//   w[0] = ts - traceStart (48 bits: 37 hours at 2.1 GHz) | kind << 48
//          | reason << 54 | present << 57 (bit 0: a, bit 1: b, bit 2: p)
//          | small << 60 (a, if 0 < a < 16: then a is not present)
//   w[1] = g (40 bits) | (m + 1) << 40
//   then a, b, p, each only if present (a when not small, b when non-zero,
//   p when the buffer is not a P's, whose events all have p = its id, and
//   p >= 0).
//   On a P's buffer (whose events never carry p), present's bit 2 marks
//   a packed unblock: w[1]'s high 24 bits are its wake-up number (b, below
//   2^24) instead of the M, which is not recorded (decoded as -1: no reader
//   shows an unblock's M; the flow starts on the P's track, where the
//   waker's run shows its M).
//   A switch (traceEvGoSwitch, P buffers only): w[0] has the stop's reason
//   and a (small, or present), w[1] the stopped G and the M; b is always
//   present: the started goid (40 bits) | its wake-up number << 40 (24
//   bits: a larger number, after 16M wake-ups of one G, is recorded as a
//   separate GoStop and GoStart at one timestamp instead).
//
// The switch (trace.h's one-timestamp rule): a G stops (park_m, gosched_m,
// goyield_m, goexit0) on its P and, nearly always, schedule() finds the
// next G at once and execute() starts it tens of ns later. The stop is not
// written when it happens: it is left pending on the P's buffer
// (pendG/pendA/pendReason, traceGoStop); the start that follows writes
// both as one switch with one timestamp (4 clock reads instead of 6 per
// round trip of a ping-pong, 24 bytes instead of 40). Which timestamp:
//   - GOMAXPROCS=1, or the G exited: no other P can start the stopped G
//     before this P's next event, so the stop takes none (pendTs = 0) and
//     the switch reads the clock when it is written. The loss: the time
//     from the stop to the start (the scheduler's own pass: park_m's
//     unlock, findRunnable's local and global queue checks, execute) is
//     counted in the stopped G's run.
//   - GOMAXPROCS >= 2: a waker or a thief on another P may start the G
//     within those tens of ns, so the stop reads the clock when it happens
//     (pendTs), as a stop written at once would. The switch gives the start
//     the same timestamp, reading no clock, only when the started G's
//     GoUnblock is in this P's stream (lastWake: the last fast-path
//     unblock's packed word, goid | wake-up number << 40, matches the
//     start's) and this is its first start after that wake-up: then its
//     unblock came before the stop, and its previous stop before the
//     unblock, so no reader sees it start before it was runnable. Any
//     other start writes the stop at its own timestamp and the start at
//     a new one. The loss: the scheduler's pass is counted in the started
//     G's run. (trace7, chan_pingpong at GOMAXPROCS=2: 112 -> 80 bytes a
//     round trip, 6 -> 4 clock reads.)
// Any other event on the P's buffer, or on the M's while it holds the P,
// writes the pending stop first, at its pendTs or else at that event's
// timestamp; so do findRunnable when its local and global queues are
// empty (before polling, stealing, spinning or stopping the M), gcstopm's
// caller, the locked-M paths and releasep (traceFlushPending). So a stop
// is never left pending across a wait, a hand-over of the P, or another
// event. Like an event being written, a pending stop is not yet
// published: the final flush and the snapshot do not see it (a P with a
// stop pending is in the middle of schedule(); the flush runs from a G or
// after findRunnable has written it).
struct traceBuf {
  traceBuf *link;          // a chunk: traceFull, or the writer's queue (traceQueue)
  traceBuf *owner;         // a chunk: its owner's buffer; an owner: itself
  std::atomic<uint32_t> n; // words written (release by the writer)
  // Held by the owner while it hands the buffer over or retains it, and by
  // the final flush and the snapshot while they read it (acquire/release
  // spin lock; the owner's event writes need no lock).
  std::atomic<uint32_t> busy;
  // The words: `cap` of them, this buffer's own `words` or another's. A
  // hand-off to the writer swaps them (trace.cpp: handOff): the full words
  // go with the chunk, the owner goes on in the chunk's free ones. Each
  // buffer holds one array at any time; none is ever freed. Changed by the
  // owner under its busy flag; the chunk's travels with it (the queue and
  // the free list order it).
  uint64_t *w;
  // A P's buffer: the stop left pending (above), its G (0: none), its
  // timestamp (ticks since the start, as w[0]'s; 0: none, the switch
  // stamps it), its a (the wait reason) and reason; and the packed word of
  // the last GoUnblock the fast path wrote here (goid | number << 40: the
  // switch's test that the started G's wake-up is in this stream). The
  // owner's alone, like the words past n.
  int64_t pendG;
  uint64_t pendTs;
  uint64_t lastWake;
  int32_t pendA;
  uint8_t pendReason;
  uint8_t pad_[3];
  // (Below, the header's second cache line: what the owner does not touch
  // on every event. The writer thread writes the formatting state while it
  // formats, the owner writes n above on every event.)
  uint32_t seq; // a retained copy: its number within its owner; an owner: copies made
  // A pool chunk: its index in the pool + 1, and the next free chunk's
  // (the free list, trace.cpp: traceFree). 0 for the others.
  uint32_t poolIndex;
  std::atomic<uint32_t> nextFree;
  uint32_t pad1_;
  int32_t ownerKind; // 0 P, 1 M, 2 sysmon, 3 foreign (written once, when made)
  int32_t ownerID;
  // An owner's stream formatting state: the last timestamp written (ns
  // since the start), the G whose slice is open on the P (0: none), the
  // M's open slices (bit 0 spinning, bit 1 parked, bit 2 stop-the-world).
  // Touched only by whoever formats the stream: the writer thread while
  // it runs, the final flush once it has stopped (trace.h's essay), the
  // thread in traceInit for the retained copies before it starts.
  // On a P: the open run's start (ns) and M (written as one complete
  // event when it ends).
  int64_t lastNs;
  int64_t running;
  uint64_t open;
  int64_t runStart;
  int64_t runM;
  static constexpr uint32_t cap = (64 * 1024 - 128) / sizeof(uint64_t);
  uint64_t words[cap];
};
static_assert(sizeof(traceBuf) == 64 * 1024);
static_assert(offsetof(traceBuf, seq) == 64, "the owner's hot fields fill the first cache line");
static_assert(offsetof(traceBuf, words) == 128);

// Decodes the event at b->w[i] into e[0] (a switch: its stop into e[0] and
// its start into e[1]); returns its length in words, and the number of
// events (1 or 2) in *count.
uint32_t traceDecode(const traceBuf *b, uint32_t i, traceEvent e[2], uint32_t *count);

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

// For tests: gathers all events not yet written to a file (every retained
// copy and every owner's buffer, each owner's in write order) into
// out[0..max); returns the total count (may exceed max). Does not stop
// tracing. Also lets a test turn tracing on without a file.
int64_t traceSnapshotForTest(traceEvent *out, int64_t max);
void traceEnableForTest(bool on);
int64_t traceDroppedForTest();
// The writer's pool: at most cap chunks (1..16; call before traceInit), so
// a test makes owners wait for free chunks; how many hand-offs waited.
void traceSetPoolCapForTest(uint32_t cap);
int64_t traceHandOffWaitsForTest();

// ---------------------------------------------------------------------------
// The hot event sites (callers test traceEnabled() first): a G's start or
// switch (execute), its stop (park_m, gosched_m, goyield_m, goexit0), its
// wake-up by a G (ready) and its creation (newproc1). Each is a function
// of its own, specialised to its event: it appends to the P's buffer in
// place (one room check, the rdtsc, two to four stores and the release
// store of n); anything else (no buffer yet, no room, a field that does
// not fit the short form) goes to the general traceGoEvent, which writes
// the same event through the general encoder. Not inlined into the call
// sites (noinline): there the fast path's registers made the hot
// scheduler functions save two more on every call with tracing off (the
// goready closure: push r12, r13).

// The clock's origin (trace.cpp: cputicks ticks; written once before
// tracing is on, see traceEnabled).
extern int64_t traceStart;
// Writes the P's pending stop (traceBuf: the switch) as a GoStop at ts (0:
// now). The calling M holds pp. Out of line: only the scheduler's slow
// paths and events other than a start get here.
void traceFlushPendingSlow(p *pp, int64_t ts);
inline void traceFlushPending(p *pp) {
  if (pp != nullptr) {
    traceBuf *b = pp->tracebuf;
    if (b != nullptr && b->pendG != 0)
      traceFlushPendingSlow(pp, 0);
  }
}

namespace traceFast {
constexpr uint64_t tsMask = (uint64_t(1) << 48) - 1;
constexpr uint64_t gMask = (uint64_t(1) << 40) - 1;
inline uint64_t now() {
  uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory"); // trace.cpp: cputicks
  int64_t rel = int64_t((uint64_t(hi) << 32) | lo) - traceStart;
  return rel < 0 ? 0 : uint64_t(rel) & tsMask; // a read on another core a hair before the start's
}
inline uint64_t w0(uint64_t ts, uint8_t kind, uint8_t reason, uint64_t present, uint64_t small) {
  return ts | uint64_t(kind) << 48 | uint64_t(reason & 7) << 54 | present << 57 | small << 60;
}
inline uint64_t w1(int64_t goid, m *mp) { return (uint64_t(goid) & gMask) | uint64_t(uint32_t(mp->id + 1)) << 40; }
// An event's a in the short form (traceBuf's encoding): 1..15 goes in
// w[0]'s small bits, 0 is left out, anything else takes a word (present's
// bit 0). What w0 needs, and whether a needs its word.
struct aForm {
  uint64_t present, small;
  bool word;
};
inline aForm formA(int64_t a) {
  bool small = a > 0 && a < 16;
  return {(small || a == 0) ? 0u : 1u, small ? uint64_t(a) : 0, !small && a != 0};
}
// The P buffer's words from n on, with room for k more, or null.
inline traceBuf *room(p *pp, uint32_t k, uint32_t *n) {
  if (pp == nullptr)
    return nullptr;
  traceBuf *b = pp->tracebuf;
  if (b == nullptr)
    return nullptr;
  *n = b->n.load(std::memory_order_relaxed);
  return *n + k <= traceBuf::cap ? b : nullptr;
}
} // namespace traceFast

// A G stops on the calling M's P (reason, a: traceEvGoStop's; park_m,
// gosched_m, goyield_m, goexit0). Left pending for the start that follows
// (traceBuf: the switch). Stamped by the switch when no other P can run
// the G before this P's next event: it exited (its goid is never reused),
// or GOMAXPROCS is 1. At 2 or more, a waker or a thief on another P may
// start it within the tens of ns before this P's switch, so its timestamp
// is read now (pendTs), and the switch gives the start the same one only
// when that is not before the started G became runnable (traceGoStart).
[[gnu::noinline]] inline void traceGoStop(m *mp, int64_t goid, int64_t a, uint8_t reason) {
  using namespace traceFast;
  p *pp = mp->pp;
  traceBuf *b = pp ? pp->tracebuf : nullptr;
  if (b == nullptr || b->pendG != 0 || goid == 0 || a != int32_t(a)) [[unlikely]] {
    traceGoEvent(traceEvGoStop, goid, a, 0, reason);
    return;
  }
  uint64_t ts = 0;
  if (reason != traceStopExit && gomaxprocs.load(std::memory_order_relaxed) != 1)
    ts = now() | 1; // never 0 ("none"): a tick later at most
  b->pendG = goid;
  b->pendTs = ts;
  b->pendA = int32_t(a);
  b->pendReason = reason;
}

// gp starts on the calling M's P (execute): a switch if a stop is pending,
// else a GoStart; seq = its wake-up's number (0: none).
// With a stop pending: one switch, at the stop's own timestamp if it has
// one (GOMAXPROCS >= 2) and this is the G's first start after a wake-up
// this P's stream recorded (lastWake), so after its GoUnblock, which was
// after its previous stop; then no rdtsc. A stamped stop followed by any
// other start (a new G, a yielded one) is written as a GoStop at its time
// and a GoStart now, both here. The loss at GOMAXPROCS >= 2: the
// scheduler's pass from the stop to the start is counted in the started
// G's run.
[[gnu::noinline]] inline void traceGoStart(m *mp, int64_t goid, uint32_t seq) {
  using namespace traceFast;
  uint32_t n;
  traceBuf *b = room(mp->pp, 6, &n); // a switch (4 words at most), or a stop and a start (3 and 3)
  if (b == nullptr) [[unlikely]] {
    traceGoEvent(traceEvGoStart, goid, 0, seq);
    return;
  }
  uint64_t *w = b->w + n;
  if (b->pendG != 0) {
    uint64_t ts = b->pendTs;
    uint64_t started = (uint64_t(goid) & gMask) | uint64_t(seq) << 40;
    aForm f = formA(b->pendA);
    if (seq < (1u << 24) && (ts == 0 || (seq != 0 && b->lastWake == started))) [[likely]] {
      if (ts == 0)
        ts = now();
      w[0] = w0(ts, traceEvGoSwitch, b->pendReason, f.present | 2, f.small);
      w[1] = w1(b->pendG, mp);
      uint32_t k = 2;
      if (f.word)
        w[k++] = uint64_t(b->pendA);
      w[k++] = started;
      b->pendG = 0;
      b->pendTs = 0;
      b->n.store(n + k, std::memory_order_release); // publishes the words
      return;
    }
    if (ts == 0) [[unlikely]] {
      // Not stamped, and a number past the switch's 24 bits: a stop and a
      // start at one timestamp (the general path).
      traceGoEvent(traceEvGoStart, goid, 0, seq);
      return;
    }
    w[0] = w0(ts, traceEvGoStop, b->pendReason, f.present, f.small); // at its own time
    w[1] = w1(b->pendG, mp);
    w[2] = uint64_t(b->pendA);
    w += f.word ? 3 : 2;
    n += f.word ? 3 : 2;
    b->pendG = 0;
    b->pendTs = 0;
  }
  w[0] = w0(now(), traceEvGoStart, 0, seq ? 2 : 0, 0);
  w[1] = w1(goid, mp);
  w[2] = seq;
  b->n.store(n + (seq ? 3 : 2), std::memory_order_release);
}

// The calling M's G (creator, 0: the runtime) creates goid at a go
// statement (pc), on the M's P.
[[gnu::noinline]] inline void traceGoCreate(m *mp, int64_t goid, int64_t creator, uint64_t pc) {
  using namespace traceFast;
  uint32_t n;
  traceBuf *b = mp ? room(mp->pp, 4, &n) : nullptr;
  if (b != nullptr && b->pendG == 0 && pc != 0) [[likely]] {
    uint64_t *w = b->w + n;
    aForm f = formA(creator);
    w[0] = w0(now(), traceEvGoCreate, 0, f.present | 2, f.small);
    w[1] = w1(goid, mp);
    uint32_t k = 2;
    if (f.word)
      w[k++] = uint64_t(creator);
    w[k++] = pc;
    b->n.store(n + k, std::memory_order_release);
    return;
  }
  traceGoEvent(traceEvGoCreate, goid, creator, int64_t(pc));
}

// A G (waker, 0: the runtime) makes goid runnable with wake-up number seq,
// on the calling M's P.
[[gnu::noinline]] inline void traceGoUnblock(m *mp, int64_t goid, int64_t waker, uint32_t seq) {
  using namespace traceFast;
  uint32_t n;
  traceBuf *b = room(mp->pp, 4, &n);
  if (b != nullptr && b->pendG == 0 && seq != 0 && seq < (1u << 24)) [[likely]] {
    uint64_t *w = b->w + n;
    aForm f = formA(waker);
    uint64_t woken = (uint64_t(goid) & gMask) | uint64_t(seq) << 40; // packed: the number, no M
    w[0] = w0(now(), traceEvGoUnblock, 0, f.present | 4, f.small);
    w[1] = woken;
    w[2] = uint64_t(waker); // its word, if f.word (else past the event: harmless, room() allowed 4)
    b->lastWake = woken;
    b->n.store(n + (f.word ? 3 : 2), std::memory_order_release);
    return;
  }
  traceGoEvent(traceEvGoUnblock, goid, waker, seq);
}

} // namespace glrt
