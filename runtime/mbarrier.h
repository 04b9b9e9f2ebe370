//===- mbarrier.h - the write-barrier flag (Go's runtime.writeBarrier) ----===//
#ifndef GLRT_MBARRIER_H
#define GLRT_MBARRIER_H

#include <stdint.h>

namespace glrt {

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

} // namespace glrt

extern "C" glrt::writeBarrierFlags glrt_writeBarrier;

#endif // GLRT_MBARRIER_H
