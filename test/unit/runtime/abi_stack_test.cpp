// The rule of stack.h, tested for EVERY runtime entry point of abi.def:
// called from generated code on a goroutine, an entry point uses at most
// StackNosplitBudget (256) bytes of the goroutine's stack; anything bigger
// (write(2), locks, mmap, the traceback) runs on g0 through systemstack.
//
// The list of entry points is abi.def itself (X-macro): every GLRT_FUNC /
// GLRT_NORETURN row names a probe function probe_<name> below, so a new row
// without a probe does not compile. Three kinds of probe:
//  - returning entry points: the probe runs on a goroutine with a 64 KiB
//    first segment; the unused part of the segment below the probe's stack
//    pointer is painted, the probe runs (every path it can take without
//    parking: fast paths, cache refills, large allocations, a print
//    statement longer than the print buffer), and the dirtied bytes are
//    counted;
//  - noreturn entry points (panics, exit): a death test with a print sink
//    installed. The panic's first output reaches the sink; there the test
//    checks that it runs on g0 and counts the goroutine's dirtied bytes,
//    then writes a verdict line ("STACK-OK") before the process dies;
//  - glrt_block (parks forever): the goroutine paints, calls it, and the
//    test thread counts once the goroutine is parked.
// Under ASan frames are several times larger (redzones): the probes run,
// the byte budget is not asserted (the g0 switch still is).
#include "sched_harness.h"
#include "abi.h"
#include "panic.h"
#include "preempt.h"
#include "print.h"
#include "proc.h"
#include "stack.h"
#include "map_types.h"
#include "type.h"

#include "test_types.h"
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>
#include <sys/socket.h>

using namespace glrt;

namespace {

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define ABI_STACK_ASAN 1
#endif
#endif
#ifdef ABI_STACK_ASAN
constexpr bool kCheckBudget = false;
#else
constexpr bool kCheckBudget = true;
#endif

constexpr unsigned char kPaint = 0xC3;

using glrt_test::ensureSched; // sched_harness.h

// Bytes of the current segment below our stack pointer that fn() dirtied.
// Paints with a plain loop: nothing may run below rsp while painting.
__attribute__((noinline)) uintptr_t gStackUsedBy(void (*fn)()) {
  uintptr_t sp;
  asm volatile("movq %%rsp, %0" : "=r"(sp));
  uintptr_t lo = getg()->stackseg->lo;
  for (uintptr_t p = lo; p < sp; p++)
    *reinterpret_cast<volatile unsigned char *>(p) = kPaint;
  fn();
  uintptr_t p = lo;
  while (p < sp && *reinterpret_cast<volatile unsigned char *>(p) == kPaint)
    p++;
  return sp - p;
}

// Swallows print output of the returning probes.
void nullSink(const char *, size_t) {}

// ---- shared state of the probes ----
int64_t sval = 42;
char sbytes[700];
int32_t srunes[4] = {'a', 0x4e16, 0x1f600, -1};
void *schan;
void nopWork(void *) {}

// ---- returning entry points ----
void probe_printlock() { glrt_printlock(); glrt_printunlock(); }
void probe_printunlock() {
  glrt_printlock();
  glrt_printstring(const_cast<char *>("unlock flushes\n"), 15);
  glrt_printunlock();
}
void probe_printbool() { glrt_printlock(); glrt_printbool(1); glrt_printbool(0); glrt_printunlock(); }
void probe_printint() { glrt_printlock(); glrt_printint(INT64_MIN); glrt_printunlock(); }
void probe_printuint() { glrt_printlock(); glrt_printuint(-1); glrt_printunlock(); }
void probe_printfloat() {
  glrt_printlock();
  glrt_printfloat(-1.2345678e-300);
  glrt_printfloat(1.0 / 0.0);
  glrt_printunlock();
}
// Longer than the print buffer: flushes in the middle of the statement;
// also unlocked (flush per call).
void probe_printstring() {
  glrt_printlock();
  glrt_printstring(sbytes, sizeof sbytes);
  glrt_printunlock();
  glrt_printstring(sbytes, 10);
}
void probe_printpointer() { glrt_printlock(); glrt_printpointer(&sval); glrt_printunlock(); }
void probe_printslice() {
  glrt_printlock();
  glrt_printslice(&sval, INT64_MIN, INT64_MAX);
  glrt_printunlock();
}
void probe_printsp() { glrt_printlock(); glrt_printsp(); glrt_printunlock(); }
void probe_printnl() { glrt_printlock(); glrt_printnl(); glrt_printunlock(); }

// Enough small objects to refill the thread's cache (256 KiB) at least
// once, plus a large object (own mapping).
void probe_newobject() {
  for (int i = 0; i < 20000; i++)
    sval += reinterpret_cast<uintptr_t>(glrt_newobject(glrt_test::typeArg<24>())) & 1;
  sval += reinterpret_cast<uintptr_t>(glrt_newobject(glrt_test::typeArg<(100 << 10)>())) & 1;
}
// Small (tiny, scan and noscan classes) and large objects, with descriptors.
void probe_mallocgc() {
  for (int i = 0; i < 20000; i++)
    sval += reinterpret_cast<uintptr_t>(glrt_mallocgc(8 + i % 200, glrt_test::typeArg<8>(), 1)) & 1;
  sval += reinterpret_cast<uintptr_t>(glrt_mallocgc(100 << 10, nullptr, 1)) & 1;
}
void probe_gcWriteBarrier() {
  void *slot = nullptr;
  glrt_gcWriteBarrier(&slot, &sval);
  sval += slot == &sval;
}
void probe_bulkBarrierPreWrite() { glrt_bulkBarrierPreWrite(&sval, nullptr, 8); }
void probe_makeslice() {
  for (int i = 0; i < 3000; i++)
    sval += reinterpret_cast<uintptr_t>(glrt_makeslice(glrt_test::typeArg<8>(), 10, 20)) & 1;
  sval += reinterpret_cast<uintptr_t>(glrt_makeslice(glrt_test::typeArg<8>(), 1 << 14, 1 << 14)) & 1;
}
void probe_growslice() {
  void *data = nullptr;
  int64_t len = 0, cap = 0;
  while (cap < (1 << 17)) { // appends one past cap: up to 1 MiB, small and large
    glrt_pair n = glrt_growslice(data, len, cap, cap + 1, glrt_test::typeArg<8>());
    data = n.p;
    len = cap + 1;
    cap = n.n;
  }
  sval += cap;
}
void probe_concatstrings() {
  glrt_pair s{sbytes, 5};
  for (int i = 0; i < 200; i++) // in place, then copies (large)
    s = glrt_concatstrings(s.p, s.n, sbytes, sizeof sbytes);
  glrt_pair t = glrt_concatstrings(sbytes, 3, sbytes, 4); // copy
  sval += s.n + t.n;
}
void probe_cmpstring() {
  sval += glrt_cmpstring(sbytes, sizeof sbytes, sbytes + 1, sizeof sbytes - 1);
}
void probe_eqstring() { sval += glrt_eqstring(sbytes, 600, sbytes + 1, 600); }
void probe_slicebytetostring() {
  sval += glrt_slicebytetostring(sbytes, sizeof sbytes).n;
  sval += glrt_slicebytetostring(sbytes, 0).n;
}
void probe_stringtoslicebyte() { sval += glrt_stringtoslicebyte(sbytes, sizeof sbytes).n; }
void probe_slicerunetostring() { sval += glrt_slicerunetostring(srunes, 4).n; }
void probe_stringtoslicerune() {
  static const char s[] = "h\xc3\xa9llo, \xe4\xb8\x96\xe7\x95\x8c \xff";
  sval += glrt_stringtoslicerune(const_cast<char *>(s), sizeof s - 1).n;
}
void probe_intstring() { sval += glrt_intstring(0x1f600).n + glrt_intstring(-5).n; }
void probe_roundupcap() { sval += glrt_roundupcap(1000, 8) + glrt_roundupcap(5000, 24); }
void probe_decoderune() {
  static const char s[] = "\xf0\x9f\x98\x80\xe4";
  sval += glrt_decoderune(const_cast<char *>(s), 5, 0).n;
  sval += glrt_decoderune(const_cast<char *>(s), 5, 4).n;
}

// Channels: only paths that do not park (chan_test.cpp measures parking).
void probe_makechan() { schan = glrt_makechan(glrt_test::chanArg<8>(), 4); }
void probe_chansend1() { glrt_chansend1(schan, &sval); }
void probe_chanrecv1() { glrt_chanrecv1(schan, &sval); }
void probe_chanrecv2() {
  glrt_chansend1(schan, &sval);
  sval += glrt_chanrecv2(schan, &sval);
}
void probe_selectnbsend() { sval += glrt_selectnbsend(schan, &sval); }
void probe_selectnbrecv() { sval += glrt_selectnbrecv(&sval, schan).n; }
void probe_chanlen() { sval += glrt_chanlen(schan); }
void probe_chancap() { sval += glrt_chancap(schan); }
// Maps: every path but the deaths (map_test.cpp): lazy first bucket,
// growth (hashGrow + evacuate during assign and delete), overflow buckets,
// lookups during growth, struct keys hashed on g0, iteration.
void *smap;
int64_t skey;
void mapFill(void *m, int n) {
  for (int i = 0; i < n; i++)
    *static_cast<int64_t *>(glrt_mapassign_fast64(&maptest::mInt64, m, skey++)) = i;
}
void probe_makemap() {
  smap = glrt_makemap(&maptest::mInt64, 0);
  sval += glrt_makemap(&maptest::mString, 100) != nullptr;
}
void probe_mapassign() {
  void *m = glrt_makemap(&maptest::mSKey, 0);
  for (int i = 0; i < 40; i++) {
    maptest::SKey k{maptest::gs("key"), i};
    *static_cast<int64_t *>(glrt_mapassign(&maptest::mSKey, m, &k)) = i;
  }
  void *b = glrt_makemap(&maptest::mBig, 0);
  static char k[200]; // static: the key is the caller's, not the runtime's stack use
  for (int64_t i = 0; i < 20; i++) {
    memcpy(k, &i, 8);
    sval += *static_cast<char *>(glrt_mapassign(&maptest::mBig, b, k));
  }
}
void probe_mapaccess1() {
  void *m = glrt_makemap(&maptest::mInt64, 0);
  mapFill(m, 13); // growing now
  for (int64_t k = skey - 20; k < skey + 2; k++)
    sval += *static_cast<int64_t *>(glrt_mapaccess1(&maptest::mInt64, m, &k));
}
void probe_mapaccess1_fat() {
  static char zero[2000];
  int64_t k = 1;
  sval += *static_cast<char *>(glrt_mapaccess1_fat(&maptest::mInt64, smap, &k, zero));
}
void probe_mapaccess2() {
  maptest::SKey k{maptest::gs("x"), 3};
  void *m = glrt_makemap(&maptest::mSKey, 0);
  *static_cast<int64_t *>(glrt_mapassign(&maptest::mSKey, m, &k)) = 1;
  sval += glrt_mapaccess2(&maptest::mSKey, m, &k).n;
}
void probe_mapdelete() {
  void *m = glrt_makemap(&maptest::mInt64, 0);
  int64_t k0 = skey;
  mapFill(m, 13);
  for (int64_t k = k0; k < skey; k++)
    glrt_mapdelete(&maptest::mInt64, m, &k);
}
void probe_mapaccess1_fast64() {
  mapFill(smap, 7);
  sval += *static_cast<int64_t *>(glrt_mapaccess1_fast64(&maptest::mInt64, smap, skey - 1));
}
void probe_mapaccess2_fast64() { sval += glrt_mapaccess2_fast64(&maptest::mInt64, smap, 5).n; }
void probe_mapassign_fast64() { mapFill(smap, 30); }
void probe_mapdelete_fast64() {
  mapFill(smap, 30);
  for (int64_t k = skey - 30; k < skey; k++)
    glrt_mapdelete_fast64(&maptest::mInt64, smap, k);
}
char skeys[30][8];
void probe_mapassign_faststr() {
  void *m = glrt_makemap(&maptest::mString, 0);
  for (int i = 0; i < 30; i++) {
    skeys[i][0] = 'k';
    skeys[i][1] = char('a' + i);
    skeys[i][2] = 0;
    *static_cast<int64_t *>(glrt_mapassign_faststr(&maptest::mString, m, skeys[i],
                                                    int64_t(strlen(skeys[i])))) = i;
  }
  smap = m;
}
void probe_mapaccess1_faststr() {
  probe_mapassign_faststr();
  sval += *static_cast<int64_t *>(glrt_mapaccess1_faststr(&maptest::mString, smap, skeys[3], 2));
}
void probe_mapaccess2_faststr() {
  probe_mapassign_faststr();
  sval += glrt_mapaccess2_faststr(&maptest::mString, smap, skeys[3], 2).n;
}
void probe_mapdelete_faststr() {
  probe_mapassign_faststr();
  for (int i = 0; i < 30; i++)
    glrt_mapdelete_faststr(&maptest::mString, smap, skeys[i], int64_t(strlen(skeys[i])));
  smap = glrt_makemap(&maptest::mInt64, 0);
}
void probe_mapiterinit() {
  void *m = glrt_makemap(&maptest::mInt64, 0);
  mapFill(m, 13);
  alignas(8) static char it[112]; // the hiter is in the caller's frame (map.h: 112 bytes)
  glrt_mapiterinit(&maptest::mInt64, m, it);
  sval += *reinterpret_cast<void **>(it) != nullptr;
}
void probe_mapiternext() {
  void *m = glrt_makemap(&maptest::mInt64, 0);
  mapFill(m, 9);
  alignas(8) static char it[112];
  glrt_mapiterinit(&maptest::mInt64, m, it);
  mapFill(m, 40); // grows during the iteration
  while (*reinterpret_cast<void **>(it) != nullptr)
    glrt_mapiternext(it);
}

void probe_selectgo() {
  struct {
    void *c, *elem;
  } cases[2] = {{schan, &sval}, {schan, &sval}}; // send, receive
  uint16_t order[4];
  sval += reinterpret_cast<intptr_t>(glrt_selectgo(cases, order, 1, 1, 1).p);
}
void probe_closechan() {
  void *c = glrt_makechan(glrt_test::chanArg<8>(), 1);
  glrt_chansend1(c, &sval);
  glrt_closechan(c);
  sval += glrt_chanrecv2(c, &sval); // buffered value after close
  sval += glrt_chanrecv2(c, &sval); // closed and empty
}

// Scheduler.
void probe_newproc() { glrt_newproc(nopWork, nullptr); }
void probe_Gosched() { glrt_Gosched(); }
void probe_GOMAXPROCS() { glrt_GOMAXPROCS(glrt_GOMAXPROCS(0)); }
void probe_GC() { glrt_GC(); }
// MemStats is 6072 bytes in Go: a static buffer, not the probe's frame.
alignas(8) char memstatsBuf[8192];
void probe_ReadMemStats() { glrt_ReadMemStats(memstatsBuf); }
void probe_KeepAlive() { glrt_KeepAlive(glrt_eface{nullptr, &sval}); }
void probe_setGCPercent() { glrt_setGCPercent(glrt_setGCPercent(100)); }
void probe_NumCPU() { sval += glrt_NumCPU(); }
void probe_NumGoroutine() { sval += glrt_NumGoroutine(); }
// callers.cpp: the walks run on g0 (no generated code here: callers finds
// no frame; Stack still prints the goroutine header into the buffer, and
// with all=true stops and starts the world).
void probe_callers() {
  uintptr_t pcs[4];
  sval += glrt_callers(0, pcs, 4, 4);
}
void probe_findfunc() {
  uint64_t fi[6];
  sval += glrt_findfunc(int64_t(reinterpret_cast<uintptr_t>(&probe_findfunc)), fi);
}
void probe_Stack() {
  char buf[64];
  sval += glrt_Stack(buf, sizeof buf, sizeof buf, 0);
  sval += glrt_Stack(buf, sizeof buf, sizeof buf, 1);
}

// Time and sync (rows added to abi.def while this test was written:
// declared weak here too, so the test also builds against a runtime
// without them; the table below only lists what abi.def has).
extern "C" {
void glrt_timeSleep(int64_t) __attribute__((weak));
int64_t glrt_nanotime() __attribute__((weak));
void *glrt_timeAfter(int64_t) __attribute__((weak));
void *glrt_timeTick(int64_t) __attribute__((weak));
void glrt_mutexLock(void *) __attribute__((weak));
void glrt_mutexUnlock(void *) __attribute__((weak));
void glrt_waitgroupAdd(void *, int64_t) __attribute__((weak));
void glrt_waitgroupWait(void *) __attribute__((weak));
uint8_t glrt_onceBegin(void *) __attribute__((weak));
void glrt_onceEnd(void *) __attribute__((weak));
}
alignas(8) char smutex[8], swg[16], sonce[12];
void probe_timeSleep() { glrt_timeSleep(0); glrt_timeSleep(-1); } // d <= 0: no park
void probe_nanotime() { sval += glrt_nanotime(); }
void probe_timeAfter() { sval += reinterpret_cast<uintptr_t>(glrt_timeAfter(int64_t(3600) * 1000000000)) & 1; }
void probe_timeTick() {
  sval += reinterpret_cast<uintptr_t>(glrt_timeTick(0)) & 1;
  sval += reinterpret_cast<uintptr_t>(glrt_timeTick(int64_t(3600) * 1000000000)) & 1;
}
// time.Timer: NewTimer, Stop of a pending timer (removes it) and of a
// stopped one, Reset of a stopped and of a pending one (the stripe lock
// and the heap locks are taken on g0).
void *stimer;
void probe_timeNewTimer() { stimer = glrt_timeNewTimer(int64_t(3600) * 1000000000); }
void probe_timerStop() {
  sval += glrt_timerStop(stimer);
  sval += glrt_timerStop(stimer);
}
void probe_timerReset() {
  sval += glrt_timerReset(stimer, int64_t(3600) * 1000000000);
  sval += glrt_timerReset(stimer, int64_t(7200) * 1000000000);
  sval += glrt_timerStop(stimer);
}
void probe_mutexLock() { glrt_mutexLock(smutex); glrt_mutexUnlock(smutex); } // uncontended
void probe_mutexUnlock() { glrt_mutexLock(smutex); glrt_mutexUnlock(smutex); }
void probe_waitgroupAdd() { glrt_waitgroupAdd(swg, 2); glrt_waitgroupAdd(swg, -2); }
void probe_waitgroupWait() { glrt_waitgroupWait(swg); } // counter 0: returns
void probe_onceBegin() {
  if (glrt_onceBegin(sonce))
    glrt_onceEnd(sonce);
  sval += glrt_onceBegin(sonce); // done: 0
}
void probe_onceEnd() { probe_onceBegin(); }

// Interfaces (iface.cpp): a descriptor pair built by hand; getitab builds
// a new itab (on g0), then finds it cached; efaceeq through the type's
// equal function.
bool seq8(const void *a, const void *b) { return *(const int64_t *)a == *(const int64_t *)b; }
FuncType ssig{};
Method smethods[1] = {Method{GoString{reinterpret_cast<const uint8_t *>("M"), 1}, &ssig,
                            reinterpret_cast<const void *>(&seq8), nullptr}};
UncommonType suncommon{GoString{reinterpret_cast<const uint8_t *>("main"), 4},
                       GoSlice<Method>{smethods, 1, 1}};
Type stype{8, 0, 77, TFlagUncommon, 8, 8, KindInt, seq8,
           nullptr, GoString{reinterpret_cast<const uint8_t *>("main.T"), 6}, &suncommon, nullptr};
IMethod simethods[1] = {IMethod{GoString{reinterpret_cast<const uint8_t *>("M"), 1}, &ssig}};
InterfaceType siface{{16, 16, 78, 0, 8, 8, KindInterface, nullptr, nullptr,
                      GoString{reinterpret_cast<const uint8_t *>("main.I"), 6}, nullptr, nullptr},
                     GoString{reinterpret_cast<const uint8_t *>("main"), 4},
                     GoSlice<IMethod>{simethods, 1, 1}};
void probe_getitab() {
  sval += reinterpret_cast<uintptr_t>(glrt_getitab(&siface, &stype, 0)) & 1;
  sval += reinterpret_cast<uintptr_t>(glrt_getitab(&siface, &stype, 1)) & 1;
  sval += reinterpret_cast<uintptr_t>(glrt_getitab(&siface, &stype, 5)) & 1; // any outcome
}
void probe_efaceeq() {
  int64_t a = 1, b = 1;
  sval += glrt_efaceeq(&stype, &a, &b) + glrt_efaceeq(nullptr, nullptr, nullptr);
}
void probe_ifaceeq() {
  int64_t a = 1, b = 1;
  sval += glrt_ifaceeq(&stype, &a, &b) + glrt_ifaceeq(nullptr, nullptr, nullptr);
}


// strconv.cpp: shortest, fixed-precision and float32 digits (printf on g0),
// parsing (strtod on g0), IEEE bits.
char sdigits[800];
void probe_strconv_ftoa() {
  sval += glrt_strconv_ftoa(0.1, 0, -1, sdigits, sizeof sdigits, sizeof sdigits);
  sval += glrt_strconv_ftoa(1e300, 2, 20, sdigits, sizeof sdigits, sizeof sdigits);
  sval += glrt_strconv_ftoa(5e-324, 1, 700, sdigits, sizeof sdigits, sizeof sdigits);
  sval += glrt_strconv_ftoa(3.25, 4, -1, sdigits, sizeof sdigits, sizeof sdigits);
}
void probe_strconv_atof() {
  static char num[] = "1.7976931348623157e308";
  sval += int64_t(glrt_strconv_atof(num, int64_t(strlen(num)), 64) > 0);
  sval += int64_t(glrt_strconv_atof(num, 3, 32));
}
void probe_strconv_fbits() { sval += glrt_strconv_fbits(1.5, 64) + glrt_strconv_fbits(1.5, 32); }
// syscall.cpp: each call between entersyscall and exitsyscall (the fast
// path: the P is still ours); failing calls (fd -1, missing paths) take
// the same path as real ones; a pipe carries real bytes.
constexpr int sbadfd = -1;
char sbuf[64];
void probe_syscall_read() {
  sval += glrt_syscall_read(sbadfd, sbuf, sizeof sbuf, sizeof sbuf);
  int64_t fds = glrt_syscall_pipe2(0);
  int64_t r = fds & 0xffffffff, w = fds >> 32;
  sval += glrt_syscall_write(w, sbuf, 8, 8);
  sval += glrt_syscall_read(r, sbuf, sizeof sbuf, sizeof sbuf);
  glrt_syscall_close(r);
  glrt_syscall_close(w);
}
void probe_syscall_write() { sval += glrt_syscall_write(sbadfd, sbuf, 6, 6); }
static char snopath[] = "/nonexistent/glrt-abi-probe";
void probe_syscall_open() {
  sval += glrt_syscall_open(snopath, sizeof snopath, 0, 0);
  static char self[] = "/proc/self/exe";
  int64_t fd = glrt_syscall_open(self, sizeof self, 0, 0);
  if (fd >= 0)
    sval += glrt_syscall_close(fd);
}
void probe_syscall_close() { sval += glrt_syscall_close(sbadfd); }
void probe_syscall_pipe2() {
  int64_t fds = glrt_syscall_pipe2(0);
  sval += fds;
  glrt_syscall_close(fds & 0xffffffff);
  glrt_syscall_close(fds >> 32);
}
void probe_syscall_unlink() { sval += glrt_syscall_unlink(snopath, sizeof snopath); }
void probe_syscall_rmdir() { sval += glrt_syscall_rmdir(snopath, sizeof snopath); }
void probe_syscall_mkdir() { sval += glrt_syscall_mkdir(snopath, sizeof snopath, 0755); }
void probe_syscall_readlink() {
  static char self[] = "/proc/self/exe";
  sval += glrt_syscall_readlink(self, sizeof self, sbuf, sizeof sbuf, sizeof sbuf);
}
void probe_syscall_gettid() { sval += glrt_syscall_gettid(); }
void probe_syscall_getpid() { sval += glrt_syscall_getpid(); }
void probe_syscall_kill() { sval += glrt_syscall_kill(glrt_syscall_getpid(), 0); }
void probe_syscall_tgkill() {
  sval += glrt_syscall_tgkill(glrt_syscall_getpid(), glrt_syscall_gettid(), 0);
}
void probe_syscall_errstr() { sval += glrt_syscall_errstr(2).n + glrt_syscall_errstr(9999).n; }
// Returns only while SIGPIPE is ignored: the probe ignores it around the
// call (the death path runs on g0 like glrt_exit's).
void probe_os_sigpipe() {
  static struct sigaction old;
  onsystemstack([] {
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old);
  });
  glrt_os_sigpipe();
  onsystemstack([] { sigaction(SIGPIPE, &old, nullptr); });
}
void probe_os_argc() { sval += glrt_os_argc(); }
void probe_os_arg() { sval += glrt_os_arg(0).n; }
void probe_os_envc() { sval += glrt_os_envc(); }
void probe_os_env() {
  if (glrt_os_envc() > 0)
    sval += glrt_os_env(0).n;
}
void probe_LockOSThread() {
  glrt_LockOSThread();
  glrt_LockOSThread();
  glrt_UnlockOSThread();
  glrt_UnlockOSThread();
}
void probe_UnlockOSThread() { glrt_UnlockOSThread(); }

// reflect.cpp: the descriptor readers over map_types.h's types, boxing
// (newobject) and map iteration (mapiterinit/mapiternext on the heap).
int64_t sints[3] = {1, 2, 3};
struct {
  int64_t *p;
  int64_t len, cap;
} sslice{sints, 3, 3};
SliceType sSliceInt{maptest::basic(24, KindSlice, nullptr, "[]int64", 0), &maptest::tInt64};
maptest::SKey sskey{maptest::gs("k"), 7};
void *sreflectmap;
void probe_reflect_typeof() { sval += glrt_reflect_typeof(glrt_eface{&stype, &sval}) != nullptr; }
void probe_reflect_dataptr() {
  sval += glrt_reflect_dataptr(glrt_eface{&maptest::tString, &sskey.s}) != nullptr;
  sval += glrt_reflect_dataptr(glrt_eface{&maptest::mInt64.typ, smap}) != nullptr; // boxes
}
void probe_reflect_kind() { sval += glrt_reflect_kind(&maptest::tSKey.typ); }
void probe_reflect_typestring() { sval += glrt_reflect_typestring(&stype).n; }
void probe_reflect_size() { sval += glrt_reflect_size(&maptest::tSKey.typ); }
void probe_reflect_named() { sval += glrt_reflect_named(&maptest::tSKey.typ); }
void probe_reflect_elem() { sval += glrt_reflect_elem(&sSliceInt.typ) != nullptr; }
void probe_reflect_key() { sval += glrt_reflect_key(&maptest::mInt64.typ) != nullptr; }
void probe_reflect_len() {
  if (!sreflectmap) {
    sreflectmap = glrt_makemap(&maptest::mInt64, 0);
    mapFill(sreflectmap, 5);
  }
  sval += glrt_reflect_len(&sSliceInt.typ, &sslice) + glrt_reflect_len(&maptest::mInt64.typ, &sreflectmap);
  sval += glrt_reflect_len(&maptest::tArr3.typ, sbytes);
}
void probe_reflect_cap() { sval += glrt_reflect_cap(&sSliceInt.typ, &sslice); }
void probe_reflect_index() { sval += *static_cast<int64_t *>(glrt_reflect_index(&sSliceInt.typ, &sslice, 2)); }
void probe_reflect_numfield() { sval += glrt_reflect_numfield(&maptest::tSKey.typ); }
void probe_reflect_fieldname() { sval += glrt_reflect_fieldname(&maptest::tSKey.typ, 1).n; }
void probe_reflect_fieldtype() { sval += glrt_reflect_fieldtype(&maptest::tSKey.typ, 0) != nullptr; }
void probe_reflect_fieldoffset() { sval += glrt_reflect_fieldoffset(&maptest::tSKey.typ, 1); }
void probe_reflect_fieldembedded() { sval += glrt_reflect_fieldembedded(&maptest::tSKey.typ, 1); }
void probe_reflect_int() { sval += glrt_reflect_int(&maptest::tInt8, sbytes) + glrt_reflect_int(&maptest::tInt64, &sval); }
void probe_reflect_uint() { sval += glrt_reflect_uint(&maptest::tInt8, sbytes); }
void probe_reflect_float() { sval += int64_t(glrt_reflect_float(&maptest::tFloat64, sints)); }
void probe_reflect_bool() { sval += glrt_reflect_bool(sbytes); }
void probe_reflect_string() { sval += glrt_reflect_string(&sskey.s).n; }
void probe_reflect_word() { sval += glrt_reflect_word(&sval) != 0; }
void probe_reflect_ifacenil() { sval += glrt_reflect_ifacenil(&sslice); }
void probe_reflect_packeface() {
  sval += glrt_reflect_packeface(&maptest::tSKey.typ, &sskey).data != nullptr;
  sval += glrt_reflect_packeface(&maptest::mInt64.typ, &smap).data != nullptr;
}
void probe_reflect_mapiterinit() {
  probe_reflect_len();
  sval += glrt_reflect_mapiterinit(&maptest::mInt64.typ, &sreflectmap) != nullptr;
}
void probe_reflect_mapiterkey() {
  probe_reflect_len();
  void *it = glrt_reflect_mapiterinit(&maptest::mInt64.typ, &sreflectmap);
  sval += glrt_reflect_mapiterkey(it) != nullptr;
}
void probe_reflect_mapiterelem() {
  probe_reflect_len();
  void *it = glrt_reflect_mapiterinit(&maptest::mInt64.typ, &sreflectmap);
  sval += glrt_reflect_mapiterelem(it) != nullptr;
}
void probe_reflect_mapiternext() {
  probe_reflect_len();
  void *it = glrt_reflect_mapiterinit(&maptest::mInt64.typ, &sreflectmap);
  while (glrt_reflect_mapiterkey(it) != nullptr)
    glrt_reflect_mapiternext(it);
}
void probe_reflect_copy() { sval += glrt_reflect_copy(&maptest::tSKey.typ, &sskey) != nullptr; }
void probe_reflect_offset() { sval += glrt_reflect_offset(&sskey, 16) != nullptr; }
void probe_reflect_derefcell() { sval += glrt_reflect_derefcell(&sslice) != nullptr; }

// The text packages' rows: strings.Builder's no-copy String, memchr-based
// IndexByte/Count, sort's swap of a slice in an interface{} (8-, 16-byte
// and odd element sizes), errors.As's checks and assignment (through
// getitab), libm (tgamma on g0), the float bit casts, sync/atomic.
void probe_bytesString() { sval += glrt_bytesString(sbytes, 5, 10).n; }
void probe_indexByteString() { sval += glrt_indexByteString(sbytes, sizeof sbytes, 'z'); }
void probe_countByteString() { sval += glrt_countByteString(sbytes, sizeof sbytes, 'x'); }
SliceType sSliceI64{maptest::basic(24, KindSlice, nullptr, "[]int64", 0), &maptest::tInt64};
SliceType sSliceStr{maptest::basic(24, KindSlice, nullptr, "[]string", 0), &maptest::tString};
SliceType sSliceBig{maptest::basic(24, KindSlice, nullptr, "[][25]int64", 0), &maptest::tBig};
int64_t sswap[2][25];
GoSlice<uint8_t> sswapslice{reinterpret_cast<uint8_t *>(sswap), 2, 2};
void probe_reflectSliceLen() {
  sval += glrt_reflectSliceLen(glrt_eface{&sSliceI64.typ, &sswapslice});
  sval += glrt_reflectSliceLen(glrt_eface{&maptest::tInt64, &sval});
}
void probe_reflectSwap() {
  glrt_reflectSwap(glrt_eface{&sSliceI64.typ, &sswapslice}, 0, 1);
  glrt_reflectSwap(glrt_eface{&sSliceStr.typ, &sswapslice}, 0, 1);
  glrt_reflectSwap(glrt_eface{&sSliceBig.typ, &sswapslice}, 0, 1);
}
// *main.I (main.I has the method M, so getitab runs) and *main.T.
PtrType sPtrIface{maptest::basic(8, KindPointer, nullptr, "*main.I", 0), &siface.typ};
PtrType sPtrT{maptest::basic(8, KindPointer, nullptr, "*main.T", 0), &stype};
Eface serrtarget;
void probe_errorsAsCheck() {
  sval += glrt_errorsAsCheck(glrt_eface{&sPtrIface.typ, &serrtarget});
  sval += glrt_errorsAsCheck(glrt_eface{&sPtrT.typ, &sval}); // T has no Error method: 3
}
void probe_errorsAsAssign() {
  sval += glrt_errorsAsAssign(glrt_eface{&sPtrIface.typ, &serrtarget}, glrt_eface{&stype, &sval});
  int64_t v = 0;
  sval += glrt_errorsAsAssign(glrt_eface{&sPtrT.typ, &v}, glrt_eface{&stype, &sval});
}
#define MATH1(Name) \
  void probe_math##Name() { sval += int64_t(glrt_math##Name(0.5) * 1000); }
#define MATH2(Name) \
  void probe_math##Name() { sval += int64_t(glrt_math##Name(0.5, 1.5) * 1000); }
MATH1(Sqrt) MATH1(Floor) MATH1(Ceil) MATH1(Trunc) MATH2(Fmod) MATH1(Exp) MATH1(Expm1)
MATH1(Exp2) MATH1(Log) MATH1(Log2) MATH1(Log10) MATH1(Log1p) MATH2(Pow) MATH1(Sin)
MATH1(Cos) MATH1(Tan) MATH1(Asin) MATH1(Acos) MATH1(Atan) MATH2(Atan2) MATH1(Sinh)
MATH1(Cosh) MATH1(Tanh) MATH1(Asinh) MATH1(Atanh) MATH1(Cbrt) MATH2(Hypot)
MATH1(Erf) MATH1(Erfc) MATH1(Gamma)
#undef MATH1
#undef MATH2
void probe_mathAcosh() { sval += int64_t(glrt_mathAcosh(1.5) * 1000); }
// (unsigned sum: the bits of 1.5 added to sval overflow int64_t, UB that
// UBSan reports in the ASan run)
void probe_mathFloat64bits() { sval = int64_t(uint64_t(sval) + glrt_mathFloat64bits(1.5)); }
void probe_mathFloat64frombits() { sval += int64_t(glrt_mathFloat64frombits(0x3ff8000000000000)); }
void probe_mathFloat32bits() { sval += glrt_mathFloat32bits(1.5); }
void probe_mathFloat32frombits() { sval += int64_t(glrt_mathFloat32frombits(0x3fc00000)); }
alignas(8) int64_t satomic;
#define ATOMIC_PROBES(T, W)                                                       \
  void probe_atomicAdd##T() { sval += int64_t(glrt_atomicAdd##T(&satomic, W(1))); }     \
  void probe_atomicLoad##T() { sval += int64_t(glrt_atomicLoad##T(&satomic)); }         \
  void probe_atomicStore##T() { glrt_atomicStore##T(&satomic, W(2)); }                  \
  void probe_atomicSwap##T() { sval += int64_t(glrt_atomicSwap##T(&satomic, W(3))); }   \
  void probe_atomicCas##T() { sval += glrt_atomicCas##T(&satomic, W(3), W(4)); }
ATOMIC_PROBES(Int32, int32_t)
ATOMIC_PROBES(Uint32, int32_t)
ATOMIC_PROBES(Int64, int64_t)
ATOMIC_PROBES(Uint64, int64_t)
ATOMIC_PROBES(Uintptr, int64_t)
#undef ATOMIC_PROBES
Eface satomicvalue[1];
void probe_atomicValueLoad() { sval += glrt_atomicValueLoad(satomicvalue).data != nullptr; }
void probe_atomicValueStore() { sval += glrt_atomicValueStore(satomicvalue, glrt_eface{&stype, &sval}); }
void probe_atomicValueSwap() {
  glrt_eface old;
  sval += glrt_atomicValueSwap(satomicvalue, glrt_eface{&stype, &sval}, &old);
}
void probe_atomicValueCas() {
  sval += glrt_atomicValueCas(satomicvalue, glrt_eface{&stype, &sval}, glrt_eface{&stype, &sval});
}

// ---- noreturn entry points (death tests) ----
void probe_gopanicstring() {
  glrt_gopanicstring(sbytes, 3, const_cast<char *>("main.S"), 6);
}
void probe_panicwrap() { glrt_panicwrap(sbytes, 3); }
void probe_gopanicint() { glrt_gopanicint(-7, const_cast<char *>("main.T"), 6); }
void probe_gopanicuint() { glrt_gopanicuint(-1, nullptr, 0); }
void probe_gopanicfloat() { glrt_gopanicfloat(1.5, nullptr, 0); }
void probe_gopanicbool() { glrt_gopanicbool(1, nullptr, 0); }
void probe_gopanicnil() { glrt_gopanicnil(); }
void probe_panicBounds() { glrt_panicBounds(5, 3, 0, 1); }
void probe_panicdivide() { glrt_panicdivide(); }
void probe_panicshift() { glrt_panicshift(); }
void probe_panicmem() { glrt_panicmem(); }
void probe_panicmemAddr() { glrt_panicmemAddr(8); }
void probe_gonilfunc() { glrt_gonilfunc(); }
void probe_panicmakeslicelen() { glrt_panicmakeslicelen(); }
void probe_panicmakeslicecap() { glrt_panicmakeslicecap(); }
void probe_panicdottype() { glrt_panicdottype(&stype, &siface.typ, &siface.typ); }
void probe_panicnildottype() { glrt_panicnildottype(&stype, nullptr); }
// defer.cpp: panic(v) with an eface; recover outside a panic (nil);
// deferproc + deferreturn running a record; Goexit running a deferred
// call that panics (so that the probe dies like the other noreturn ones).
void probe_gopanic() { glrt_gopanic(nullptr, nullptr); }
void probe_gorecover() { (void)glrt_gorecover(__builtin_frame_address(0)); }
uintptr_t sdeferframe[8];
void probe_deferproc() {
  glrt_deferproc(nopWork, nullptr, sdeferframe, 0);
  glrt_deferreturn(sdeferframe);
}
void probe_deferreturn() { probe_deferproc(); }
// The deferred call Goexit runs stands for generated code, whose
// split-stack prologue gives the runtime calls below it a fresh
// StackNosplitBudget: the sink counts Goexit's part (down to this call's
// entry) and the panic's part (below it) against the budget separately.
uintptr_t deathSplit; // stack pointer at the deferred call's entry, or 0
__attribute__((noinline)) void panicNil(void *) {
  deathSplit = reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) + 16; // at the call
  glrt_gopanicnil();
}
void probe_Goexit() {
  glrt_deferproc(panicNil, nullptr, sdeferframe, 0);
  glrt_Goexit();
}
// os.Exit with pending output (flushed on the way out).
void probe_exit() {
  glrt_printlock();
  glrt_printstring(const_cast<char *>("bye\n"), 4);
  glrt_exit(3);
}
// select {}: parks forever (measured from outside).
void probe_block() { glrt_block(); }

// Returning entry points on their panicking paths (they reach a panic or
// fatal error inside the runtime, which must switch to g0 just the same).
void die_makeslice() { glrt_makeslice(glrt_test::typeArg<8>(), -1, 4); }
void die_growslice() { glrt_growslice(nullptr, 4, 4, 2, glrt_test::typeArg<8>()); }
void die_closechan() { glrt_closechan(nullptr); }
void die_chansend1() {
  void *c = glrt_makechan(glrt_test::chanArg<8>(), 1);
  glrt_closechan(c);
  glrt_chansend1(c, &sval);
}
void die_selectgo() { // select { case c <- v: } on a closed channel
  void *c = glrt_makechan(glrt_test::chanArg<8>(), 1);
  glrt_closechan(c);
  struct {
    void *c, *elem;
  } cases[1] = {{c, &sval}};
  uint16_t order[2];
  glrt_selectgo(cases, order, 1, 0, 1);
}
void die_mutexUnlock() {
  if (glrt_mutexUnlock)
    glrt_mutexUnlock(smutex);
  glrt_gopanicnil(); // no sync in this runtime: still die as expected
}
alignas(8) char szerotimer[64];
void die_timerStop() { glrt_timerStop(szerotimer); }
void die_timerReset() { glrt_timerReset(szerotimer, 1); }
void die_waitgroupAdd() {
  if (glrt_waitgroupAdd)
    glrt_waitgroupAdd(swg, -1);
  glrt_gopanicnil();
}

// net.cpp / netpoll.cpp: the socket rows and every poll_* row on a path
// that does not park (data already there, a peer that accepts at once).
// Set-up (socketpair, a loopback listener) runs on g0: only the rows are
// measured.
int sfds[2];
void spair(bool data) {
  onsystemstack([data] {
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sfds);
    if (data)
      (void)!write(sfds[1], "xy", 2);
  });
}
void sclose(int fd) { onsystemstack([fd] { close(fd); }); }
char ssa[28];
void sloopback() { // ssa: 127.0.0.1:0 (sockaddr_in)
  memset(ssa, 0, sizeof ssa);
  ssa[0] = AF_INET;
  ssa[4] = 127;
  ssa[7] = 1;
}
void probe_net_socket() { sval += glrt_net_close(glrt_net_socket(AF_INET, SOCK_STREAM, 0)); }
void probe_net_setsockopt() {
  int64_t fd = glrt_net_socket(AF_INET, SOCK_STREAM, 0);
  sval += glrt_net_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  glrt_net_close(fd);
}
void probe_net_bind() {
  int64_t fd = glrt_net_socket(AF_INET, SOCK_STREAM, 0);
  sloopback();
  sval += glrt_net_bind(fd, ssa, 16, 16);
  glrt_net_close(fd);
}
void probe_net_listen() {
  int64_t fd = glrt_net_socket(AF_INET, SOCK_STREAM, 0);
  sloopback();
  glrt_net_bind(fd, ssa, 16, 16);
  sval += glrt_net_listen(fd, 16);
  glrt_net_close(fd);
}
void probe_net_sockname() {
  int64_t fd = glrt_net_socket(AF_INET, SOCK_STREAM, 0);
  sloopback();
  glrt_net_bind(fd, ssa, 16, 16);
  sval += glrt_net_sockname(fd, 0, ssa, 28, 28) + glrt_net_sockname(fd, 1, ssa, 28, 28);
  glrt_net_close(fd);
}
void probe_net_close() { sval += glrt_net_close(-1); }
void probe_poll_open() {
  spair(false);
  int64_t pd = glrt_poll_open(sfds[0]);
  sval += glrt_poll_close(pd);
  sclose(sfds[1]);
}
void probe_poll_close() {
  spair(false);
  int64_t pd = glrt_poll_open(sfds[0]);
  sval += glrt_poll_close(pd) + glrt_poll_close(pd); // the second: already closed
  sclose(sfds[1]);
}
void probe_poll_read() {
  spair(true);
  int64_t pd = glrt_poll_open(sfds[0]);
  sval += glrt_poll_read(pd, sbytes, 1, 1) + glrt_poll_read(pd, sbytes, 0, 0);
  sclose(sfds[1]);
  sval += glrt_poll_read(pd, sbytes, 8, 8); // "y", then EOF
  sval += glrt_poll_read(pd, sbytes, 8, 8);
  glrt_poll_close(pd);
  sval += glrt_poll_read(pd, sbytes, 8, 8); // use of closed network connection
}
void probe_poll_write() {
  spair(false);
  int64_t pd = glrt_poll_open(sfds[0]);
  sval += glrt_poll_write(pd, sbytes, 64, 64);
  sclose(sfds[1]);
  sval += glrt_poll_write(pd, sbytes, 64, 64); // EPIPE (no SIGPIPE)
  glrt_poll_close(pd);
}
void probe_poll_accept() {
  int l = -1, c = -1;
  onsystemstack([&] { // a listener with a connection waiting
    sloopback();
    l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    socklen_t n = 16;
    bind(l, reinterpret_cast<sockaddr *>(ssa), 16);
    listen(l, 4);
    getsockname(l, reinterpret_cast<sockaddr *>(ssa), &n);
    c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, reinterpret_cast<sockaddr *>(ssa), 16);
  });
  int64_t pd = glrt_poll_open(l);
  int64_t fd = glrt_poll_accept(pd, ssa, 28, 28);
  sval += fd;
  glrt_poll_close(pd);
  sclose(int(fd));
  sclose(c);
}
void probe_poll_connect() {
  // A Unix-domain listener: a non-blocking connect completes at once.
  int l = -1, c = -1;
  static char sun[110];
  onsystemstack([&] {
    memset(sun, 0, sizeof sun);
    sun[0] = AF_UNIX;
    snprintf(sun + 3, 60, "glrt-probe-%d", int(getpid())); // abstract name
    l = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(l, reinterpret_cast<sockaddr *>(sun), 2 + 1 + 30);
    listen(l, 4);
    c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  });
  int64_t pd = glrt_poll_open(c);
  sval += glrt_poll_connect(pd, sun, 2 + 1 + 30, 2 + 1 + 30);
  glrt_poll_close(pd);
  sval += glrt_poll_connect(pd, sun, 33, 33); // closed
  sclose(l);
}
void probe_poll_setdeadline() {
  spair(false);
  int64_t pd = glrt_poll_open(sfds[0]);
  glrt_poll_setdeadline(pd, int64_t(3600) * 1000000000, 'r' + 'w'); // arms two timers
  glrt_poll_setdeadline(pd, -1, 'r');                                // expired
  sval += glrt_poll_read(pd, sbytes, 8, 8);                          // i/o timeout
  glrt_poll_setdeadline(pd, 0, 'r' + 'w');                           // stops them
  glrt_poll_close(pd);
  sval += glrt_poll_setdeadline(pd, 0, 'r'); // closed
  sclose(sfds[1]);
}

enum Kind { Returns, Dies, ParksForever };

struct Probe {
  const char *name;
  void (*fn)();
  Kind kind;
};

// The table: one row per abi.def entry point. A row whose probe_<name> is
// missing fails to compile.
#define GLRT_FUNC(name, ret, ...) {"glrt_" #name, probe_##name, Returns},
#define GLRT_NORETURN(name, ...) {"glrt_" #name, probe_##name, Dies},
const Probe kProbes[] = {
#include "abi.def"
};

bool parksForever(const Probe &p) { return strcmp(p.name, "glrt_block") == 0; }
Kind kindOf(const Probe &p) { return parksForever(p) ? ParksForever : p.kind; }

// ---- death-probe plumbing: the print sink sees the first output of the
// dying goroutine ----
uintptr_t deathLo, deathSp; // painted range [deathLo, deathSp) of the G
bool sinkChecked;

void deathSink(const char *p, size_t n) {
  if (!sinkChecked) {
    sinkChecked = true;
    g *gp = getg();
    bool ong0 = gp != nullptr && gp->mp != nullptr && gp == gp->mp->g0;
    uintptr_t q = deathLo;
    while (q < deathSp && *reinterpret_cast<volatile unsigned char *>(q) == kPaint)
      q++;
    uintptr_t used = deathSp - q;
    // With a split (a deferred call in between), the part above it and
    // the part below it each have their own budget.
    uintptr_t above = 0;
    if (deathSplit > q && deathSplit <= deathSp) {
      above = deathSp - deathSplit;
      used = deathSplit - q;
    }
    char line[128];
    int k;
    if (ong0 && (!kCheckBudget || (used <= StackNosplitBudget && above <= StackNosplitBudget)))
      k = snprintf(line, sizeof line, "STACK-OK (%lu+%lu bytes of the G)\n", (unsigned long)above,
                   (unsigned long)used);
    else
      k = snprintf(line, sizeof line, "STACK-BAD g0=%d used=%lu+%lu\n", int(ong0),
                   (unsigned long)above, (unsigned long)used);
    writeall(2, line, size_t(k));
  }
  writeall(2, p, n);
}

__attribute__((noinline)) void paintAndDie(void (*fn)()) {
  uintptr_t sp;
  asm volatile("movq %%rsp, %0" : "=r"(sp));
  uintptr_t lo = getg()->stackseg->lo;
  for (uintptr_t p = lo; p < sp; p++)
    *reinterpret_cast<volatile unsigned char *>(p) = kPaint;
  deathLo = lo;
  deathSp = sp;
  fn();
}

void runDeathProbe(void (*fn)()) {
  ensureSched();
  setprintsink(deathSink);
  note never;
  newproc1([](void *f) { paintAndDie(reinterpret_cast<void (*)()>(f)); },
           reinterpret_cast<void *>(fn), 64 << 10);
  notesleep(&never);
}

} // namespace

TEST(AbiStackTest, TableCoversEveryEntryPoint) {
  // Three of each kind at least: the X-macro really expanded abi.def.
  int n[3] = {0, 0, 0};
  for (const Probe &p : kProbes)
    n[kindOf(p)]++;
  EXPECT_GE(n[Returns], 30);
  EXPECT_GE(n[Dies], 12);
  EXPECT_EQ(n[ParksForever], 1);
}

// Every returning entry point fits StackNosplitBudget on every path its
// probe takes.
TEST(AbiStackTest, ReturningEntryPointsFitTheNosplitBudget) {
  ensureSched();
  memset(sbytes, 'x', sizeof sbytes);
  setprintsink(nullSink);
  struct Result {
    const Probe *p;
    uintptr_t used;
  };
  Result res[sizeof kProbes / sizeof kProbes[0]];
  size_t nres = 0;
  for (const Probe &p : kProbes)
    if (kindOf(p) == Returns)
      res[nres++] = {&p, 0};
  struct Ctx {
    Result *res;
    size_t n;
    note done;
  } c{res, nres, {}};
  newproc1(
      [](void *a) {
        auto *c = static_cast<Ctx *>(a);
        // Warm-up: the first call of a libc function through the PLT runs
        // the lazy-binding resolver (_dl_runtime_resolve_xsavec saves the
        // whole vector state: ~1.5 KiB). glc links programs with -z now, so
        // generated code never pays it; this test binary binds lazily.
        for (size_t i = 0; i < c->n; i++)
          c->res[i].p->fn();
        for (size_t i = 0; i < c->n; i++)
          c->res[i].used = gStackUsedBy(c->res[i].p->fn);
        notewakeup(&c->done);
      },
      &c, 64 << 10);
  notesleep(&c.done);
  setprintsink(nullptr);
  for (size_t i = 0; i < nres; i++) {
    printf("  %-24s %4lu bytes\n", res[i].p->name, (unsigned long)res[i].used);
    EXPECT_GT(res[i].used, 0u) << res[i].p->name << ": the probe saw nothing";
    if (kCheckBudget)
      EXPECT_LE(res[i].used, StackNosplitBudget)
          << res[i].p->name << " uses " << res[i].used << " bytes of the goroutine stack";
  }
}

// The entry points that check for a preemption request (preemptCheck)
// yield there when one is pending: with the request set before each probe,
// that path (preemptYieldSaving's register saves, preemptYield, Gosched up
// to mcall's switch) must fit the budget too, on top of the entry point's
// own frame at its first instruction. Each probe must really have yielded
// once (the cooperative count grows by one).
TEST(AbiStackTest, PreemptCheckYieldFitsTheNosplitBudget) {
  ensureSched();
  memset(sbytes, 'x', sizeof sbytes);
  setprintsink(nullSink);
  static const char *const kChecking[] = {
      "glrt_mapaccess1",         "glrt_mapaccess1_fat",     "glrt_mapaccess2",
      "glrt_mapassign",          "glrt_mapdelete",          "glrt_mapaccess1_fast64",
      "glrt_mapaccess2_fast64",  "glrt_mapassign_fast64",   "glrt_mapdelete_fast64",
      "glrt_mapaccess1_faststr", "glrt_mapaccess2_faststr", "glrt_mapassign_faststr",
      "glrt_mapdelete_faststr",  "glrt_mapiterinit",        "glrt_mapiternext",
      "glrt_efaceeq",            "glrt_ifaceeq",            "glrt_eqstring",
      "glrt_cmpstring",          "glrt_chanlen",            "glrt_chancap",
      "glrt_NumGoroutine",       "glrt_selectnbsend",       "glrt_selectnbrecv"};
  constexpr size_t kN = sizeof kChecking / sizeof kChecking[0];
  struct Result {
    const Probe *p = nullptr;
    uintptr_t used = 0;
    int64_t yields = 0;
  };
  static Result res[kN];
  for (size_t i = 0; i < kN; i++) {
    for (const Probe &p : kProbes)
      if (strcmp(p.name, kChecking[i]) == 0)
        res[i].p = &p;
    ASSERT_NE(res[i].p, nullptr) << kChecking[i];
  }
  static void (*current)();
  struct Ctx {
    note done;
  } c{};
  newproc1(
      [](void *a) {
        // Warm-up (lazy PLT binding, as above) and the state some probes
        // share (smap): every returning probe once, in table order.
        for (const Probe &p : kProbes)
          if (kindOf(p) == Returns)
            p.fn();
        for (Result &r : res) {
          current = r.p->fn;
          int64_t before = preemptStat.cooperative.load();
          r.used = gStackUsedBy([] {
            __atomic_store_n(&getg()->preempt, true, __ATOMIC_SEQ_CST);
            current();
            __atomic_store_n(&getg()->preempt, false, __ATOMIC_SEQ_CST);
          });
          r.yields = preemptStat.cooperative.load() - before;
        }
        notewakeup(&static_cast<Ctx *>(a)->done);
      },
      &c, 64 << 10);
  notesleep(&c.done);
  setprintsink(nullptr);
  for (const Result &r : res) {
    printf("  %-24s %4lu bytes (yielding)\n", r.p->name, (unsigned long)r.used);
    EXPECT_EQ(r.yields, 1) << r.p->name << " did not yield at its entry";
    if (kCheckBudget)
      EXPECT_LE(r.used, StackNosplitBudget)
          << r.p->name << " uses " << r.used << " bytes of the goroutine stack when it yields";
  }
}

// Every noreturn entry point switches to g0 before it prints (and so
// before write(2), the traceback and _exit), having used at most
// StackNosplitBudget bytes of the goroutine's stack.
TEST(AbiStackDeathTest, NoreturnEntryPointsSwitchToG0) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  memset(sbytes, 'x', sizeof sbytes);
  for (const Probe &p : kProbes) {
    if (kindOf(p) != Dies)
      continue;
    bool isexit = strcmp(p.name, "glrt_exit") == 0;
    bool isfatal = strcmp(p.name, "glrt_gonilfunc") == 0;
    EXPECT_EXIT(runDeathProbe(p.fn), ::testing::ExitedWithCode(isexit ? 3 : 2),
                isexit    ? "STACK-OK[^\n]*\nbye\n"
                : isfatal ? "STACK-OK[^\n]*\nfatal error: "
                          : "STACK-OK[^\n]*\npanic: ")
        << p.name;
  }
}

TEST(AbiStackDeathTest, PanicsInsideReturningEntryPointsSwitchToG0) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  struct {
    const char *name;
    void (*fn)();
  } cases[] = {{"makeslice len", die_makeslice},   {"growslice cap", die_growslice},
               {"close of nil channel", die_closechan}, {"send on closed channel", die_chansend1},
               {"select send on closed channel", die_selectgo},
               {"unlock of unlocked mutex", die_mutexUnlock},
               {"negative WaitGroup counter", die_waitgroupAdd},
               {"Stop of a zero Timer", die_timerStop},
               {"Reset of a zero Timer", die_timerReset}};
  for (auto &c : cases)
    EXPECT_EXIT(runDeathProbe(c.fn), ::testing::ExitedWithCode(2),
                "STACK-OK[^\n]*\n(panic|fatal error): ")
        << c.name;
}

// glrt_block parks forever: its goroutine-stack use is what mcall and the
// park path left on the segment.
TEST(AbiStackTest, BlockFitsTheNosplitBudget) {
  ensureSched();
  struct Ctx {
    std::atomic<g *> gp{nullptr};
    uintptr_t lo = 0, sp = 0;
  };
  static Ctx c; // the goroutine never exits
  newproc1(
      [](void *a) {
        auto *c = static_cast<Ctx *>(a);
        uintptr_t sp;
        asm volatile("movq %%rsp, %0" : "=r"(sp));
        uintptr_t lo = getg()->stackseg->lo;
        for (uintptr_t p = lo; p < sp; p++)
          *reinterpret_cast<volatile unsigned char *>(p) = kPaint;
        c->lo = lo;
        c->sp = sp;
        c->gp.store(getg());
        probe_block();
      },
      &c, 64 << 10);
  g *gp;
  while ((gp = c.gp.load()) == nullptr || readgstatus(gp) != _Gwaiting)
    ::usleep(1000);
  uintptr_t q = c.lo;
  while (q < c.sp && *reinterpret_cast<volatile unsigned char *>(q) == kPaint)
    q++;
  uintptr_t used = c.sp - q;
  EXPECT_GT(used, 0u);
  if (kCheckBudget)
    EXPECT_LE(used, StackNosplitBudget) << "glrt_block uses " << used << " bytes";
}
