//===- race.cpp - ThreadSanitizer annotations for `glc build -race` --------===//
//
// See race.h. Compiled into both runtimes; everything but glrt_sigaction is
// only in libglrt_race.a (GLRT_RACE=1), which is itself not instrumented.
//===----------------------------------------------------------------------===//
#include "race.h"
#include "symtab.h"

#include <csignal>
#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <sys/uio.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gmp.h"
#include "proc.h"
#include "traceback.h"

#if !GLRT_RACE

namespace glrt {
int glrt_sigaction(int sig, const struct sigaction *sa, struct sigaction *old) {
  return sigaction(sig, sa, old);
}
} // namespace glrt

#else

// The runtime's own copies bypass TSan's interceptors (CMakeLists.txt
// renames the archive's references to memmove/memcpy/memset to these).
#include <cstddef>
namespace {
using copyfn = void *(*)(void *, const void *, size_t);
using setfn = void *(*)(void *, int, size_t);
// libc's functions, looked up once; a racing first lookup stores the same
// value (relaxed atomics: any thread may be first).
template <class F> F libc(const char *name, F &slot) {
  F f = __atomic_load_n(&slot, __ATOMIC_RELAXED);
  if (f == nullptr) {
    f = reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
    __atomic_store_n(&slot, f, __ATOMIC_RELAXED);
  }
  return f;
}
copyfn realMemmove, realMemcpy;
setfn realMemset;
} // namespace
extern "C" void *glrt_race_memmove(void *d, const void *s, size_t n) {
  return libc("memmove", realMemmove)(d, s, n);
}
extern "C" void *glrt_race_memcpy(void *d, const void *s, size_t n) {
  return libc("memcpy", realMemcpy)(d, s, n);
}
extern "C" void *glrt_race_memset(void *d, int c, size_t n) {
  return libc("memset", realMemset)(d, c, n);
}

// The same for every other libc call of the runtime that reads or writes
// memory through a pointer (CMakeLists.txt renames X to glrt_race_X): TSan's
// interceptors would record those accesses in whatever fiber is current,
// on memory only the runtime orders (an M's TLS print buffer, g0's stack,
// timer heaps), and report the next goroutine that touches it through
// another call; a pthread mutex would even add happens-before edges between
// unrelated goroutines. pthread_create, mmap/munmap/madvise (TSan resets
// the shadow of new mappings), open and _exit (TSan's Finalize: the exit
// status 66) stay intercepted (close does not: the descriptor TSan saw
// opened stays in its table, which only intercepted calls consult).
#define GLRT_LIBC(name, params, args)                                          \
  extern "C" auto glrt_race_##name params->decltype(::name args) {             \
    static decltype(&::name) real;                                             \
    return libc(#name, real) args;                                             \
  }
#define P(...) (__VA_ARGS__)
GLRT_LIBC(write, P(int fd, const void *b, size_t n), P(fd, b, n))
GLRT_LIBC(clock_gettime, P(clockid_t c, struct timespec *t), P(c, t))
GLRT_LIBC(nanosleep, P(const struct timespec *a, struct timespec *b), P(a, b))
GLRT_LIBC(process_vm_readv,
          P(pid_t p, const struct iovec *l, unsigned long nl, const struct iovec *r,
            unsigned long nr, unsigned long f),
          P(p, l, nl, r, nr, f))
GLRT_LIBC(vsnprintf, P(char *s, size_t n, const char *f, va_list ap), P(s, n, f, ap))
GLRT_LIBC(sched_getaffinity, P(pid_t p, size_t n, cpu_set_t *s), P(p, n, s))
GLRT_LIBC(sigaltstack, P(const stack_t *a, stack_t *b), P(a, b))
GLRT_LIBC(pthread_attr_init, P(pthread_attr_t *a), P(a))
GLRT_LIBC(pthread_attr_destroy, P(pthread_attr_t *a), P(a))
GLRT_LIBC(pthread_attr_getstack, P(const pthread_attr_t *a, void **s, size_t *n), P(a, s, n))
GLRT_LIBC(pthread_attr_setstacksize, P(pthread_attr_t *a, size_t n), P(a, n))
GLRT_LIBC(pthread_attr_setdetachstate, P(pthread_attr_t *a, int d), P(a, d))
GLRT_LIBC(pthread_getattr_np, P(pthread_t t, pthread_attr_t *a), P(t, a))
GLRT_LIBC(pthread_mutex_lock, P(pthread_mutex_t *m), P(m))
GLRT_LIBC(pthread_mutex_unlock, P(pthread_mutex_t *m), P(m))
GLRT_LIBC(realloc, P(void *p, size_t n), P(p, n))
// The socket and poller calls (net.cpp, netpoll_epoll.cpp): TSan's
// interceptors recorded their buffers (a sockaddr's length on g0's stack,
// epoll_wait's event array) as accessed by whichever fiber was current, so
// two goroutines whose calls ran on the same M's g0 stack were reported
// (examples/echo.gl), and the fd interceptors made happens-before edges
// through file descriptors that Go's race runtime does not have.
GLRT_LIBC(socket, P(int d, int t, int p), P(d, t, p))
GLRT_LIBC(setsockopt, P(int fd, int l, int n, const void *v, socklen_t vl), P(fd, l, n, v, vl))
GLRT_LIBC(getsockopt, P(int fd, int l, int n, void *v, socklen_t *vl), P(fd, l, n, v, vl))
GLRT_LIBC(bind, P(int fd, const struct sockaddr *a, socklen_t l), P(fd, a, l))
GLRT_LIBC(listen, P(int fd, int n), P(fd, n))
GLRT_LIBC(getsockname, P(int fd, struct sockaddr *a, socklen_t *l), P(fd, a, l))
GLRT_LIBC(getpeername, P(int fd, struct sockaddr *a, socklen_t *l), P(fd, a, l))
GLRT_LIBC(accept4, P(int fd, struct sockaddr *a, socklen_t *l, int f), P(fd, a, l, f))
GLRT_LIBC(connect, P(int fd, const struct sockaddr *a, socklen_t l), P(fd, a, l))
GLRT_LIBC(close, P(int fd), P(fd))
GLRT_LIBC(read, P(int fd, void *b, size_t n), P(fd, b, n))
GLRT_LIBC(send, P(int fd, const void *b, size_t n, int f), P(fd, b, n, f))
GLRT_LIBC(epoll_create1, P(int f), P(f))
GLRT_LIBC(epoll_ctl, P(int e, int op, int fd, struct epoll_event *ev), P(e, op, fd, ev))
GLRT_LIBC(epoll_wait, P(int e, struct epoll_event *ev, int n, int ms), P(e, ev, n, ms))
GLRT_LIBC(eventfd, P(unsigned v, int f), P(v, f))
#undef P
#undef GLRT_LIBC
extern "C" int glrt_race_snprintf(char *s, size_t n, const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  int r = glrt_race_vsnprintf(s, n, f, ap);
  va_end(ap);
  return r;
}

extern "C" {
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
void __tsan_set_fiber_name(void *fiber, const char *name);
void __tsan_acquire(void *addr);
void __tsan_func_entry(void *pc);
void __tsan_func_exit(void);
void __tsan_release(void *addr);
void __tsan_read1_pc(void *addr, void *pc);
void __tsan_write1_pc(void *addr, void *pc);
void __tsan_read_range_pc(void *addr, unsigned long size, void *pc);
void __tsan_java_alloc(unsigned long ptr, unsigned long size);
void __tsan_java_free(unsigned long ptr, unsigned long size);
void __tsan_java_release_store(unsigned long addr);
void __tsan_write_range_pc(void *addr, unsigned long size, void *pc);
}

extern "C" {
int __tsan_get_report_data(void *report, const char **description, int *count,
                           int *stack_count, int *mop_count, int *loc_count,
                           int *mutex_count, int *thread_count, int *unique_tid_count,
                           void **sleep_trace, unsigned long trace_size);
int __tsan_get_report_mop(void *report, unsigned long idx, int *tid, void **addr, int *size,
                          int *write, int *atomic, void **trace, unsigned long trace_size);
int __tsan_get_report_thread(void *report, unsigned long idx, int *tid, uint64_t *os_id,
                             int *running, const char **name, int *parent_tid, void **trace,
                             unsigned long trace_size);
void __sanitizer_symbolize_pc(void *pc, const char *fmt, char *out, size_t size);
void __sanitizer_set_report_fd(void *fd);
void __sanitizer_set_death_callback(void (*cb)(void));
}

namespace __tsan { // TSan's runtime (see racereleaseacquire below)
struct ThreadState;
void ReleaseStoreAcquire(ThreadState *thr, unsigned long pc, unsigned long addr);
} // namespace __tsan

// __tsan_switch_to_fiber_no_sync: switching is no happens-before edge.
static constexpr unsigned kNoSync = 1;

namespace glrt {

namespace {
// Runs fn in gp's fiber if gp is not the current one. gp is parked (its
// sudog is held by the caller), so no thread runs in its fiber meanwhile.
template <class F> inline void ing(g *gp, F fn) {
  void *cur = __tsan_get_current_fiber();
  if (gp == nullptr || gp->racectx == nullptr || gp->racectx == cur) {
    fn();
    return;
  }
  __tsan_switch_to_fiber(gp->racectx, kNoSync);
  fn();
  __tsan_switch_to_fiber(cur, kNoSync);
}
} // namespace

// TSan's C interface has Acquire (__tsan_acquire) and Release
// (__tsan_release, a merge); its Java interface has ReleaseStore
// (__tsan_java_release_store: only debug checks read the Java heap
// bounds, as for java_alloc below). ReleaseStoreAcquire, which Go's race
// runtime exports as __tsan_release_acquire, has no public C entry point:
// glrt calls TSan's own function, __tsan::ReleaseStoreAcquire(thr, pc,
// addr), with thr = the current fiber (__tsan_get_current_fiber returns
// the current ThreadState). Its mangled name carries the signature, so an
// LLVM whose function differs fails to link rather than misbehaves.
// Emulations from the public calls are not the same edge: acquire then
// release-store leaves the slot holding the old clock too (the
// accumulation that hid a race through a buffered channel's slot,
// lit race/chan_slot.gl), release-store then acquire loses the old clock.
void raceacquire(const void *addr) { __tsan_acquire(const_cast<void *>(addr)); }
void racerelease(const void *addr) {
  __tsan_java_release_store(reinterpret_cast<unsigned long>(addr));
}
void racereleasemerge(const void *addr) { __tsan_release(const_cast<void *>(addr)); }
void racereleaseacquire(const void *addr) {
  __tsan::ReleaseStoreAcquire(static_cast<__tsan::ThreadState *>(__tsan_get_current_fiber()), 0,
                              reinterpret_cast<uintptr_t>(addr));
}
void raceacquireg(g *gp, const void *addr) {
  ing(gp, [addr] { raceacquire(addr); });
}
void racereleaseg(g *gp, const void *addr) {
  ing(gp, [addr] { racerelease(addr); });
}
void racereleaseacquireg(g *gp, const void *addr) {
  ing(gp, [addr] { racereleaseacquire(addr); });
}

void racereadpc(const void *addr, uintptr_t pc) {
  __tsan_read1_pc(const_cast<void *>(addr), reinterpret_cast<void *>(pc));
}
void racewritepc(const void *addr, uintptr_t pc) {
  __tsan_write1_pc(const_cast<void *>(addr), reinterpret_cast<void *>(pc));
}
void racereadrangepc(const void *addr, uintptr_t len, uintptr_t pc) {
  if (len)
    __tsan_read_range_pc(const_cast<void *>(addr), len, reinterpret_cast<void *>(pc));
}
void racewriterangepc(const void *addr, uintptr_t len, uintptr_t pc) {
  if (len)
    __tsan_write_range_pc(const_cast<void *>(addr), len, reinterpret_cast<void *>(pc));
}

static int64_t ioSync; // race.h: raceiowrite/raceioread (only its address is used)
void raceiowrite(const void *b, int64_t n, uintptr_t pc) {
  racereleasemerge(&ioSync);
  if (n > 0)
    racereadrangepc(b, uintptr_t(n), pc);
}
void raceioread(const void *b, int64_t n, uintptr_t pc) {
  if (n > 0)
    racewriterangepc(b, uintptr_t(n), pc);
  if (n >= 0)
    raceacquire(&ioSync);
}

// Each TSan fiber maps its own 512 KiB shadow stack: with Linux's
// vm.max_map_count (65530 by default) mappings in all, a program cannot
// have many more than ~60,000 goroutines alive under -race (go1.19's race
// runtime has no such limit; older ones stopped at 8128). Past 3/4 of
// max_map_count glrt stops the program with the message those old Go
// versions printed, rather than TSan's out-of-memory death.
static std::atomic<int64_t> racealive{0};
static int64_t racelimit() {
  static int64_t limit = 0;
  if (limit == 0) {
    int64_t maps = 65530;
    int fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      char b[32];
      long n = syscall(SYS_read, fd, b, sizeof b - 1);
      close(fd);
      if (n > 0) {
        int64_t v = 0;
        for (long i = 0; i < n && b[i] >= '0' && b[i] <= '9'; i++)
          v = v * 10 + (b[i] - '0');
        if (v > 0)
          maps = v;
      }
    }
    limit = maps / 4 * 3;
  }
  return limit;
}

void racegostart(g *newg) {
  if (racealive.fetch_add(1, std::memory_order_relaxed) + 1 > racelimit()) {
    char msg[128];
    int n = snprintf(msg, sizeof msg,
                     "race: limit on %lld simultaneously alive goroutines is exceeded, dying\n",
                     (long long)racelimit());
    syscall(SYS_write, 2, msg, size_t(n));
    _exit(66);
  }
  // Created in the creator's context: TSan's fiber creation is a release
  // by the creator acquired by the new fiber (the `go` statement's edge).
  // The `go` statement's PC is pushed for the call so that the creation
  // stack ("created at") ends there: the shadow stack holds only callers'
  // PCs, and the creating call itself is in the runtime.
  if (newg->gopc)
    __tsan_func_entry(reinterpret_cast<void *>(newg->gopc));
  newg->racectx = __tsan_create_fiber(0);
  if (newg->gopc)
    __tsan_func_exit();
  char name[32] = "goroutine ";
  char digits[24];
  int n = 0;
  for (uint64_t v = uint64_t(newg->goid); n == 0 || v; v /= 10)
    digits[n++] = char('0' + v % 10);
  int at = 10;
  while (n)
    name[at++] = digits[--n];
  name[at] = 0;
  __tsan_set_fiber_name(newg->racectx, name); // copied by TSan
}

void racegoswitch(g *gp) {
  if (gp->racectx)
    __tsan_switch_to_fiber(gp->racectx, kNoSync);
}

void racegotog0() {
  g *g0 = getg()->mp->g0;
  if (g0->racectx)
    __tsan_switch_to_fiber(g0->racectx, kNoSync);
}

void racegoend(g *gp) {
  if (gp->racectx) {
    racealive.fetch_sub(1, std::memory_order_relaxed);
    __tsan_destroy_fiber(gp->racectx);
    gp->racectx = nullptr;
  }
}

void raceminit(g *g0) {
  g0->racectx = __tsan_get_current_fiber();
  static bool reportfdset = false; // m0, before any other M exists
  if (!reportfdset) {
    reportfdset = true;
    const char *keep = getenv("GLRT_RACE_TSAN_REPORTS");
    if (keep == nullptr || strcmp(keep, "1") != 0) {
      int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
      if (fd >= 0)
        __sanitizer_set_report_fd(reinterpret_cast<void *>(uintptr_t(fd)));
      // Its fatal errors went there too: say that it died, and how to see why.
      __sanitizer_set_death_callback([] {
        static const char msg[] = "race: ThreadSanitizer's runtime failed; run again with "
                                  "GLRT_RACE_TSAN_REPORTS=1 to see its message\n";
        syscall(SYS_write, 2, msg, sizeof msg - 1);
      });
    }
  }
}

// Heap objects and reused memory. TSan's Java interface is the public
// entry point for a heap TSan's allocator does not own (a JVM's, here
// glrt's): __tsan_java_alloc(p, n) resets the shadow of [p, p+n) (every
// access TSan remembers there is forgotten: MemoryResetRange) and records
// a heap block at p (with the current call stack: a stack-depot lookup
// as deep as the current goroutine's calls); __tsan_java_free(p, n) drops
// every block and synchronisation object (SyncVar: the clock of a
// release on an address in the range) in [p, p+n), without touching the
// shadow. A block recorded over a cell that still holds some would leak
// them, so forget frees first; the block java_alloc records at p is
// dropped at once (java_free of its one 8-byte meta cell): glrt needs
// only the reset. Go's race runtime does the same with its __tsan_free
// and __tsan_malloc (which records no block). Both need 8-byte aligned p
// and n (shadow and meta cells). __tsan_java_init is not called: it only
// names one contiguous heap range for TSan's report descriptions (glrt's
// arenas are not contiguous); the calls above do not need it in TSan's
// release runtime (only its debug checks read it).
static void forget(uintptr_t p, uintptr_t n) {
  __tsan_java_free(p, n);
  __tsan_java_alloc(p, n);
  __tsan_java_free(p, 8);
}

// In the M's own TSan context (g0's fiber: the thread's shallow call
// stack, cheap for java_alloc's stack record) when called on a G's
// behalf; g0's fiber runs on no other thread (it is this M's). Threads
// without a G run in their own context already.
static void forgeting0(uintptr_t p, uintptr_t n) {
  g *gp = getg();
  g *g0 = gp != nullptr && gp->mp != nullptr ? gp->mp->g0 : nullptr;
  ing(g0, [p, n] { forget(p, n); });
}

void racefree(const void *p, uintptr_t n) {
  if (n)
    forgeting0(reinterpret_cast<uintptr_t>(p), n);
}
void racereset(const void *p, uintptr_t n) {
  if (n)
    forgeting0(reinterpret_cast<uintptr_t>(p), n);
}
void racefresh(const void *p, uintptr_t n) {
  if (n) {
    __tsan_java_alloc(reinterpret_cast<uintptr_t>(p), n);
    __tsan_java_free(reinterpret_cast<uintptr_t>(p), 8);
  }
}
void racestackget(uintptr_t lo, uintptr_t hi) {
  racereset(reinterpret_cast<void *>(lo), hi - lo);
}

int glrt_sigaction(int sig, const struct sigaction *sa, struct sigaction *old) {
  using fn = int (*)(int, const struct sigaction *, struct sigaction *);
  static fn real = reinterpret_cast<fn>(dlsym(RTLD_NEXT, "sigaction"));
  if (real == nullptr)
    real = sigaction;
  return real(sig, sa, old);
}

} // namespace glrt

// ---- reports, as go1.19 prints them ----
//
// TSan writes its own reports to a descriptor on /dev/null (racefini's
// set-up below); __tsan_on_report, called for every report TSan counts
// (after its own de-duplication of equal stacks and addresses), prints the
// report in go1.19's words: WARNING: DATA RACE, "Read at 0x... by
// goroutine N:", each frame's Go name (glc's function table) and file:line
// (TSan's symbolizer, once the binary has DWARF; ?:0 otherwise), the
// previous access, and where both goroutines were created. At exit
// (__tsan_on_finalize) "Found N data race(s)"; TSan then makes the exit
// status 66. TSAN_OPTIONS=log_path=stderr... is not honoured for the
// report text; GLRT_RACE_TSAN_REPORTS=1 keeps TSan's own reports on stderr
// (debugging the detector itself).

namespace {
using namespace glrt;

int nraces = 0; // reports printed; under TSan's report lock

// A small buffered writer on fd 2 through the raw system call (TSan's
// write interceptor is not for its own report callback).
struct Out {
  char buf[4096];
  size_t n = 0;
  void flush() {
    size_t off = 0;
    while (off < n) {
      long w = syscall(SYS_write, 2, buf + off, n - off);
      if (w <= 0)
        break;
      off += size_t(w);
    }
    n = 0;
  }
  void put(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
      if (n == sizeof buf)
        flush();
      buf[n++] = s[i];
    }
  }
  void str(const char *s) { put(s, strlen(s)); }
  void dec(int64_t v) {
    char t[24];
    int k = 0;
    uint64_t u = v < 0 ? uint64_t(-v) : uint64_t(v);
    do
      t[k++] = char('0' + u % 10);
    while (u /= 10);
    if (v < 0)
      put("-", 1);
    while (k)
      put(&t[--k], 1);
  }
  void hex(uint64_t v, int width = 0) {
    char t[20];
    int k = 0;
    do
      t[k++] = "0123456789abcdef"[v & 15];
    while (v >>= 4);
    while (k < width)
      t[k++] = '0';
    str("0x");
    while (k)
      put(&t[--k], 1);
  }
};

// Whether pc is shown: frames outside generated code (the runtime, TSan)
// and glc's runtime.* functions are hidden, as Go hides them.
const char *visible(uintptr_t pc, uintptr_t *entry) {
  uintptr_t lookup = pc - 1; // return addresses, except an access's own PC
  if (!ingeneratedcode(lookup))
    return nullptr;
  const char *name = funcname(lookup, entry);
  if (name == nullptr || strncmp(name, "runtime.", 8) == 0)
    return nullptr;
  return name;
}

// One frame: "  main.f()" and "      file:line +0xoff".
void printframe(Out &o, uintptr_t pc) {
  uintptr_t entry = 0;
  const char *name = visible(pc, &entry);
  if (name == nullptr)
    return;
  uintptr_t lookup = pc - 1;
  o.str("  ");
  o.str(name);
  o.str("()\n      ");
  // File and line from glc's own table (symtab.cpp, as the traceback's),
  // else from TSan's symbolizer (DWARF).
  const char *file = nullptr;
  int32_t line = 0;
  char where[512];
  where[0] = 0;
  if (funcline(lookup, &file, &line) || funcline(entry, &file, &line)) {
    o.str(file);
    o.str(":");
    o.dec(line);
  } else {
    __sanitizer_symbolize_pc(reinterpret_cast<void *>(lookup), "%s:%l", where, sizeof where);
    if (where[0] == 0 || where[0] == '<' || strncmp(where, "(null)", 6) == 0 ||
        strstr(where, ":0") == where + strlen(where) - 2)
      o.str("?:0");
    else
      o.str(where);
  }
  o.str(" +");
  o.hex(pc - entry);
  o.str("\n");
}

void printtrace(Out &o, void **trace, int max) {
  for (int i = 0; i < max && trace[i] != nullptr; i++)
    printframe(o, reinterpret_cast<uintptr_t>(trace[i]));
}

// "goroutine N" for a goroutine's fiber, TSan's thread name otherwise.
void printwho(Out &o, void *rep, int nthreads, int tid, bool capital, int *running) {
  for (int i = 0; i < nthreads; i++) {
    int t = -1, run = 0, parent = 0;
    uint64_t os = 0;
    const char *name = nullptr;
    void *tr[1];
    if (!__tsan_get_report_thread(rep, i, &t, &os, &run, &name, &parent, tr, 1) || t != tid)
      continue;
    if (running)
      *running = run;
    if (name && strncmp(name, "goroutine ", 10) == 0) {
      o.str(capital ? "Goroutine " : "goroutine ");
      o.str(name + 10);
      return;
    }
    break;
  }
  o.str(capital ? "Thread T" : "thread T");
  o.dec(tid);
}

} // namespace

extern "C" void __tsan_on_report(void *rep) {
  constexpr unsigned long kTrace = 64;
  const char *desc = nullptr;
  int count = 0, nstack = 0, nmop = 0, nloc = 0, nmutex = 0, nthread = 0, nuniq = 0;
  void *sleep[1];
  if (!__tsan_get_report_data(rep, &desc, &count, &nstack, &nmop, &nloc, &nmutex, &nthread,
                              &nuniq, sleep, 1))
    return;
  static Out o; // under TSan's report lock
  o.str("==================\n");
  if (desc == nullptr || strcmp(desc, "data-race") != 0) {
    o.str("WARNING: ThreadSanitizer: ");
    o.str(desc ? desc : "?");
    o.str(" (run with GLRT_RACE_TSAN_REPORTS=1 for its report)\n==================\n");
    o.flush();
    return;
  }
  nraces++;
  o.str("WARNING: DATA RACE\n");
  int tids[2] = {-1, -1};
  for (int i = 0; i < nmop && i < 2; i++) {
    int tid = 0, size = 0, write = 0, atomic = 0;
    void *addr = nullptr;
    void *trace[kTrace] = {};
    __tsan_get_report_mop(rep, i, &tid, &addr, &size, &write, &atomic, trace, kTrace);
    tids[i] = tid;
    if (i > 0)
      o.str("\nPrevious ");
    o.str(i == 0 ? (write ? "Write" : "Read") : (write ? "write" : "read"));
    o.str(" at ");
    o.hex(reinterpret_cast<uintptr_t>(addr), 12);
    o.str(" by ");
    printwho(o, rep, nthread, tid, false, nullptr);
    o.str(":\n");
    printtrace(o, trace, int(kTrace));
  }
  for (int k = 0; k < 2; k++) {
    if (tids[k] < 0 || (k == 1 && tids[1] == tids[0]))
      continue;
    for (int i = 0; i < nthread; i++) {
      int t = -1, run = 0, parent = 0;
      uint64_t os = 0;
      const char *name = nullptr;
      void *trace[kTrace] = {};
      if (!__tsan_get_report_thread(rep, i, &t, &os, &run, &name, &parent, trace, kTrace) ||
          t != tids[k])
        continue;
      bool shown = false; // goroutine 1 and the runtime's threads: no "created at"
      for (unsigned long f = 0; f < kTrace && trace[f] && !shown; f++) {
        uintptr_t entry;
        shown = visible(reinterpret_cast<uintptr_t>(trace[f]), &entry) != nullptr;
      }
      if (!shown)
        continue;
      o.str("\n");
      printwho(o, rep, nthread, t, true, nullptr);
      o.str(run ? " (running) created at:\n" : " (finished) created at:\n");
      printtrace(o, trace, int(kTrace));
    }
  }
  o.str("==================\n");
  o.flush();
}

// TSan's Finalize (its _exit/exit interceptors: main returning, os.Exit)
// calls this when the exported symbol is found (the link exports it).
extern "C" int __tsan_on_finalize(int failed) {
  if (nraces > 0) {
    Out o;
    o.str("Found ");
    o.dec(nraces);
    o.str(" data race(s)\n");
    o.flush();
  }
  return failed;
}

// TSan's options, as go1.19's race runtime sets them: a report does not
// stop the program (halt_on_error=0), the exit status is 66 when any race
// was reported. GORACE-style overrides: TSAN_OPTIONS.
extern "C" const char *__tsan_default_options() {
  return "exitcode=66:halt_on_error=0:atexit_sleep_ms=0:report_thread_leaks=0:"
         "report_signal_unsafe=0:external_symbolizer_path=/usr/lib/llvm-19/bin/llvm-symbolizer";
}

#endif
