//===- lock.h - runtime mutex and one-shot note, on Linux futexes ---------===//
//
// Two primitives, as in Go's runtime/lock_futex.go:
//
//   mutex   A short-term lock for runtime data (sched.lock, the stack pools).
//           lock2: one atomic exchange on the fast path; under contention
//           spin a little (only if ncpu > 1), yield once, then sleep on the
//           futex. Never held across a G switch.
//   note    A one-shot event used to park and wake an M (m.park) or to wait
//           for the world to stop (sched.stopnote). notesleep blocks the OS
//           thread on a futex: an idle M costs no CPU. Exactly one thread may
//           sleep on a note; notewakeup may be called once per noteclear.
//
// The state words are plain std::atomic<uint32_t>. Memory orders:
//   - mutex acquire: exchange/CAS with acquire; pairs with the release
//     store/exchange in unlock.
//   - note: notewakeup stores 1 with release (seq_cst exchange); notesleep
//     loads with acquire, so everything written before the wakeup is visible
//     after notesleep returns.
//
// Clang thread-safety annotations: a mutex is a capability; fields guarded by
// one say GUARDED_BY(lock); functions that need it say REQUIRES(lock).
// -Wthread-safety (runtime/CMakeLists.txt) checks them at compile time.
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstdint>

#if defined(__clang__)
#define GLRT_TSA(x) __attribute__((x))
#else
#define GLRT_TSA(x)
#endif
#define CAPABILITY(x) GLRT_TSA(capability(x))
#define GUARDED_BY(x) GLRT_TSA(guarded_by(x))
#define PT_GUARDED_BY(x) GLRT_TSA(pt_guarded_by(x))
#define REQUIRES(...) GLRT_TSA(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) GLRT_TSA(acquire_capability(__VA_ARGS__))
#define RELEASE(...) GLRT_TSA(release_capability(__VA_ARGS__))
#define EXCLUDES(...) GLRT_TSA(locks_excluded(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS GLRT_TSA(no_thread_safety_analysis)

namespace glrt {

// mutex.key: 0 unlocked, 1 locked, 2 locked and someone may sleep on it.
struct CAPABILITY("mutex") mutex {
  std::atomic<uint32_t> key{0};
};

void lock(mutex *l) ACQUIRE(l);
void unlock(mutex *l) RELEASE(l);

// note.key: 0 clear, 1 woken.
struct note {
  std::atomic<uint32_t> key{0};
};

void noteclear(note *n);
void notewakeup(note *n);
// Blocks the calling thread until notewakeup.
void notesleep(note *n);
// Like notesleep but gives up after ns nanoseconds (ns < 0: forever).
// Returns true if woken.
bool notetsleep(note *n, int64_t ns);

// Raw futex helpers (also used by tests).
void futexsleep(std::atomic<uint32_t> *addr, uint32_t val, int64_t ns);
void futexwakeup(std::atomic<uint32_t> *addr, uint32_t cnt);

// Monotonic clock in nanoseconds.
int64_t nanotime();
void osyield();
void usleep(uint32_t usec);

} // namespace glrt
