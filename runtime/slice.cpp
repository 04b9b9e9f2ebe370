//===- slice.cpp - append's growth (growslice) and Go's size classes -------===//
//
// Go programs print cap(s), so the capacity append picks is observable
// behaviour and must equal go1.19's exactly. go1.19 (runtime/slice.go)
// computes it in two steps:
//
//  1. Growth rule. needed = the new length. If needed > 2*oldCap, take
//     needed. Otherwise, below 256 elements double; from 256 on grow by
//     (newcap + 3*256)/4 repeatedly until >= needed (a smooth change from
//     2x towards 1.25x).
//  2. Rounding to the allocator's size class. The byte size newcap*elemSize
//     is rounded up to the next malloc size class (class table below; above
//     32 KiB to a multiple of the 8 KiB page), and the capacity becomes
//     however many elements fit in that.
//
// The classes are the allocator's own (sizeclasses.h), so cap() is what
// the allocation really holds, as in Go.
//
// Invariants: the returned capacity is >= newLen; the first oldLen elements
// are copied; the rest of the new array is zero (fresh heap memory).
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "malloc.h"
#include "mgc.h"
#include "panic.h"
#include "race.h"
#include "sizeclasses.h"
#include "type.h"

#include <string.h>

namespace glrt {
namespace {

constexpr uint64_t kGoPageSize = _PageSize; // Go's _PageSize, not the OS page

} // namespace

// Go's roundupsize: the size Go's malloc really allocates for `size` bytes.
uint64_t roundupsize(uint64_t size) {
  if (size <= _MaxSmallSize) {
    if (size == 0)
      return 0;
    return class_to_size[sizeToClass(size)];
  }
  if (size + kGoPageSize < size)
    return size;
  return (size + kGoPageSize - 1) & ~(kGoPageSize - 1);
}

// Go's capacity for a fresh allocation of n elements (rawbyteslice,
// rawruneslice, and growslice's final step once newcap is chosen).
int64_t roundupcap(int64_t n, int64_t elemSize) {
  if (elemSize <= 0)
    return n;
  uint64_t mem = roundupsize(uint64_t(n) * uint64_t(elemSize));
  return int64_t(mem / uint64_t(elemSize));
}

} // namespace glrt

int64_t glrt_roundupcap(int64_t n, int64_t elemSize) {
  return glrt::roundupcap(n, elemSize);
}

glrt_pair glrt_growslice(void *oldData, int64_t oldLen, int64_t oldCap,
                         int64_t newLen, void *et) {
  auto *t = static_cast<const glrt::Type *>(et);
  int64_t elemSize = int64_t(t->size);
  uintptr_t fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (newLen < oldCap || newLen < 0)
    glrt::panicruntimeerror("growslice: cap out of range", fp);
  if (elemSize == 0)
    return {glrt::zerobase(), newLen};

  int64_t newcap = oldCap;
  int64_t doublecap = newcap + newcap;
  if (newLen > doublecap) {
    newcap = newLen;
  } else {
    constexpr int64_t kThreshold = 256;
    if (oldCap < kThreshold) {
      newcap = doublecap;
    } else {
      // Checking 0 < newcap detects overflow and prevents an infinite loop.
      while (0 < newcap && newcap < newLen)
        newcap += (newcap + 3 * kThreshold) / 4;
      if (newcap <= 0)
        newcap = newLen;
    }
  }

  uint64_t es = uint64_t(elemSize);
  unsigned __int128 want = (unsigned __int128)uint64_t(newcap) * es;
  if (want > glrt::kMaxAlloc)
    glrt::panicruntimeerror("growslice: cap out of range", fp);
  uint64_t capmem = glrt::roundupsize(uint64_t(want));
  if (capmem > glrt::kMaxAlloc)
    glrt::panicruntimeerror("growslice: cap out of range", fp);
  newcap = int64_t(capmem / es);

  void *p = glrt::mallocgc(capmem, t, true);
  // -race: growslice reads the old elements (Go's racereadrangepc on
  // old.array): an append racing with a write to them is reported.
  if (glrt::raceenabled && oldLen > 0)
    glrt::racereadrangepc(oldData, uint64_t(oldLen) * es, RACE_CALLERPC());
  if (oldLen > 0)
    memmove(p, oldData, uint64_t(oldLen) * es);
  glrt::gcSafePoint(); // after the copy: a yield keeps p (stack or register)
  return {p, newcap};
}
