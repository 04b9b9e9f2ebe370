//===- mem.h - the platform layer: memory from the OS, stack limit, rand ---===//
//
// Every mapping glrt makes goes through these four calls (Go's mem_linux.go
// names), so the accounting and the failure message live in one place:
//
//   sysAlloc(n)       n bytes of fresh, zeroed, read-write memory (rounded up
//                     to the OS page). MAP_NORESERVE: untouched pages cost no
//                     RSS and no commit charge. Fatal "out of memory" when the
//                     OS refuses (Go's throw: never returns null).
//   sysFree(v, n)     unmaps [v, v+n) (n as given to sysAlloc).
//   sysUnused(v, n)   tells the OS the pages of [v, v+n) are not needed
//                     (madvise MADV_DONTNEED): their RSS goes away at once and
//                     the next touch sees zero-filled pages. The range stays
//                     mapped, so pointers into it remain valid addresses.
//   sysUsed(v, n)     the inverse hint before reuse; a no-op on Linux (a
//                     touch faults the page back in, zeroed).
//
// All four are plain system calls: callable from any thread, with or
// without an M or a P, but they use libc's mmap wrapper, so on a goroutine
// they belong on g0 (stack.h's rule) like every other slow path.
//
// The same header has the two other per-thread primitives every runtime
// file needs: the split-stack limit slot (%fs:TLS_STACKLIMIT) and Go's
// fastrand.
//===----------------------------------------------------------------------===//
#ifndef GLRT_MEM_H
#define GLRT_MEM_H

#include "arch/amd64/asm_amd64.h"

#include <stddef.h>
#include <stdint.h>

namespace glrt {

struct m;

void *sysAlloc(size_t n);
void sysFree(void *v, size_t n);
void sysUnused(void *v, size_t n);
inline void sysUsed(void *, size_t) {}
// Faults in the whole OS pages of [v, v+n) for writing in one call
// (MADV_POPULATE_WRITE) instead of one page fault per page, for memory
// about to be written in full. Best effort: older kernels reject it.
void sysPrefault(void *v, size_t n);
// Asks for transparent huge pages (2 MiB) on the whole huge pages inside
// [v, v+n) (MADV_HUGEPAGE, as go1.19's sysHugePage on heap memory): with
// the kernel's THP mode "madvise" (a common default) only advised ranges
// get them. A large heap walked at random (a map's buckets) then takes a
// TLB miss per 2 MiB instead of per 4 KiB. Best effort.
void sysHugePage(void *v, size_t n);

// Bytes currently mapped by sysAlloc and not yet sysFree'd (relaxed).
uint64_t sysMapped();

// The thread's split-stack limit (the word at %fs:TLS_STACKLIMIT that
// every split prologue compares rsp against, less its frame). setstacklimit
// exchanges (xchg: one atomic instruction, so sysmon's poison store from
// another thread is never half-lost) and returns the previous value.
inline uintptr_t getstacklimit() {
  uintptr_t v;
  asm volatile("movq %%fs:%c1, %0" : "=r"(v) : "i"(TLS_STACKLIMIT));
  return v;
}
inline uintptr_t setstacklimit(uintptr_t v) {
  asm volatile("xchgq %0, %%fs:%c1" : "+r"(v) : "i"(TLS_STACKLIMIT) : "memory");
  return v;
}
// The address of this thread's slot (sysmon's poison target).
inline uintptr_t *stacklimitslot() {
  uintptr_t tcb;
  asm volatile("movq %%fs:0, %0" : "=r"(tcb)); // glibc: tcbhead_t.tcb (self)
  return reinterpret_cast<uintptr_t *>(tcb + TLS_STACKLIMIT);
}

// Go's fastrand: a fast, non-cryptographic per-M generator (wyrand). The
// state is the M's (m::fastrand) when the thread runs one, else a
// thread-local word, so calls need no lock: only the owning thread ever
// touches a state. Seeded per M in mcommoninit (seedfastrand); a zero
// state seeds itself from the clock and the stack address on first use.
uint32_t fastrand();
uint32_t fastrand(m *mp);        // mp must be the calling thread's M
uint32_t fastrandn(uint32_t n);  // uniform in [0, n) (Lemire's multiply)
uint64_t fastrand64();
void seedfastrand(m *mp, uint64_t seed);

} // namespace glrt

#endif // GLRT_MEM_H
