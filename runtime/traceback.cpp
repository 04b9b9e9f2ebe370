//===- traceback.cpp - print the goroutine's stack of generated frames -----===//
//
// Go prints, after a panic, one entry per frame:
//     main.f(0x5?)
//         /path/x.go:12 +0x45
// glc records no argument values, so a frame prints as
//     main.f(...)
//         /path/x.go:12 +0x45
// (main.main() keeps Go's empty parentheses) where +0x45 is, as in Go, the
// PC's offset from the function's entry, and file:line come from glc's
// __glc_linetab (symtab.cpp's funcline) for the PC itself when it faulted,
// else for pc-1 (a return address: the call instruction's line, as Go).
// A PC without a line prints "?:0". Differential tests compare the
// function and file:line of every frame (the path prefix and the offsets
// masked).
//
// "(...)" is kept deliberately (issue 13). Go prints each argument word
// from the frame's argument area: stack arguments, and register arguments
// from their spill slots, with "?" after a slot its liveness table says
// may be stale. glc's code follows the C calling convention at -O2:
// argument registers are caller-saved and dead after their last use, and
// nothing stores them anywhere; what survives is described only by DWARF
// location lists, which a runtime traceback would have to evaluate with
// registers recovered frame by frame through CFI (this walk follows frame
// pointers), in a signal handler, and not at all in a -s/-w binary, whose
// tracebacks keep file:line through glc's own table. For frames below the
// top most argument words would still be unknown. Printing "?" per word
// would only count words, in a form Go never prints; storing every
// argument in its frame at entry would tax every call. Hence "(...)":
// "..." is what Go prints for argument words it leaves out.
//
// GOTRACEBACK (read once by tracebackinit; Go's runtime1.go setTraceback):
// none (level 0: no goroutine is printed), single (1, the default: the
// panicking goroutine), all (1 + every other user goroutine,
// tracebackothers in proc.cpp), system (2: all, and the generated runtime.*
// frames Go hides -- runtime.main included -- are printed; glrt's C++
// frames have no Go names and are never printed), crash (system, then die
// by SIGABRT instead of exit 2), or a number N (level N with all). Go's
// system level also prints "fp= sp= pc=" per frame; glc prints none
// (difftest's file:line pattern accepts both).
//
// How frames are found. Every generated function keeps a frame pointer
// (abi.def: "frame-pointer"="all"), so [rbp] is the caller's rbp and
// [rbp+8] the return address into the caller. glrt itself is built with
// -fno-omit-frame-pointer, so runtime frames between generated frames (a
// panic entry point, __morestack at a segment boundary) keep the chain
// intact; they are walked through and not printed. Whether a PC belongs to
// generated code is decided by the gl_text section bounds alone
// (__start_gl_text/__stop_gl_text); its name comes from __glc_functab and
// the per-package tables in section gl_functab, of which tracebackinit()
// keeps one copy sorted by entry address for binary search.
//
// Frames of generated functions named runtime.* are not printed (Go hides
// runtime frames). Under a deferred call that a panic runs (the return
// into glrt_calldefer) Go's runtime.gopanic is printed as "panic(...)"
// with Go's panic.go:884, as Go's showframe does for a gopanic that is not
// the innermost frame; at level 2 also the Go runtime functions that
// raised the panic (goPanicIndex, mapassign_fast64, ...: callers.cpp's
// deferrunnerframes), runtime.main at Go's proc.go:250 and runtime.goexit
// at every goroutine's bottom. Their files read "$GOROOT/src/runtime/...". The walk stops after main.main or at runtime.main (Go
// hides runtime.main and everything above it), at a null frame pointer (the scheduler must start each
// goroutine's first frame with rbp = 0), at a misaligned one, or after 100
// printed frames, or at rt0 main's frame (settracebackstop; a panic in a
// package initialiser has no main.main below it). With no generated code linked in (unit tests) nothing is
// walked at all, because the frames above are libc's and may not keep rbp.
//
// A goroutine other than main is followed, as in Go, by the function whose
// `go` statement created it: "created by main.main" and a second line like
// a frame's ("\t/abs/x.go:LINE +0x6a": the go statement's line and the
// offset of the return address of the glrt_newproc call). The scheduler records that address (g.gopc).
//
// Frame words are read with process_vm_readv, so a chain that runs into
// unmapped memory ends the walk instead of faulting.
//
// Async-signal-safe once tracebackinit() has run: no locks, no malloc, only
// the print sink and syscalls.
//===----------------------------------------------------------------------===//
#include "traceback.h"

#include "abi.h"
#include "malloc.h"
#include "print.h"
#include "symtab.h"

#include <atomic>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

// defer_amd64.S / asm_amd64.S: return addresses the walk recognises.
extern "C" const uintptr_t glrt_gostart_retpc;
extern "C" const uintptr_t glrt_calldefer_retpc;
extern "C" char glrt_morestack_ret[];

namespace glrt {
namespace {

const glc_funcinfo *sorted;    // copy of __glc_functab, by entry address
int64_t nsorted;               // its length
std::atomic<int> initstate{0}; // 0 none, 1 in progress, 2 done
uintptr_t stopfp;              // rt0 main's frame; set once before __glc_main
// GOTRACEBACK, parsed by tracebackinit before initstate becomes 2.
int32_t tblevel = 1;
bool tball = false, tbcrash = false;

// runtime.Stack prints at level 1 whatever GOTRACEBACK says (Go sets
// m.traceback = 1): a per-thread override, 0 = none. Set on g0 by
// callers.cpp around its traceback.
__attribute__((tls_model("initial-exec"))) thread_local int32_t tblevelforced;

int32_t curlevel() { return tblevelforced ? tblevelforced : tblevel; }

bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }

void parsegotraceback(const char *v) {
  if (v == nullptr || *v == 0 || streq(v, "single"))
    return; // level 1, this goroutine only
  if (streq(v, "none")) {
    tblevel = 0;
  } else if (streq(v, "all")) {
    tball = true;
  } else if (streq(v, "system")) {
    tblevel = 2;
    tball = true;
  } else if (streq(v, "crash")) {
    tblevel = 2;
    tball = true;
    tbcrash = true;
  } else {
    // Go: any other value is "all" at level atoi(v) (0 if not a number).
    tball = true;
    int32_t n = 0;
    for (const char *p = v; *p; p++) {
      if (*p < '0' || *p > '9') {
        n = 0;
        break;
      }
      n = n * 10 + (*p - '0');
    }
    tblevel = n;
  }
}

bool less(const glc_funcinfo &a, const glc_funcinfo &b) {
  return reinterpret_cast<uintptr_t>(a.entry) <
         reinterpret_cast<uintptr_t>(b.entry);
}

// Heapsort: in place, no recursion, no allocation (qsort may malloc).
void siftdown(glc_funcinfo *a, int64_t root, int64_t n) {
  for (;;) {
    int64_t child = 2 * root + 1;
    if (child >= n)
      return;
    if (child + 1 < n && less(a[child], a[child + 1]))
      child++;
    if (!less(a[root], a[child]))
      return;
    glc_funcinfo t = a[root];
    a[root] = a[child];
    a[child] = t;
    root = child;
  }
}

void heapsort(glc_funcinfo *a, int64_t n) {
  for (int64_t i = n / 2 - 1; i >= 0; i--)
    siftdown(a, i, n);
  for (int64_t end = n - 1; end > 0; end--) {
    glc_funcinfo t = a[0];
    a[0] = a[end];
    a[end] = t;
    siftdown(a, 0, end);
  }
}

} // namespace

void tracebackinit() {
  int expect = 0;
  if (!initstate.compare_exchange_strong(expect, 1, std::memory_order_acquire)) {
    while (initstate.load(std::memory_order_acquire) != 2) {
    }
    return;
  }
  parsegotraceback(getenv("GOTRACEBACK"));
  int64_t n1 = (&__glc_functab_len != nullptr && __glc_functab != nullptr)
                   ? __glc_functab_len
                   : 0;
  // Per-package tables (abi.h: section gl_functab), after the program's own.
  int64_t n2 = (__start_gl_functab != nullptr && __stop_gl_functab != nullptr)
                   ? __stop_gl_functab - __start_gl_functab
                   : 0;
  int64_t n = n1 + n2;
  if (n > 0) {
    auto *copy = static_cast<glc_funcinfo *>(
        persistentalloc(static_cast<size_t>(n) * sizeof(glc_funcinfo)));
    if (n1 > 0)
      memcpy(copy, __glc_functab, static_cast<size_t>(n1) * sizeof(glc_funcinfo));
    if (n2 > 0)
      memcpy(copy + n1, __start_gl_functab, static_cast<size_t>(n2) * sizeof(glc_funcinfo));
    heapsort(copy, n);
    sorted = copy;
    nsorted = n;
  }
  initstate.store(2, std::memory_order_release); // pairs with the loads above
}

void settracebackstop(uintptr_t fp) { stopfp = fp; }

void settracebacklevel(int32_t level) { tblevelforced = level; }

void gotraceback(int32_t *level, bool *all, bool *crash) {
  if (initstate.load(std::memory_order_acquire) != 2)
    tracebackinit();
  *level = tblevel;
  *all = tball;
  *crash = tbcrash;
}

bool ingeneratedcode(uintptr_t pc) {
  uintptr_t lo = reinterpret_cast<uintptr_t>(__start_gl_text);
  uintptr_t hi = reinterpret_cast<uintptr_t>(__stop_gl_text);
  return lo != 0 && pc >= lo && pc < hi;
}

const char *funcname(uintptr_t pc, uintptr_t *entry, int64_t *flags) {
  if (initstate.load(std::memory_order_acquire) != 2)
    tracebackinit();
  // Largest entry <= pc.
  int64_t lo = 0, hi = nsorted;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (reinterpret_cast<uintptr_t>(sorted[mid].entry) <= pc)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0)
    return nullptr;
  *entry = reinterpret_cast<uintptr_t>(sorted[lo - 1].entry);
  if (flags)
    *flags = sorted[lo - 1].flags;
  return sorted[lo - 1].name;
}

namespace {

// "\t/abs/file.go:12 +0x45\n" for the frame at pc in the function at entry;
// lookup is the PC whose line is shown (pc, or pc-1 for a return address).
// A PC without a line of its own in a known function (the call of
// __morestack at the end of a prologue, where a stack overflow is found)
// takes the line of the function's entry, its declaration: Go's morestack
// call is at the function's first line too.
void printfileline(uintptr_t lookup, uintptr_t pc, uintptr_t entry) {
  const char *file = nullptr;
  int32_t line = 0;
  gwrite("\t", 1);
  if (funcline(lookup, &file, &line) || (entry != pc && funcline(entry, &file, &line))) {
    gwrites(file);
    gwrite(":", 1);
    printint(line);
  } else {
    gwrites("?:0");
  }
  gwrites(" +");
  printhex(pc - entry);
  gwrite("\n", 1);
}

// One of Go's runtime frames that glrt stands in for: no address of ours
// inside it, so the offset printed is go1.19's own for that call
// (runtimeframe.off; runtime.goexit's +0x1: Go sets its PC to entry + 1),
// +0x0 where it is not known.
void printruntimeframe(const char *name, const char *file, int32_t line, uint32_t off) {
  bool goexit = strcmp(name, "runtime.goexit") == 0;
  gwrites(name);
  // runtime.goexit has no arguments: Go prints "()" for it.
  gwrites(goexit ? "()\n\t" : "(...)\n\t");
  gwrites(file);
  gwrite(":", 1);
  printint(line);
  gwrites(" +");
  printhex(off);
  gwrite("\n", 1);
}

// Go's showframe for a runtime function: "runtime.Goexit" and the other
// exported ones are shown at level 1 too (isExportedRuntime), the rest
// only from level 2 on.
bool exportedruntime(const char *name) {
  return strncmp(name, "runtime.", 8) == 0 && name[8] >= 'A' && name[8] <= 'Z';
}

constexpr char kGoexitFile[] = "$GOROOT/src/runtime/asm_amd64.s";
constexpr int32_t kGoexitLine = 1594;

// Prints one frame if pc is in generated code. Returns 1 if printed and
// sets *ismain when the walk must stop after it (main.main, runtime.main).
// *childgen says whether the frame this one called (its child, the one
// printed or skipped just before) is generated code, and is updated for
// the next frame. A wrapper (GLC_FUNC_WRAPPER) is shown only when its
// child is not: Go's elideWrapperCalling shows a wrapper whose callee is
// gopanic, sigpanic or panicwrap, where it panicked itself, and hides it
// when it called the wrapped method; at level 2 it is always shown.
int printframe(uintptr_t pc, bool exactpc, bool *ismain, bool *childgen) {
  uintptr_t lookup = exactpc ? pc : pc - 1;
  if (!ingeneratedcode(lookup)) {
    *childgen = false;
    return 0;
  }
  uintptr_t entry = 0;
  int64_t flags = 0;
  const char *name = funcname(lookup, &entry, &flags);
  if (name == nullptr) {
    name = "?";
    entry = pc;
  }
  // Go's showframe: at level 2 (GOTRACEBACK=system, a runtime throw)
  // every wrapper is shown.
  bool wrapperHidden = (flags & GLC_FUNC_WRAPPER) && *childgen && curlevel() < 2;
  *childgen = true;
  if (wrapperHidden)
    return 0;
  if (strncmp(name, "runtime.", 8) == 0) {
    // Go hides runtime frames below GOTRACEBACK=system; runtime.main
    // (glc's name for the function that runs initialisers and main.main)
    // is the bottom of goroutine 1.
    *ismain = strcmp(name, "runtime.main") == 0;
    if (curlevel() < 2)
      return 0;
    gwrites(name);
    gwrites("()\n");
    if (*ismain) {
      // Go's runtime.main calls main.main at proc.go:250 (callers.cpp
      // reports the same line).
      gwrites("\t$GOROOT/src/runtime/proc.go:250 +");
      printhex(pc - entry);
      gwrite("\n", 1);
    } else {
      printfileline(lookup, pc, entry);
    }
    return 1;
  }
  gwrites(name);
  // Argument values are not recorded: "(...)" is what Go prints for a frame
  // whose arguments it cannot show. main.main has none: Go prints "()".
  // At GOTRACEBACK=system the walk goes on to runtime.main, as Go's.
  bool mainmain = strcmp(name, "main.main") == 0;
  *ismain = mainmain && curlevel() < 2;
  gwrites(mainmain ? "()\n" : "(...)\n");
  printfileline(lookup, pc, entry);
  return 1;
}

// Reads the two words at fp (saved rbp, return address) without risking a
// fault: a frame above generated code that does not keep rbp (libc, a
// foreign caller) leaves a garbage value in the chain. process_vm_readv on
// our own pid reports a bad address as EFAULT instead of raising SIGSEGV.
bool readframe(uintptr_t fp, uintptr_t out[2]) {
  struct iovec local = {out, 2 * sizeof(uintptr_t)};
  struct iovec remote = {reinterpret_cast<void *>(fp), 2 * sizeof(uintptr_t)};
  ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
  if (n == ssize_t(2 * sizeof(uintptr_t)))
    return true;
  if (n < 0 && errno == EFAULT)
    return false;
  // The syscall itself is unavailable (seccomp, old kernel): read directly.
  const uintptr_t *p = reinterpret_cast<const uintptr_t *>(fp);
  out[0] = p[0];
  out[1] = p[1];
  return true;
}

} // namespace

bool readframewords(uintptr_t fp, uintptr_t out[2]) { return readframe(fp, out); }

uintptr_t tracebackstop() { return stopfp; }

int traceback(uintptr_t pc, uintptr_t fp, bool exactpc, g *gp, int hidden) {
  constexpr int kMaxFrames = 100; // Go's _TracebackMaxFrames
  if (__start_gl_text == nullptr)
    return 0; // no generated code: the chain above us is not ours to walk
  int printed = 0;
  // Go's gentraceback walks at most kMaxFrames frames, shown or hidden
  // (its n), and reports how many it printed (nprint): walked counts the
  // Go frames seen so far (generated ones, the runtime frames under
  // deferred calls, and the hidden ones above pc).
  int walked = hidden;
  bool ismain = false, childgen = false; // the first frame's child is the runtime
  if (ingeneratedcode(exactpc ? pc : pc - 1))
    walked++;
  printed += printframe(pc, exactpc, &ismain, &childgen);
  while (!ismain && fp != 0 && fp != stopfp && (fp & 7) == 0) {
    uintptr_t frame[2];
    if (!readframe(fp, frame))
      break; // the chain left mapped memory: a frame without rbp
    if (pc == reinterpret_cast<uintptr_t>(glrt_morestack_ret)) {
      // The body we just printed ran on a new stack segment: fp is
      // __morestack's frame, whose return address is the prologue of that
      // same function (not a frame of its own: Go has one frame per call)
      // and whose third word is the function's real return address into
      // its caller, whose rbp __morestack saved (defer.cpp: parentfp).
      uintptr_t ms[2];
      if (!readframe(fp + 8, ms))
        break;
      frame[1] = ms[1];
    }
    pc = frame[1];
    fp = frame[0];
    if (pc == 0)
      break;
    if (walked >= kMaxFrames && (ingeneratedcode(pc - 1) || pc == glrt_calldefer_retpc)) {
      if (printed == kMaxFrames)
        gwrites("...additional frames elided...\n");
      break;
    }
    if (pc == glrt_calldefer_retpc) {
      // A deferred call run by a panic or Goexit: Go's runtime frames
      // under it (callers.cpp). Go's showframe shows runtime.gopanic
      // (as "panic") whenever it is not the innermost frame, the others
      // at level 2 only.
      runtimeframe rf[3];
      int n = deferrunnerframes(gp, fp, rf);
      walked += n;
      if (curlevel() >= 2 && n > 0 && rf[0].line == 884 &&
          strcmp(rf[0].name, "runtime.gopanic") == 0) {
        // gopanic runs a frame's open-coded defers through two wrappers
        // (funcID_wrapper: shown only at level 2, never by Callers).
        printruntimeframe("runtime.deferCallSave", "$GOROOT/src/runtime/panic.go", 796, 0x88);
        printruntimeframe("runtime.runOpenDeferFrame", "$GOROOT/src/runtime/panic.go", 769, 0x1a5);
        printed += 2;
        walked += 2;
      }
      for (int i = 0; i < n; i++) {
        bool gopanic = strcmp(rf[i].name, "runtime.gopanic") == 0;
        if (!gopanic && !exportedruntime(rf[i].name) && curlevel() < 2)
          continue;
        printruntimeframe(gopanic ? "panic" : rf[i].name, rf[i].file, rf[i].line, rf[i].off);
        printed++;
      }
      childgen = false;
      continue;
    }
    if (pc == glrt_gostart_retpc && curlevel() >= 2) {
      printruntimeframe("runtime.goexit", kGoexitFile, kGoexitLine, 1);
      printed++;
      break;
    }
    if (ingeneratedcode(pc - 1))
      walked++;
    printed += printframe(pc, false, &ismain, &childgen);
  }
  if (ismain && curlevel() >= 2) {
    // Go's goroutine 1 ends in runtime.goexit too (glc's runtime.main is
    // called by rt0's main instead).
    printruntimeframe("runtime.goexit", kGoexitFile, kGoexitLine, 1);
    printed++;
  }
  return printed;
}

void printunstarted(void (*startfn)(void *), void *startarg) {
  uintptr_t entry = 0;
  uintptr_t start = reinterpret_cast<uintptr_t>(startfn);
  if (!ingeneratedcode(start))
    return;
  const char *name = funcname(start, &entry);
  // A go statement's trampoline (IRGenGo.cpp): runtime.gowrap.N(block),
  // block = {func value, arguments...}; a func value's first word is its
  // code. The trampolines of builtins (go println(...)) have no callee.
  if (name == nullptr || strncmp(name, "runtime.gowrap.", 15) != 0 ||
      strncmp(name, "runtime.gowrap.builtin", 22) == 0 || startarg == nullptr)
    return;
  uintptr_t w[2], fv[2];
  if (!readframe(reinterpret_cast<uintptr_t>(startarg), w) || w[0] == 0 ||
      !readframe(w[0], fv) || !ingeneratedcode(fv[0]))
    return;
  name = funcname(fv[0], &entry);
  if (name == nullptr || (strncmp(name, "runtime.", 8) == 0 && curlevel() < 2))
    return;
  gwrites(name);
  gwrites(strcmp(name, "main.main") == 0 ? "()\n\t" : "(...)\n\t");
  const char *file = nullptr;
  int32_t line = 0;
  if (funcline(entry, &file, &line)) {
    gwrites(file);
    gwrite(":", 1);
    printint(line);
  } else {
    gwrites("?:0");
  }
  gwrite("\n", 1); // at its entry: Go prints no +0x0
  if (curlevel() >= 2)
    printruntimeframe("runtime.goexit", kGoexitFile, kGoexitLine, 1);
}

void printfatalpanicframes(const _panic *p) {
  if (curlevel() < 2)
    return;
  runtimeframe rf[3];
  int n = fatalpanicframes(p, rf);
  for (int i = 0; i < n; i++)
    printruntimeframe(i == 0 ? "panic" : rf[i].name, rf[i].file, rf[i].line, rf[i].off);
}

void printcreatedby(uintptr_t gopc) {
  if (gopc == 0 || !ingeneratedcode(gopc - 1))
    return;
  uintptr_t entry = 0;
  const char *name = funcname(gopc - 1, &entry);
  if (name == nullptr || strncmp(name, "runtime.", 8) == 0)
    return;
  gwrites("created by ");
  gwrites(name);
  gwrite("\n", 1);
  // Go: the line of the go statement (pc-1: the call of newproc).
  printfileline(gopc > entry ? gopc - 1 : gopc, gopc, entry);
}

} // namespace glrt
