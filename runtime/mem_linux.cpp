//===- mem_linux.cpp - sysAlloc/sysFree/sysUnused, fastrand ----------------===//
//
// The runtime's only mmap/munmap/madvise calls (mem.h). sysAlloc fails
// with Go's "fatal error: out of memory".
//===----------------------------------------------------------------------===//
#include "mem.h"

#include "gmp.h"
#include "panic.h"
#include "schedseed.h"
#include "lock.h"

#include <atomic>
#include <sys/mman.h>

namespace glrt {
namespace {
std::atomic<uint64_t> mapped{0};
constexpr size_t kOSPage = 4096;
size_t roundpage(size_t n) { return (n + kOSPage - 1) & ~(kOSPage - 1); }
} // namespace

void *sysAlloc(size_t n) {
  n = roundpage(n);
  void *v = mmap(nullptr, n, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (v == MAP_FAILED || n == 0)
    fatal("runtime: out of memory: cannot allocate memory", "out of memory");
  mapped.fetch_add(n, std::memory_order_relaxed);
  return v;
}

void sysFree(void *v, size_t n) {
  n = roundpage(n);
  mapped.fetch_sub(n, std::memory_order_relaxed);
  munmap(v, n);
}

void sysUnused(void *v, size_t n) {
  // Only whole OS pages inside the range can be released.
  uintptr_t lo = (reinterpret_cast<uintptr_t>(v) + kOSPage - 1) & ~(kOSPage - 1);
  uintptr_t hi = (reinterpret_cast<uintptr_t>(v) + n) & ~(kOSPage - 1);
  if (hi > lo)
    madvise(reinterpret_cast<void *>(lo), hi - lo, MADV_DONTNEED);
}

void sysPrefault(void *v, size_t n) {
  uintptr_t lo = (reinterpret_cast<uintptr_t>(v) + kOSPage - 1) & ~(kOSPage - 1);
  uintptr_t hi = (reinterpret_cast<uintptr_t>(v) + n) & ~(kOSPage - 1);
  if (hi > lo)
    madvise(reinterpret_cast<void *>(lo), hi - lo, 23 /* MADV_POPULATE_WRITE */);
}

void sysHugePage(void *v, size_t n) {
  constexpr uintptr_t kHuge = uintptr_t(2) << 20;
  uintptr_t lo = (reinterpret_cast<uintptr_t>(v) + kHuge - 1) & ~(kHuge - 1);
  uintptr_t hi = (reinterpret_cast<uintptr_t>(v) + n) & ~(kHuge - 1);
  if (hi > lo)
    madvise(reinterpret_cast<void *>(lo), hi - lo, MADV_HUGEPAGE);
}

uint64_t sysMapped() { return mapped.load(std::memory_order_relaxed); }

// ---- fastrand (wyrand) ----
namespace {
// Threads without an M (sysmon before it has one, test threads).
__attribute__((tls_model("initial-exec"))) thread_local uint64_t threadrand;

inline uint32_t wyrand(uint64_t &s) {
  if (s == 0) // first use (a thread without an M): the clock and the stack
              // address, or under schedseed the seed alone (schedseed.h)
    s = schedseedEnabled() ? seedmix(schedseedValue ^ 3)
                           : uint64_t(nanotime()) ^ (uint64_t(reinterpret_cast<uintptr_t>(&s)) << 16) ^ 1;
  s += 0xa0761d6478bd642full;
  __uint128_t t = __uint128_t(s) * (s ^ 0xe7037ed1a0b428dbull);
  return uint32_t(uint64_t(t >> 64) ^ uint64_t(t));
}
} // namespace

uint32_t fastrand(m *mp) { return wyrand(mp->fastrand); }

uint32_t fastrand() {
  g *gp = getg();
  if (gp != nullptr && gp->mp != nullptr)
    return wyrand(gp->mp->fastrand);
  return wyrand(threadrand);
}

uint32_t fastrandn(uint32_t n) { return uint32_t((uint64_t(fastrand()) * n) >> 32); }

uint64_t fastrand64() { return (uint64_t(fastrand()) << 32) | fastrand(); }

void seedfastrand(m *mp, uint64_t seed) { mp->fastrand = seed; }

} // namespace glrt
