//===- malloc.h - glrt's heap: a bump allocator (no GC yet) ----------------===//
#ifndef GLRT_MALLOC_H
#define GLRT_MALLOC_H

#include <stddef.h>
#include <stdint.h>

namespace glrt {

// Go's maxAlloc on linux/amd64 (1 << 48): the largest allocation Go even
// attempts; bigger sizes are reported as "out of range" by makeslice.
constexpr uint64_t kMaxAlloc = uint64_t(1) << 48;

// Zeroed memory of `size` bytes, never freed. Objects of 8 bytes or less
// are 8-byte aligned, everything else 16-byte aligned. size 0 returns the
// address of a shared zero-sized object (Go's zerobase). Thread-safe; does
// not take locks on the fast path. Fatal ("runtime: out of memory") when
// the OS refuses memory.
void *mallocgc(size_t size);

// Memory for string bytes: like mallocgc but with no alignment, so that a
// string is followed directly by this thread's free space and can be
// extended in place (growinplace).
void *mallocbytes(size_t size);

// If [end, end+n) is exactly the free space following this thread's most
// recent allocation, claim it (it is zero and never handed out) and return
// true. Used by string concatenation: s += t in a loop reuses s's bytes,
// which is safe because strings are immutable and the bytes of s itself are
// not touched.
bool growinplace(void *end, size_t n);

// Same memory, for the runtime's own long-lived data (not Go objects).
inline void *persistentalloc(size_t size) { return mallocgc(size); }

// Address returned for zero-sized allocations.
void *zerobase();

// Bytes taken from the OS for objects so far (per-thread cache regions
// count whole; for tests and stats).
uint64_t heapinuse();

// Go's roundupsize (defined in slice.cpp with go1.19's size-class table):
// the byte size Go's malloc would really allocate for `size` bytes.
uint64_t roundupsize(uint64_t size);
// The capacity, in elements, go1.19 gives a fresh slice of n elements of
// elemSize bytes: roundupsize(n*elemSize)/elemSize.
int64_t roundupcap(int64_t n, int64_t elemSize);

} // namespace glrt

#endif // GLRT_MALLOC_H
