//===- mbarrier.cpp - the write barrier (Go's mbarrier.go) -----------------===//
//
// glc emits, before every store of a pointer-holding value whose
// destination is not a stack slot (and before every memcpy/memmove/memset
// into such memory), a check of glrt_writeBarrier.enabled and an unlikely
// call into here (compiler/irgen/IRGenAlloc.cpp: insertWriteBarriers).
// The collector marks with the world stopped (mgc.cpp), so mutators never
// run while it marks: the flag stays 0 and the calls never happen; they
// exist so a concurrent marker can turn them on. Until then:
//   gcWriteBarrier(slot, ptr)       performs *slot = ptr (Go's
//                                   gcWriteBarrier does the store too);
//   bulkBarrierPreWrite(dst, src, n) does nothing (the marker will shade
//                                   the pointers of [dst, dst+n) and
//                                   [src, src+n) before the copy).
//
// GODEBUG=wbtest=1 (glrt only) turns the flag on for the whole run and
// prints "wbtest: barriers=N bulk=M" at exit, to check that the emitted
// barriers are reached and keep the program's behaviour (lit
// gc/write_barrier_run.gl).
//
// Concurrency: the flag is written only with the world stopped (or, for
// wbtest, before any goroutine starts) and read racily by every store
// site, as in Go; the counters are relaxed atomics.
//===----------------------------------------------------------------------===//
#include "mbarrier.h"

#include "abi.h"

#include <atomic>
#include <stdio.h>
#include <unistd.h>

extern "C" {
glrt::writeBarrierFlags glrt_writeBarrier;
}

namespace glrt {
namespace {
std::atomic<uint64_t> nbarriers{0}, nbulk{0};
bool wbtest;
} // namespace

void wbtestinit(bool on) {
  wbtest = on;
  if (on)
    glrt_writeBarrier.enabled = 1;
}

void wbtestReport() {
  if (!wbtest)
    return;
  char buf[100];
  int n = snprintf(buf, sizeof buf, "wbtest: barriers=%llu bulk=%llu\n",
                   (unsigned long long)nbarriers.load(), (unsigned long long)nbulk.load());
  if (n > 0)
    (void)!write(2, buf, size_t(n) < sizeof buf ? size_t(n) : sizeof buf - 1);
}

uint64_t writeBarrierCalls() { return nbarriers.load(std::memory_order_relaxed); }

} // namespace glrt

void glrt_gcWriteBarrier(void *slot, void *ptr) {
  glrt::nbarriers.fetch_add(1, std::memory_order_relaxed);
  *static_cast<void **>(slot) = ptr;
}

void glrt_bulkBarrierPreWrite(void *dst, void *src, int64_t n) {
  (void)dst;
  (void)src;
  (void)n;
  glrt::nbulk.fetch_add(1, std::memory_order_relaxed);
}
