//===- malloc.h - glrt's heap: Go's size-class allocator (no GC yet) -------===//
#ifndef GLRT_MALLOC_H
#define GLRT_MALLOC_H

#include <stddef.h>
#include <stdint.h>

namespace glrt {

// Go's maxAlloc on linux/amd64 (1 << 48): the largest allocation Go even
// attempts; bigger sizes are reported as "out of range" by makeslice.
constexpr uint64_t kMaxAlloc = uint64_t(1) << 48;

struct Type;

// Go's mallocgc: `size` bytes for an object of type typ (a descriptor of
// size <= `size`: an array of typ when larger). typ == null or
// typ->ptrdata == 0: noscan, the object holds no heap pointers. Zeroed
// unless needzero is false (the caller then overwrites every byte before
// the object is reachable). size 0 returns the address of a shared
// zero-sized object (Go's zerobase). Any thread; no locks on the fast path
// (malloc.cpp's essay). Fatal ("out of memory") when the OS refuses memory.
void *mallocgc(size_t size, const Type *typ, bool needzero);

// Pointer-free runtime data (buffers, messages): mallocgc(size, null, true).
inline void *mallocnoscan(size_t size) { return mallocgc(size, nullptr, true); }

// A runtime record that holds heap pointers but has no type descriptor of
// its own (hmap, hchan, _defer, sigpanicinfo, a box of unknown type):
// allocated in a scan span with this marker descriptor (ptrdata == size of
// a word, gcdata null), which tells the collector to scan every word of
// the object conservatively. Records that gain exact descriptors move off it.
extern const Type conservativeType;
inline void *mallocscan(size_t size) { return mallocgc(size, &conservativeType, true); }

// Memory for string bytes built by concatenation: unaligned, from the
// calling P's bump chunk, so the newest string can be extended in place
// (growinplace). Noscan.
void *mallocbytes(size_t size);

// If [end, end+n) is exactly the free space following this P's most
// recent mallocbytes allocation, claim it (zero, never handed out) and
// return true. Used by string concatenation: s += t in a loop reuses s's
// bytes, which is safe because strings are immutable and the bytes of s
// itself are not touched.
bool growinplace(void *end, size_t n);

// Never-freed, zeroed memory that is not a Go object (Ms, Gs, Ps, sudogs,
// itab tables, mcaches): Go's persistentalloc. Any thread; a lock.
void *persistentalloc(size_t size, size_t align = 8);

// Calls fn(lo, hi) for every range of persistentalloc memory handed out
// so far (the collector's conservative root scan). Takes persistentLock:
// fn must not call persistentalloc.
void forEachPersistent(void (*fn)(uintptr_t lo, uintptr_t hi, void *), void *arg);

// Gives every P's cached spans back to mcentral and resets their tiny
// blocks and string-bytes cursors (Go's flushmcache), and mcacheNoP's.
// World stopped (the collector, before marking).
void flushmcaches();
// Mark termination (world stopped): publishes every P's write-barrier
// buffer and returns (and resets) the bytes allocated black this cycle.
uint64_t flushBlackAndWbufs();
// Objects allocated through every cache (P caches and mcacheNoP) and the
// tiny allocations among them. World stopped (ReadMemStats).
void mallocCounts(uint64_t *nmalloc, uint64_t *tinyAllocs);

// Address returned for zero-sized allocations.
void *zerobase();

// Bytes of heap pages in spans (cached spans count whole; for tests and
// stats).
uint64_t heapinuse();

// Go's roundupsize (defined in slice.cpp with go1.19's size-class table):
// the byte size Go's malloc would really allocate for `size` bytes.
uint64_t roundupsize(uint64_t size);
// The capacity, in elements, go1.19 gives a fresh slice of n elements of
// elemSize bytes: roundupsize(n*elemSize)/elemSize.
int64_t roundupcap(int64_t n, int64_t elemSize);

} // namespace glrt

#endif // GLRT_MALLOC_H
