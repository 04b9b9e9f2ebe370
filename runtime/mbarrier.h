//===- mbarrier.h - the write barrier (Go's mbarrier.go) ------------------===//
//
// The rule and the list of runtime paths that follow it: mbarrier.cpp's
// essay.
//===----------------------------------------------------------------------===//
#ifndef GLRT_MBARRIER_H
#define GLRT_MBARRIER_H

#include <stdint.h>

namespace glrt {

struct Type;
struct mcache;

// Go's writeBarrier: generated code loads the 32-bit word at offset 0
// (enabled, zero-extended by pad) before every heap pointer store.
struct writeBarrierFlags {
  uint8_t enabled; // the marker wants barriers
  uint8_t pad[3];  // always 0: the word at offset 0 is tested whole
  uint8_t needed;  // (Go's) the collector's phase needs them
  uint8_t pad2[3];
  uint64_t alignme;
};
static_assert(sizeof(writeBarrierFlags) == 16, "irgen declares {i32, i32, i64}");

void wbtestinit(bool on);   // GODEBUG=wbtest=1 (mbarrier.cpp)
void wbtestReport();        // at exit, when wbtest
uint64_t writeBarrierCalls(); // for tests

// Greys the object old points into, if it is a white heap object and the
// collector is marking (the caller checked gcphase). Any thread.
void shade(uintptr_t old);
// Shades the old value of every pointer word (heap bitmap) of
// [dst, dst+n), if dst is in a heap scan span and the collector marks.
void bulkShade(uintptr_t dst, uintptr_t n);
// Publishes c's write-barrier buffer (world stopped, or c's owner on g0).
void wbFlushAll(mcache *c);

// The runtime's C++ stores into heap memory that may hold pointers go
// through these (Go's names), so the deletion barrier sees the old values.
// dst may be any memory (a stack, a global: no shading then).
void typedmemmove(const Type *t, void *dst, const void *src); // t->size bytes
void typedmemclr(const Type *t, void *p);
void memclrHasPointers(void *p, uintptr_t n);
void memmoveHasPointers(void *dst, const void *src, uintptr_t n);

} // namespace glrt

extern "C" glrt::writeBarrierFlags glrt_writeBarrier;

namespace glrt {
// *slot = v for a pointer word of a heap object (Go's writebarrierptr).
void writePointerSlow(void **slot, void *v);
inline void writePointer(void *slot, void *v) {
  if (__builtin_expect(glrt_writeBarrier.enabled, 0))
    writePointerSlow(static_cast<void **>(slot), v);
  else
    *static_cast<void **>(slot) = v;
}
} // namespace glrt

#endif // GLRT_MBARRIER_H
