//===- callers.cpp - runtime.Callers, FuncForPC, CallersFrames, Stack ------===//
//
// The glrt half of Go's runtime.Caller, Callers, FuncForPC, CallersFrames
// and Stack; the GL half is stdlib/runtime/extern.gl. Three abi.def rows:
//
//   callers(skip, pc []uintptr) int   Go's callers: the return addresses
//       of the goroutine's logical frames, innermost first. Frame 0 is the
//       function that called glrt_callers (the GL function the binding
//       stub is inlined into: runtime.Callers or runtime.Caller).
//   findfunc(pc, *funcInfo) bool      the function containing pc (name,
//       entry) and the file:line of pc itself.
//   Stack(buf []byte, all bool) int   Go's runtime.Stack.
//
// Which frames are logical frames (go1.19's gentraceback with a pcbuf):
//  - generated functions, wrappers hidden as Go hides them (a wrapper shows
//    only when it is the innermost generated frame: it panicked itself),
//    and the go statements' trampolines (runtime.gowrap.N: Go's go
//    wrappers are wrappers) never;
//  - runtime.main (glc's __glc_main) as Go's runtime.main, proc.go:250;
//  - the bottom of every goroutine (the return into glrt_gostart) as Go's
//    runtime.goexit, asm_amd64.s:1594;
//  - a deferred call run by a panic or Goexit (the return into
//    glrt_calldefer) adds Go's runtime.gopanic (panic.go:884 for a frame's
//    own (open-coded) defers, 890 for a heap record, as go1.19) or
//    runtime.Goexit (panic.go:522), and for a runtime error the Go
//    function that raised it (goPanicIndex and the other goPanic* by the
//    boundsError's code and signedness, panicdivide, panicshift, and
//    panicmem + sigpanic for a nil dereference), told from the panic's
//    value, and for a panic a glrt entry point raises in a Go runtime
//    function's place, that function's frames (sigpanicinfo's origin,
//    defer.h: the mapassign variant gc picks for the key, chansend +
//    chansend1 or selectnbsend, selectgo, closechan, makechan,
//    panicmakeslicelen/cap + makeslice, panicdottypeE/I, getitab +
//    assertE2I/I2I for a missing method, assertE2I/I2I alone for x.(I) of
//    a nil interface, efaceeq/ifaceeq for comparing uncomparable interface
//    values, nilinterhash/interhash and the map operation for a hash of an
//    unhashable key, chansend:283 + chansend1 for a blocked send woken by
//    close);
//  - glrt's other C++/assembly frames (entry points, __morestack at every
//    segment boundary, deferreturn, which Go's Callers does not show either)
//    are walked through and not reported. A function whose body runs on a
//    new stack segment is one frame, as Go's: __morestack's frame holds
//    the return address into that function's prologue (not reported) and,
//    one word further, the function's real return address into its
//    caller, which the walk follows (defer.cpp: parentfp).
// Not reproduced: gc's generated hash and equality functions between
// those (type..hash.main.K, type..eq.main.S: a struct or array key or
// operand; glc's are not Go runtime frames), mapaccess1_fat/2_fat (shown
// as mapaccess1/2), and the runtime frames above a deferred call that a
// panic in a runtime function runs (Go's deferCallSave,
// runOpenDeferFrame).
// traceback.cpp prints the same frames (deferrunnerframes): "panic" for
// runtime.gopanic at every level, the others at level 2.
//
// Go's runtime frames are given pseudo PCs (entry+1, as Go's goexit PC):
// the addresses of the slots of `pseudotext` below, which findfunc
// resolves to Go's names and file:line ("$GOROOT/src/runtime/...", as a
// -trimpath build of Go prints them).
//
// A frame interrupted by a fault (the one above glrt_sigpanic0) is at its
// exact PC: its entry is pc+1, as Go stores it, so that every consumer
// subtracts 1 alike.
//
// Inlining: glc keeps a frame for every function that calls anything
// (irgen's keepTracebackFrames: noinline), so no function that can be on
// a stack while Callers runs is ever inlined, and physical frames are
// Go's logical frames. (The leaves LLVM inlines cannot call Callers.) The
// one exception, functions whose only calls are the runtime's panics, may
// inline, but each panic goes through a stub frame named after the
// function, at its line, whose caller's frame reads the line of the call:
// the logical frames again.
//
// Stack use: the entry points take the frame pointer on the goroutine and
// do the walk on g0 (onsystemstack): the walk reads frame words with
// process_vm_readv and binary-searches tables, too much for the 256-byte
// budget on a 2 KiB segment.
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "defer.h"
#include "gmp.h"
#include "panic.h"
#include "print.h"
#include "proc.h"
#include "symtab.h"
#include "traceback.h"

#include <signal.h>
#include <string.h>

// defer_amd64.S / asm_amd64.S: return addresses the walk recognises.
extern "C" const uintptr_t glrt_gostart_retpc;
extern "C" const uintptr_t glrt_calldefer_retpc;
extern "C" const uintptr_t glrt_sigpanic0_retpc;

namespace glrt {
namespace {

using pseudofunc = runtimeframe;
#define RT "$GOROOT/src/runtime/"
#define PANICGO RT "panic.go"
enum : int {
  kGoexit,
  kGopanicOpen,
  kGopanicHeap,
  kGoexitCall,
  kPanicshift,
  kPanicdivide,
  kPanicmem,
  kSigpanic,
  kBounds, // 2 per boundsErrorCode: signed x, then unsigned
  kMapassign = kBounds + 18,
  kMapassignFast32,
  kMapassignFast64,
  kMapassignFast64ptr,
  kMapassignFaststr,
  kChansend,
  kChansend1,
  kSelectnbsend,
  kSelectgo,
  kClosechanNil,
  kClosechanClosed,
  kMakechan,
  kPanicmakeslicelen,
  kMakesliceLen,
  kPanicmakeslicecap,
  kMakesliceCap,
  kPanicdottypeE,
  kPanicdottypeI,
  kGetitab,
  kAssertE2I,
  kAssertI2I,
  kChansendWoken,
  kAssertE2INil,
  kAssertI2INil,
  kEfaceeq,
  kIfaceeq,
  kNilinterhash,
  kInterhash,
  kMapaccess1Hash, // by HashOp - 1
  kMapaccess1Empty,
  kMapaccess2Hash,
  kMapaccess2Empty,
  kMapassignHash,
  kMapdeleteHash,
  kMapdeleteEmpty,
  kNPseudo,
};
const pseudofunc pseudofuncs[kNPseudo] = {
    {"runtime.goexit", "$GOROOT/src/runtime/asm_amd64.s", 1594, 0x1},
    {"runtime.gopanic", PANICGO, 884, 0x212},
    {"runtime.gopanic", PANICGO, 890, 0x262},
    {"runtime.Goexit", PANICGO, 522, 0x185},
    {"runtime.panicshift", PANICGO, 231, 0x49},
    {"runtime.panicdivide", PANICGO, 239, 0x45},
    {"runtime.panicmem", PANICGO, 260, 0},
    {"runtime.sigpanic", "$GOROOT/src/runtime/signal_unix.go", 835, 0},
    // go1.19's goPanic* functions, by boundsErrorCode (abi.def).
    {"runtime.goPanicIndex", PANICGO, 113, 0x7f},
    {"runtime.goPanicIndexU", PANICGO, 119, 0},
    {"runtime.goPanicSliceAlen", PANICGO, 127, 0},
    {"runtime.goPanicSliceAlenU", PANICGO, 133, 0},
    {"runtime.goPanicSliceAcap", PANICGO, 139, 0x7f},
    {"runtime.goPanicSliceAcapU", PANICGO, 145, 0},
    {"runtime.goPanicSliceB", PANICGO, 153, 0x7f},
    {"runtime.goPanicSliceBU", PANICGO, 159, 0},
    {"runtime.goPanicSlice3Alen", PANICGO, 165, 0},
    {"runtime.goPanicSlice3AlenU", PANICGO, 169, 0},
    {"runtime.goPanicSlice3Acap", PANICGO, 173, 0},
    {"runtime.goPanicSlice3AcapU", PANICGO, 177, 0},
    {"runtime.goPanicSlice3B", PANICGO, 183, 0x7f},
    {"runtime.goPanicSlice3BU", PANICGO, 187, 0},
    {"runtime.goPanicSlice3C", PANICGO, 193, 0},
    {"runtime.goPanicSlice3CU", PANICGO, 197, 0},
    {"runtime.goPanicSliceConvert", PANICGO, 203, 0},
    {"runtime.goPanicSliceConvert", PANICGO, 203, 0},
    // The Go functions that raise glrt entry points' panics (panicorigin).
    {"runtime.mapassign", RT "map.go", 580, 0x51d},
    {"runtime.mapassign_fast32", RT "map_fast32.go", 95, 0x2fa},
    {"runtime.mapassign_fast64", RT "map_fast64.go", 95, 0x2fa},
    {"runtime.mapassign_fast64ptr", RT "map_fast64.go", 185, 0x316},
    {"runtime.mapassign_faststr", RT "map_faststr.go", 205, 0x3da},
    {"runtime.chansend", RT "chan.go", 206, 0x618},
    {"runtime.chansend1", RT "chan.go", 145, 0x1d},
    {"runtime.selectnbsend", RT "chan.go", 694, 0x25},
    {"runtime.selectgo", RT "select.go", 516, 0xd89},
    {"runtime.closechan", RT "chan.go", 359, 0x40f},
    {"runtime.closechan", RT "chan.go", 365, 0x3fc},
    {"runtime.makechan", RT "chan.go", 85, 0x191},
    {"runtime.panicmakeslicelen", RT "slice.go", 29, 0},
    {"runtime.makeslice", RT "slice.go", 98, 0},
    {"runtime.panicmakeslicecap", RT "slice.go", 33, 0},
    {"runtime.makeslice", RT "slice.go", 100, 0},
    {"runtime.panicdottypeE", RT "iface.go", 262, 0},
    {"runtime.panicdottypeI", RT "iface.go", 272, 0x30},
    {"runtime.getitab", RT "iface.go", 92, 0x1e5},
    {"runtime.assertE2I", RT "iface.go", 453, 0x25},
    {"runtime.assertI2I", RT "iface.go", 429, 0x3d},
    {"runtime.chansend", RT "chan.go", 283, 0x5e6},
    {"runtime.assertE2I", RT "iface.go", 451, 0x6d},
    {"runtime.assertI2I", RT "iface.go", 424, 0x85},
    {"runtime.efaceeq", RT "alg.go", 249, 0x99},
    {"runtime.ifaceeq", RT "alg.go", 266, 0x9a},
    {"runtime.nilinterhash", RT "alg.go", 125, 0xe5},
    {"runtime.interhash", RT "alg.go", 108, 0xe5},
    // The map operations' hash of the key (an empty or nil map: the
    // hash Go computes only to panic, hashMightPanic).
    {"runtime.mapaccess1", RT "map.go", 417, 0x7e},
    {"runtime.mapaccess1", RT "map.go", 410, 0x111},
    {"runtime.mapaccess2", RT "map.go", 478, 0x7e},
    {"runtime.mapaccess2", RT "map.go", 471, 0x111},
    {"runtime.mapassign", RT "map.go", 597, 0x82},
    {"runtime.mapdelete", RT "map.go", 718, 0x7e},
    {"runtime.mapdelete", RT "map.go", 710, 0x10c},
};
// Each panicorigin's frames, innermost first (-1: none).
const int8_t originframes[kNOrigins][2] = {
    {-1, -1},
    {kMapassign, -1},
    {kMapassignFast32, -1},
    {kMapassignFast64, -1},
    {kMapassignFast64ptr, -1},
    {kMapassignFaststr, -1},
    {kChansend, kChansend1},
    {kChansend, kSelectnbsend},
    {kSelectgo, -1},
    {kClosechanNil, -1},
    {kClosechanClosed, -1},
    {kMakechan, -1},
    {kPanicmakeslicelen, kMakesliceLen},
    {kPanicmakeslicecap, kMakesliceCap},
    {kPanicdottypeE, -1},
    {kPanicdottypeE, kPanicdottypeI},
    {kGetitab, kAssertE2I},
    {kGetitab, kAssertI2I},
    {kChansendWoken, kChansend1},
    {kAssertE2INil, -1},
    {kAssertI2INil, -1},
    {kEfaceeq, -1},
    {kIfaceeq, -1},
    // kOriginHash: nilinterhash, then interhash, each by HashOp.
#define HASH(h)                                                                                    \
  {h, -1}, {h, kMapaccess1Hash}, {h, kMapaccess1Empty}, {h, kMapaccess2Hash},                       \
      {h, kMapaccess2Empty}, {h, kMapassignHash}, {h, kMapdeleteHash}, {h, kMapdeleteEmpty}
    HASH(kNilinterhash),
    HASH(kInterhash),
#undef HASH
};
static_assert(kNOrigins == kOriginHash + 16 && kHashOpMapdeleteEmpty == 7,
              "originframes: 8 HashOps per hash function");
#undef RT
#undef PANICGO

// error.cpp's runtime.boundsError payload.
struct boundsErr {
  int64_t x;
  int64_t y;
  bool xsigned;
  uint8_t code;
};
constexpr uintptr_t kPseudoSize = 16;
// Never executed: only its addresses matter (one slot per pseudo function).
alignas(16) const char pseudotext[kNPseudo * kPseudoSize] = {};

uintptr_t pseudopc(int k) { return reinterpret_cast<uintptr_t>(pseudotext) + k * kPseudoSize + 1; }

// The pseudo function at pc, or -1.
int pseudoat(uintptr_t pc) {
  uintptr_t base = reinterpret_cast<uintptr_t>(pseudotext);
  if (pc < base || pc >= base + sizeof pseudotext)
    return -1;
  return int((pc - base) / kPseudoSize);
}

// Go's runtime.main is glc's __glc_main: report Go's file:line for it.
const char kRuntimeMainFile[] = "$GOROOT/src/runtime/proc.go";
constexpr int32_t kRuntimeMainLine = 250;

struct walker {
  uintptr_t *buf;
  int64_t max;
  int64_t n;
  int64_t skip;
  // Returns false when the buffer is full (the walk may stop).
  bool put(uintptr_t pc) {
    if (skip > 0) {
      skip--;
      return true;
    }
    if (n < max)
      buf[n++] = pc;
    return n < max;
  }
};

int originframesof(const _panic *p, int out[2]);

// The deferred call whose glrt_calldefer frame has rbp fp: the pseudo
// frames (at most 3, innermost first) of the runtime functions under it:
// gopanic or Goexit, then for a runtime error the function that raised it
// in Go (goPanicIndex..., panicdivide, panicshift; panicmem and sigpanic
// for a nil dereference, which Go always detects by a fault).
int deferrunner(g *gp, uintptr_t fp, int out[3]) {
  _panic *p = gp ? gpanic(gp) : nullptr;
  while (p && p->argp != fp)
    p = p->link;
  if (!p) {
    out[0] = kGopanicOpen;
    return 1;
  }
  if (p->goexit) {
    out[0] = kGoexitCall;
    return 1;
  }
  out[0] = kGopanicOpen;
  for (_defer *d = gdefer(gp); d; d = d->link)
    if (d->panic == p) {
      if (d->flags & DEFER_FHEAP)
        out[0] = kGopanicHeap;
      break;
    }
  return 1 + originframesof(p, out + 1);
}

// The Go runtime functions under runtime.gopanic that raised p (at most
// 2, innermost first): its sigpanicinfo's origin, or those of the runtime
// error it carries.
int originframesof(const _panic *p, int out[2]) {
  // The runtime's error types, by name (error.cpp keeps their descriptors
  // to itself; no GL package can declare these names).
  auto named = [](const Type *t, const char *lit) {
    size_t n = strlen(lit);
    return t && size_t(t->str.len) == n && memcmp(t->str.str, lit, n) == 0;
  };
  if (p->sig && p->sig->origin > kOriginNone && p->sig->origin < kNOrigins) {
    int n = 0;
    for (int8_t k : originframes[p->sig->origin])
      if (k >= 0)
        out[n++] = k;
    return n;
  }
  const Type *t = p->arg.type;
  if (named(t, "runtime.boundsError") && p->arg.data) {
    auto *e = static_cast<const boundsErr *>(p->arg.data);
    int code = e->code <= 8 ? e->code : 0;
    out[0] = kBounds + 2 * code + (e->xsigned ? 0 : 1);
    return 1;
  }
  if (named(t, "runtime.errorString") && p->arg.data) {
    auto *m = static_cast<const GoString *>(p->arg.data);
    auto is = [m](const char *lit) {
      size_t n = strlen(lit);
      return size_t(m->len) == n && memcmp(m->str, lit, n) == 0;
    };
    if (p->sig && p->sig->sig == SIGSEGV &&
        is("invalid memory address or nil pointer dereference")) {
      out[0] = kPanicmem;
      out[1] = kSigpanic;
      return 2;
    }
    if (is("integer divide by zero")) {
      out[0] = kPanicdivide;
      return 1;
    }
    if (is("negative shift amount")) {
      out[0] = kPanicshift;
      return 1;
    }
  }
  return 0;
}

// Go's gentraceback with a pcbuf, from the frame whose return address is
// pc and whose caller's rbp is fp (the first frame reported is the caller).
void walk(g *gp, uintptr_t pc, uintptr_t fp, walker *w) {
  if (__start_gl_text == nullptr)
    return; // no generated code (unit tests): nothing of ours above
  bool childgen = false, exact = false;
  uintptr_t stop = tracebackstop();
  for (;;) {
    uintptr_t lookup = exact ? pc : pc - 1;
    if (ingeneratedcode(lookup)) {
      uintptr_t entry = 0;
      int64_t flags = 0;
      const char *name = funcname(lookup, &entry, &flags);
      bool hidden = (name && strncmp(name, "runtime.gowrap.", 15) == 0) ||
                    ((flags & GLC_FUNC_WRAPPER) && childgen);
      childgen = true;
      if (!hidden && !w->put(exact ? pc + 1 : pc))
        return;
    } else {
      childgen = false;
      if (pc == glrt_gostart_retpc) {
        w->put(pseudopc(kGoexit));
        return; // the goroutine's bottom
      }
      if (pc == glrt_calldefer_retpc) {
        int k[3];
        int n = deferrunner(gp, fp, k);
        for (int i = 0; i < n; i++)
          if (!w->put(pseudopc(k[i])))
            return;
      }
    }
    exact = pc == glrt_sigpanic0_retpc;
    if (fp == 0 || fp == stop || (fp & 7) != 0)
      return;
    uintptr_t frame[2];
    if (!readframewords(fp, frame))
      return;
    if (pc == reinterpret_cast<uintptr_t>(glrt_morestack_ret)) {
      // fp is __morestack's frame: its return address is the prologue of
      // the function whose body we just left, and its third word that
      // function's real return address (defer.cpp: parentfp).
      uintptr_t ms[2];
      if (!readframewords(fp + 8, ms))
        return;
      frame[1] = ms[1];
    }
    pc = frame[1];
    fp = frame[0];
    if (pc == 0)
      return;
  }
}

} // namespace

int fatalpanicframes(const _panic *p, runtimeframe out[3]) {
  int k[2];
  int n = p ? originframesof(p, k) : 0;
  // go1.19's gopanic calls fatalpanic at panic.go:987.
  out[0] = runtimeframe{"runtime.gopanic", "$GOROOT/src/runtime/panic.go", 987, 0x3ba};
  for (int i = 0; i < n; i++)
    out[1 + i] = pseudofuncs[k[i]];
  return 1 + n;
}

int deferrunnerframes(g *gp, uintptr_t fp, runtimeframe out[3]) {
  if (!gp) {
    g *cur = getg();
    gp = cur && cur->mp && cur->mp->curg ? cur->mp->curg : cur;
  }
  int k[3];
  int n = deferrunner(gp, fp, k);
  for (int i = 0; i < n; i++)
    out[i] = pseudofuncs[k[i]];
  return n;
}

namespace {

struct funcInfo { // stdlib/runtime/extern.gl: type funcInfo
  uintptr_t entry;
  const char *name;
  int64_t namelen;
  const char *file;
  int64_t filelen;
  int64_t line;
};

void setstr(const char **p, int64_t *n, const char *s) {
  *p = s;
  *n = static_cast<int64_t>(strlen(s));
}

} // namespace
} // namespace glrt

using namespace glrt;

int64_t glrt_callers(int64_t skip, void *pcbuf, int64_t len, int64_t) {
  if (len <= 0)
    return 0;
  auto *fp = static_cast<uintptr_t *>(__builtin_frame_address(0));
  struct args {
    uintptr_t pc, fp;
    walker w;
  } a{fp[1], fp[0], walker{static_cast<uintptr_t *>(pcbuf), len, 0, skip < 0 ? 0 : skip}};
  onsystemstack(
      [](void *p) {
        auto *a = static_cast<args *>(p);
        g *gp = getg();
        if (gp && gp->mp && gp->mp->curg)
          gp = gp->mp->curg;
        walk(gp, a->pc, a->fp, &a->w);
      },
      &a);
  return a.w.n;
}

uint8_t glrt_findfunc(int64_t pc64, void *out) {
  auto *fi = static_cast<funcInfo *>(out);
  uintptr_t pc = static_cast<uintptr_t>(pc64);
  int k = pseudoat(pc);
  if (k >= 0) {
    fi->entry = reinterpret_cast<uintptr_t>(pseudotext) + k * kPseudoSize;
    setstr(&fi->name, &fi->namelen, pseudofuncs[k].name);
    setstr(&fi->file, &fi->filelen, pseudofuncs[k].file);
    fi->line = pseudofuncs[k].line;
    return 1;
  }
  if (!ingeneratedcode(pc))
    return 0;
  uintptr_t entry = 0;
  const char *name = funcname(pc, &entry);
  if (name == nullptr)
    return 0;
  fi->entry = entry;
  setstr(&fi->name, &fi->namelen, name);
  const char *file = nullptr;
  int32_t line = 0;
  if (strcmp(name, "runtime.main") == 0) {
    file = kRuntimeMainFile;
    line = kRuntimeMainLine;
  } else if (!funcline(pc, &file, &line)) {
    file = "?"; // Go's funcline1 for a PC without a line
    line = 0;
  }
  setstr(&fi->file, &fi->filelen, file);
  fi->line = line;
  return 1;
}

namespace {
// Stack's body, on g0: out of line, so that glrt_Stack's own frame (under
// stopTheWorld's, which parks on the G) holds only its arguments.
struct stackArgs {
  uintptr_t pc, fp;
  char *buf;
  int64_t len;
  bool all;
  int64_t n;
};

__attribute__((noinline)) int64_t stackbody(uintptr_t pc, uintptr_t fp, void *buf, int64_t len,
                                            bool all) {
  stackArgs a{pc, fp, static_cast<char *>(buf), len, all, 0};
  onsystemstack(
      [](void *p) {
        auto *a = static_cast<stackArgs *>(p);
        g *gp = getg()->mp->curg;
        setwritebuf(a->buf, size_t(a->len));
        settracebacklevel(1); // Go's m.traceback = 1
        goroutineheader(gp);
        traceback(a->pc, a->fp, false);
        printcreatedby(gp->gopc);
        if (a->all && tracebackothers)
          tracebackothers();
        settracebacklevel(0);
        a->n = int64_t(clearwritebuf());
      },
      &a);
  return a.n;
}
} // namespace

int64_t glrt_Stack(void *buf, int64_t len, int64_t, uint8_t all) {
  auto *fp = static_cast<uintptr_t *>(__builtin_frame_address(0));
  // Go stops the world for all=true, so that every other goroutine is
  // parked or runnable at a saved context while its frames are read.
  if (all)
    stopTheWorld("stack trace");
  int64_t n = len > 0 ? stackbody(fp[1], fp[0], buf, len, all != 0) : 0;
  if (all)
    startTheWorld(0);
  return n;
}
