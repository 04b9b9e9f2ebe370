//===- lock_futex.cpp - mutex and note on Linux futexes -------------------===//
//
// Implements lock.h. The design is Go's lock_futex.go, written anew:
//
//   lock: exchange key with 1 (locked). If it was 0 we own it. Otherwise we
//   remember "wait" = what we displaced (1 or 2), spin 4 x 30 pause
//   instructions (multi-CPU only), yield once, then exchange key with 2
//   ("someone sleeps") and futex-wait while it stays 2. When we finally
//   acquire after sleeping we keep the key at 2, so the unlocker wakes the
//   next sleeper: no wakeup is ever lost, some are spurious.
//   unlock: exchange key with 0; if the old value was 2, wake one sleeper.
//
//   notes: key 0 -> 1 exactly once; sleepers futex-wait on key == 0.
//
// Invariants: a mutex is never held across a G switch; the runtime never
// takes a mutex inside a signal handler.
//===----------------------------------------------------------------------===//
#include "lock.h"

#include "gmp.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if GLRT_TSAN
// ThreadSanitizer: a thread blocked in a raw futex syscall must say so, or
// TSan's periodic global reset (which waits for every running thread) and
// with it every new thread's start wait for it forever: glrt's idle Ms
// sleep in FUTEX_WAIT indefinitely. The syscall hooks mark the blocking
// region (TSan's own futex interception does the same).
#include <sanitizer/linux_syscall_hooks.h>
#endif

namespace glrt {

void futexsleep(std::atomic<uint32_t> *addr, uint32_t val, int64_t ns) {
  struct timespec ts, *tsp = nullptr;
  if (ns >= 0) {
    ts.tv_sec = ns / 1000000000;
    ts.tv_nsec = ns % 1000000000;
    tsp = &ts;
  }
  // Spurious returns (EINTR, EAGAIN, timeout) are fine: callers loop.
#if GLRT_TSAN
  __sanitizer_syscall_pre_futex(addr, FUTEX_WAIT_PRIVATE, val, tsp, nullptr, 0);
#endif
  long r = syscall(SYS_futex, reinterpret_cast<uint32_t *>(addr), FUTEX_WAIT_PRIVATE, val,
                   tsp, nullptr, 0);
#if GLRT_TSAN
  __sanitizer_syscall_post_futex(r, addr, FUTEX_WAIT_PRIVATE, val, tsp, nullptr, 0);
#endif
  (void)r;
}

void futexwakeup(std::atomic<uint32_t> *addr, uint32_t cnt) {
  syscall(SYS_futex, reinterpret_cast<uint32_t *>(addr), FUTEX_WAKE_PRIVATE, cnt,
          nullptr, nullptr, 0);
}

int64_t nanotime() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void osyield() { sched_yield(); }
void usleep(uint32_t usec) { ::usleep(usec); }

enum : uint32_t { mutex_unlocked = 0, mutex_locked = 1, mutex_sleeping = 2 };

void lock(mutex *l) NO_THREAD_SAFETY_ANALYSIS {
  // acquire; pairs with the release exchange in unlock.
  uint32_t v = l->key.exchange(mutex_locked, std::memory_order_acquire);
  if (v == mutex_unlocked)
    return;
  uint32_t wait = v; // keep "sleeping" if we displaced it
  // Spin only on a multiprocessor. ncpu (gmp.h) is Go's: counted once by
  // schedinit before any other thread exists, so a plain read; 1 before
  // that (unit tests that use locks without a scheduler: no active spin).
  // Nothing on this path may be more expensive than a system call: lock()
  // runs on goroutine stacks (channels, select, semaphores), inside the
  // 256-byte reserve below a segment's limit (stack.h). (It once asked
  // sysconf(_SC_NPROCESSORS_ONLN) on the first contention in the process:
  // glibc parses /sys/devices/system/cpu/online with ~1,400 bytes of
  // stack, which ran off a 2 KiB goroutine segment into the one below.)
  int spin = ncpu > 1 ? 4 : 0;
  for (;;) {
    for (int i = 0; i < spin; i++) {
      while (l->key.load(std::memory_order_relaxed) == mutex_unlocked) {
        uint32_t exp = mutex_unlocked;
        if (l->key.compare_exchange_weak(exp, wait, std::memory_order_acquire))
          return;
      }
      for (int k = 0; k < 30; k++)
        __builtin_ia32_pause();
    }
    // One passive spin.
    while (l->key.load(std::memory_order_relaxed) == mutex_unlocked) {
      uint32_t exp = mutex_unlocked;
      if (l->key.compare_exchange_weak(exp, wait, std::memory_order_acquire))
        return;
    }
    osyield();
    // Sleep.
    v = l->key.exchange(mutex_sleeping, std::memory_order_acquire);
    if (v == mutex_unlocked)
      return;
    wait = mutex_sleeping;
    futexsleep(&l->key, mutex_sleeping, -1);
  }
}

void unlock(mutex *l) NO_THREAD_SAFETY_ANALYSIS {
  // release; pairs with the acquire exchange/CAS in lock.
  uint32_t v = l->key.exchange(mutex_unlocked, std::memory_order_release);
  if (v == mutex_sleeping)
    futexwakeup(&l->key, 1);
}

void noteclear(note *n) { n->key.store(0, std::memory_order_relaxed); }

void notewakeup(note *n) {
  // seq_cst exchange (release half pairs with the acquire load in
  // notesleep). Double wakeup is a runtime bug.
  uint32_t old = n->key.exchange(1, std::memory_order_seq_cst);
  if (old != 0) {
    static const char msg[] = "fatal error: notewakeup - double wakeup\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(2);
  }
  futexwakeup(&n->key, 1);
}

void notesleep(note *n) {
  // acquire; pairs with notewakeup.
  while (n->key.load(std::memory_order_acquire) == 0)
    futexsleep(&n->key, 0, -1);
}

bool notetsleep(note *n, int64_t ns) {
  if (ns < 0) {
    notesleep(n);
    return true;
  }
  int64_t deadline = nanotime() + ns;
  while (n->key.load(std::memory_order_acquire) == 0) {
    int64_t now = nanotime();
    if (now >= deadline)
      return false;
    futexsleep(&n->key, 0, deadline - now);
  }
  return true;
}

} // namespace glrt
