//===- mgcmark.cpp - marking: heap bitmap, gcWork, roots, parallel drain ---===//
//
// Go's mgcmark.go and mgcwork.go (mgc.cpp's essay lists the roots and the
// phases; the concurrent mark's part is the section "Concurrent marking"
// below, the barrier's rule mbarrier.cpp's essay).
//
// Colours: an object is white (mark bit clear), grey (mark bit set, its
// address in some gcWork buffer) or black (mark bit set, scanned). Marking
// sets the bit with an atomic fetch_or on the byte of span.gcmarkBits, so
// exactly one worker greys each object; noscan objects are blackened at
// once (nothing to scan).
//
// Precision: heap objects in scan spans are scanned precisely from the heap
// bitmap (heapArena.ptrbits, written at allocation by heapBitsSetType from
// the type's gcdata). The program's package variables are scanned
// precisely too, from glc's root table (scanglobal; abi.h: glc_gcroot:
// each pointerful variable's address, size and type, the type's gcdata
// repeated every type size across an array variable). The other roots
// are scanned conservatively: every aligned word of a G's stack segments,
// of the data and bss sections outside the package variables' sections
// (glrt's, libc's and the C++ runtime's globals: no types), and
// of the runtime's persistent memory that points into an allocated slot
// of an in-use span keeps that object. A precise pointer is validated the
// same way (findObject), so a pointer word that holds a stale or foreign
// value (an object allocated with needzero = false and not yet filled, a
// pointer to a global or a stack) is harmless.
//
// Parallel marking (Go's gcWork/work.full): every worker (the collecting M
// plus nworkers-1 helper threads, one per P, mgc.cpp) owns one workbuf of
// grey objects, no locks. A full buffer goes to the global `full` list; a
// worker whose buffer is empty takes one from there; while others wait
// (or, during the concurrent mark, whenever the full list is empty, so
// assists find work), a worker with more than a few objects shares the
// older half of its buffer (balance).
// Root ranges are claimed from a shared job array with an atomic index.
// Termination (Go's work.nwait): a worker with no local work and an empty
// full list increments nwait and spins; it leaves (nwait--) when a full
// buffer appears; the mark is done when nwait == nworkers and the full list
// is empty, checked in that order (seq_cst), because only a worker that is
// not waiting can publish a buffer. With the world stopped that is the end
// of the mark. While the world runs, the write barrier and assists also
// publish buffers (gcPublish, publishLocal), so the workers' termination
// only means "nothing left right now": the collector restarts them while
// gcMarkWorkAvailable (full buffers, or an assist holding some), and mark
// termination drains whatever the per-P barrier buffers still hold.
// Concurrent scanning reads heap words with relaxed atomic loads (a
// mutator may store them at the same time; either value is fine: the old
// one is shaded by the barrier, the new one was reachable or is black).
//
// Locks: workLock guards the full and empty lists (held for a few pointer
// moves). Helper threads never touch the scheduler: they are plain threads
// that the collector starts and joins per mark (notes).
//===----------------------------------------------------------------------===//
#include "mgc.h"

#include "abi.h"
#include "gmp.h"
#include "iface.h"
#include "lock.h"
#include "malloc.h"
#include "mem.h"
#include "mheap.h"
#include "panic.h"
#include "print.h"
#include "stack.h"
#include "type.h"

#include <pthread.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

extern "C" char __data_start[], _edata[], __bss_start[], _end[];

namespace glrt {

void forEachG(void (*fn)(g *, void *), void *arg); // proc.h
uint32_t readgstatus(g *gp);

// ---------------------------------------------------------------------------
// The heap bitmap

namespace {

inline void setbit(uint8_t *bits, uintptr_t w, bool v) {
  uint8_t m = uint8_t(1u << (w % 8));
  if (v)
    bits[w / 8] |= m;
  else
    bits[w / 8] &= uint8_t(~m);
}

} // namespace

namespace {

// The repeating case of heapBitsSetType: an array of an element type with
// some pointer words (not every word), starting on a bitmap byte. Eight
// elements of ew words take exactly ew bitmap bytes, so the bytes of the
// first eight elements are built bit by bit once and then copied whole
// across the array: a 200,000-element []string used to cost 400,000
// read-modify-writes of single bits (strings.Split: 8% of its profile).
// Returns false (nothing written) when the object crosses an arena or the
// element is too big for the pattern buffer.
bool heapBitsSetArray(heapArena *ha, uintptr_t w, uintptr_t dw, uintptr_t nw, const Type *typ) {
  constexpr uintptr_t kMaxElemWords = 64;
  uintptr_t ew = typ->size / 8, pw = typ->ptrdata / 8;
  if (ew == 0 || ew > kMaxElemWords || w % 8 != 0 || w + nw > heapArenaBytes / 8)
    return false;
  uint8_t pat[kMaxElemWords] = {}; // ew bytes: eight elements
  for (uintptr_t k = 0; k < 8 * ew; k++) {
    uintptr_t j = k % ew;
    if (j < pw && ((typ->gcdata[j / 8] >> (j % 8)) & 1))
      pat[k / 8] |= uint8_t(1u << (k % 8));
  }
  uint8_t *out = ha->ptrbits + w / 8;
  uintptr_t full = dw / 8; // whole bitmap bytes inside the data
  for (uintptr_t b = 0; b < full; b += ew)
    memcpy(out + b, pat, full - b < ew ? full - b : ew);
  // The data's last partial byte bit by bit; the words past the data up
  // to the slot's end (a size class rounds up) hold no pointers: whole
  // zero bytes, then the bits of a last partial byte.
  uintptr_t i = full * 8;
  for (; i < dw || (i < nw && i % 8 != 0); i++) {
    uintptr_t j = i % ew;
    setbit(ha->ptrbits, w + i, i < dw && j < pw && ((typ->gcdata[j / 8] >> (j % 8)) & 1));
  }
  memset(out + i / 8, 0, (nw - i) / 8);
  for (i += (nw - i) / 8 * 8; i < nw; i++)
    setbit(ha->ptrbits, w + i, false);
  return true;
}

} // namespace

void heapBitsSetType(uintptr_t x, uintptr_t size, uintptr_t slotsize, const Type *typ) {
  uintptr_t nw = slotsize / 8, dw = size / 8;
  // Arrays of 64 or more words of a partly-pointer element: bytes at once.
  if (dw >= 64 && typ->gcdata != nullptr && typ->size >= 8 && typ->size % 8 == 0 &&
      !(typ->size == 8 && typ->ptrdata == 8)) {
    heapArena *ha0 = arenaOf(x);
    if (heapBitsSetArray(ha0, (x - ha0->base) / 8, dw, nw, typ))
      return;
  }
  // conservativeType (no gcdata): every word; so is an array of pointers.
  bool all = typ->gcdata == nullptr || (typ->size == 8 && typ->ptrdata == 8);
  uintptr_t ew = typ->size / 8, pw = typ->ptrdata / 8;
  heapArena *ha = arenaOf(x);
  uintptr_t w = (x - ha->base) / 8;
  uintptr_t j = 0; // word within the current element
  for (uintptr_t i = 0; i < nw; i++, w++) {
    if (w == heapArenaBytes / 8) { // a large object crossing into the next arena
      ha = arenaOf(ha->base + heapArenaBytes);
      w = 0;
    }
    // A whole byte of bits at a time where it is aligned and uniform:
    // past the data (no pointers), or every word (conservativeType).
    if (w % 8 == 0 && i + 8 <= nw && (i >= dw || (all && i + 8 <= dw))) {
      ha->ptrbits[w / 8] = i >= dw ? 0 : 0xff;
      i += 7;
      w += 7;
      continue;
    }
    bool ptr = false;
    if (i < dw) {
      ptr = all || (j < pw && ((typ->gcdata[j / 8] >> (j % 8)) & 1));
      if (++j == ew)
        j = 0;
    }
    setbit(ha->ptrbits, w, ptr);
  }
}

bool heapBitsIsPointer(uintptr_t addr) {
  heapArena *ha = arenaOf(addr);
  uintptr_t w = (addr - ha->base) / 8;
  return (ha->ptrbits[w / 8] >> (w % 8)) & 1;
}

// ---------------------------------------------------------------------------
// Work buffers

namespace {

constexpr uintptr_t kWorkbufObjs = 510;
struct workbuf {
  workbuf *next;
  uintptr_t n;
  uintptr_t obj[kWorkbufObjs];
};
static_assert(sizeof(workbuf) == 4096);

constinit mutex workLock;
workbuf *workFull GUARDED_BY(workLock) = nullptr;
workbuf *workEmpty GUARDED_BY(workLock) = nullptr;
std::atomic<int64_t> nfull{0};
std::atomic<int32_t> nwait{0};
int32_t nproc = 1; // workers in this mark; written before they start

// Bounds of the heap's arenas (a cheap first filter for candidate words);
// written before the workers start. Stored complemented, never as
// addresses: these are globals in .bss, which the mark itself scans
// conservatively, and the lowest arena's base is also the address of
// whatever object the allocator put there. Stored as is, heapLo kept that
// object and everything it reaches alive for good (a 128 MiB list whose
// newest block landed at the arena's base was never freed). The rule for
// every glrt global: no heap address that is not meant to be a root.
uintptr_t heapLoNot = ~uintptr_t(0), heapHiNot = ~uintptr_t(0);

workbuf *getempty() REQUIRES(workLock) {
  workbuf *b = workEmpty;
  if (b != nullptr) {
    workEmpty = b->next;
  } else {
    // Not persistentalloc: persistent memory is a root, and a stale grey
    // entry in a scanned workbuf would keep its object alive forever.
    constexpr uintptr_t kChunk = 64 << 10;
    auto *mem = static_cast<char *>(sysAlloc(kChunk));
    for (uintptr_t off = sizeof(workbuf); off + sizeof(workbuf) <= kChunk; off += sizeof(workbuf)) {
      auto *e = reinterpret_cast<workbuf *>(mem + off);
      e->next = workEmpty;
      workEmpty = e;
    }
    b = reinterpret_cast<workbuf *>(mem);
  }
  b->next = nullptr;
  b->n = 0;
  return b;
}

// Scan work the background workers did and no assist has taken yet (Go's
// gcController.bgScanCredit), in scanned bytes: drain flushes its worker's
// scanning here every kCreditSlack bytes during the concurrent mark; an
// assist pays (part of) its goroutine's debt from it before scanning
// (gcAssistSteal), and the collector's poll hands it to parked assists
// (gcWakeAssists, mgcpacer.cpp). Zeroed at STW1. Relaxed: a counter.
std::atomic<int64_t> bgScanCredit{0};
// The background workers' scanned bytes this cycle so far (flushed with
// the credit), for the pacer's revision of assistRatio.
std::atomic<int64_t> bgScanDone{0};
constexpr uint64_t kCreditSlack = 64 << 10;

struct gcWork {
  workbuf *cur = nullptr;
  uint64_t bytesMarked = 0, objsMarked = 0, bytesScanned = 0;
  // A background worker during the concurrent mark: flushes scan credit.
  bool flushCredit = false;
  uint64_t creditFlushed = 0;
  void flushScanCredit() {
    int64_t d = int64_t(bytesScanned - creditFlushed);
    creditFlushed = bytesScanned;
    bgScanCredit.fetch_add(d, std::memory_order_relaxed);
    bgScanDone.fetch_add(d, std::memory_order_relaxed);
  }

  void init() {
    lock(&workLock);
    cur = getempty();
    unlock(&workLock);
  }
  void dispose() {
    lock(&workLock);
    cur->next = workEmpty;
    workEmpty = cur;
    unlock(&workLock);
    cur = nullptr;
  }
  void put(uintptr_t obj) {
    if (cur->n == kWorkbufObjs) {
      lock(&workLock);
      cur->next = workFull;
      workFull = cur;
      nfull.fetch_add(1, std::memory_order_seq_cst);
      cur = getempty();
      unlock(&workLock);
    }
    cur->obj[cur->n++] = obj;
  }
  // Shares half of the local buffer when the full list is empty and
  // someone may want work: other workers waiting (nwait), or, during the
  // concurrent mark, any allocating goroutine (its assist takes only from
  // the full list: Go's gcw.balance whenever work.full == 0). The OLDEST
  // half goes (the bottom of the buffer): a depth-first scan of a linked
  // structure keeps its largest unexplored subgraphs there, so a taker
  // gets work worth its lock round, and this worker keeps the newest
  // entries, which are hot in its cache. Without this, an assist found no
  // work through most of a binary tree's mark (the one background worker
  // held all ~20 grey nodes locally) and its goroutine went on allocating:
  // the heap overshot its goal by 50% (issue 11's binary_trees).
  void balance() {
    if (cur->n < 8 || nfull.load(std::memory_order_relaxed) != 0 ||
        (nwait.load(std::memory_order_relaxed) == 0 &&
         gcphase.load(std::memory_order_relaxed) != _GCmark))
      return;
    lock(&workLock);
    workbuf *b = getempty();
    uintptr_t half = cur->n / 2;
    memcpy(b->obj, cur->obj, half * sizeof(uintptr_t));
    memmove(cur->obj, cur->obj + half, (cur->n - half) * sizeof(uintptr_t));
    b->n = half;
    cur->n -= half;
    b->next = workFull;
    workFull = b;
    nfull.fetch_add(1, std::memory_order_seq_cst);
    unlock(&workLock);
  }
  uintptr_t tryGet() {
    if (cur->n > 0)
      return cur->obj[--cur->n];
    if (nfull.load(std::memory_order_seq_cst) == 0)
      return 0;
    lock(&workLock);
    workbuf *b = workFull;
    if (b != nullptr) {
      workFull = b->next;
      nfull.fetch_sub(1, std::memory_order_seq_cst);
      cur->next = workEmpty;
      workEmpty = cur;
      cur = b;
    }
    unlock(&workLock);
    return cur->n > 0 ? cur->obj[--cur->n] : 0;
  }
};

// ---------------------------------------------------------------------------
// Marking

inline uintptr_t objsize(mspan *s) {
  return spanClassSize(s->spanclass) == 0 ? s->limit - s->startAddr : s->elemsize;
}

// Greys the object containing candidate pointer v, if v points into an
// allocated slot of an in-use span.
// GODEBUG=gccheckmark=1, during the re-mark only: reports an object the
// first mark left white, with the word that reached it (gcCheckmark).
bool checkmarkActive = false;
[[noreturn]] void checkmarkFound(uintptr_t base, mspan *s, uintptr_t from);
inline bool savedMark(mspan *s, uintptr_t idx) {
  return s->checkmarkSaved != nullptr && ((s->checkmarkSaved[idx / 8] >> (idx % 8)) & 1);
}

// parentBlack (checkmark's re-mark only): v is a pointer word of an object
// the first mark marked; v's object must be marked too.
inline void markCandidate(uintptr_t v, gcWork &w, uintptr_t from = 0, bool parentBlack = false) {
  if (v < ~heapLoNot || v >= ~heapHiNot)
    return;
  mspan *s;
  uintptr_t idx;
  uintptr_t base = findObject(v, &s, &idx);
  if (base == 0)
    return;
  if (__builtin_expect(parentBlack, 0) && !savedMark(s, idx))
    checkmarkFound(base, s, from);
  uint8_t *bp = s->gcmarkBits + idx / 8;
  uint8_t m = uint8_t(1u << (idx % 8));
  if (__atomic_load_n(bp, __ATOMIC_RELAXED) & m)
    return;
  if (__atomic_fetch_or(bp, m, __ATOMIC_RELAXED) & m)
    return;
  uintptr_t sz = objsize(s);
  w.bytesMarked += sz;
  w.objsMarked++;
  if (!spanClassNoscan(s->spanclass))
    w.put(base);
}

// Scans [lo, hi) conservatively: every aligned word is a candidate.
void scanblock(uintptr_t lo, uintptr_t hi, gcWork &w) {
  lo = (lo + 7) & ~uintptr_t(7);
  for (uintptr_t p = lo; p + 8 <= hi; p += 8)
    markCandidate(*reinterpret_cast<const uintptr_t *>(p), w);
  if (hi > lo)
    w.bytesScanned += hi - lo;
}

// Scans package variable memory [lo, hi) precisely: typ's gcdata repeated
// every typ->size bytes from lo (a variable's start, or an element boundary
// of an array variable: addJob's pieces). Only the world-stopped root scan
// reads these words (mbarrier.cpp: stores into roots need no barrier), so
// plain loads.
void scanglobal(uintptr_t lo, uintptr_t hi, const Type *typ, gcWork &w) {
  uintptr_t esz = typ->size, pw = typ->ptrdata / 8;
  const uint8_t *bits = typ->gcdata; // null with ptrdata > 0: every word
  if (esz == 0 || pw == 0)
    return;
  for (uintptr_t e = lo; e + esz <= hi; e += esz)
    for (uintptr_t j = 0; j < pw; j++)
      if (bits == nullptr || ((bits[j / 8] >> (j % 8)) & 1))
        markCandidate(*reinterpret_cast<const uintptr_t *>(e + j * 8), w);
  w.bytesScanned += hi - lo;
}

// Scans the object at base precisely, from the heap bitmap.
void scanobject(uintptr_t base, gcWork &w) {
  mspan *s = spanOf(base);
  bool parentBlack = __builtin_expect(checkmarkActive, 0) && savedMark(s, s->objIndex(base));
  uintptr_t n = objsize(s);
  heapArena *ha = arenaOf(base);
  uintptr_t wd = (base - ha->base) / 8;
  uintptr_t nw = n / 8;
  for (uintptr_t i = 0; i < nw;) {
    if (wd == heapArenaBytes / 8) {
      ha = arenaOf(ha->base + heapArenaBytes);
      wd = 0;
    }
    uint8_t bits = ha->ptrbits[wd / 8] >> (wd % 8);
    uintptr_t k = 8 - wd % 8; // words covered by this bitmap byte
    if (k > nw - i)
      k = nw - i;
    for (uintptr_t t = 0; bits != 0 && t < k; t++, bits >>= 1)
      if (bits & 1) // relaxed: mutators may store this word while marking runs
        markCandidate(__atomic_load_n(reinterpret_cast<const uintptr_t *>(base + (i + t) * 8),
                                      __ATOMIC_RELAXED),
                      w, base + (i + t) * 8, parentBlack);
    i += k;
    wd += k;
  }
  w.bytesScanned += n;
}

void drain(gcWork &w) {
  for (;;) {
    uintptr_t b;
    while ((b = w.tryGet()) != 0) {
      scanobject(b, w);
      w.balance();
      if (w.flushCredit && w.bytesScanned - w.creditFlushed >= kCreditSlack)
        w.flushScanCredit();
    }
    if (w.flushCredit)
      w.flushScanCredit();
    nwait.fetch_add(1, std::memory_order_seq_cst);
    for (int spins = 0;; spins++) {
      if (nfull.load(std::memory_order_seq_cst) != 0) {
        nwait.fetch_sub(1, std::memory_order_seq_cst);
        break;
      }
      if (nwait.load(std::memory_order_seq_cst) == nproc &&
          nfull.load(std::memory_order_seq_cst) == 0)
        return;
      if (spins < 64)
        __builtin_ia32_pause();
      else
        osyield();
    }
  }
}

// ---------------------------------------------------------------------------
// Root jobs

// typ null: [lo, hi) is scanned conservatively (scanblock); else it is
// package variable memory scanned precisely (scanglobal), lo on an
// element boundary of typ.
struct rootJob {
  uintptr_t lo, hi;
  const Type *typ;
};
rootJob *jobs = nullptr;
uintptr_t njobs = 0, jobsCap = 0;
std::atomic<uintptr_t> nextJob{0};
uint64_t stackBytes = 0, globalBytes = 0;
uint64_t rootJobBytes = 0; // the bytes of the root jobs (addRootJobs)
// The concurrent cycle's pauses mark with one thread below these
// (gcMarkRootsSTW, gcMarkTermDrain).
constexpr uint64_t kSmallRoots = uint64_t(1) << 20;
constexpr int64_t kSmallTermWorkbufs = 4;

void addJob(uintptr_t lo, uintptr_t hi, const Type *typ = nullptr) {
  if (hi <= lo)
    return;
  if (njobs == jobsCap) {
    uintptr_t nc = jobsCap ? 2 * jobsCap : 1024;
    auto *nj = static_cast<rootJob *>(sysAlloc(nc * sizeof(rootJob)));
    if (njobs)
      memcpy(nj, jobs, njobs * sizeof(rootJob));
    if (jobs)
      sysFree(jobs, jobsCap * sizeof(rootJob));
    jobs = nj;
    jobsCap = nc;
  }
  // Big ranges in 256 KiB pieces, so workers share them (a typed range's
  // pieces are whole elements).
  uintptr_t piece = 256 << 10;
  if (typ != nullptr && typ->size > 0)
    piece = piece > typ->size ? piece / typ->size * typ->size : typ->size;
  if (hi - lo > piece) {
    for (uintptr_t a = lo; a < hi; a += piece)
      addJob(a, hi - a > piece ? a + piece : hi, typ);
    return;
  }
  jobs[njobs++] = rootJob{lo, hi, typ};
  rootJobBytes += hi - lo;
}

// The parts of the executable's data or bss section [lo, hi) outside the
// package variables' sections (gl_globals: zero-initialised, nobits;
// gl_globaldata: those with a static initial value), conservatively. glc's
// tables in the data section are left out too: they hold code, itab,
// descriptor and variable addresses, never a heap pointer (gl_functab,
// gl_itablinks, gl_gcroots: writable only for their relocations).
void addDataJobs(uintptr_t lo, uintptr_t hi, int k = 0) {
  auto a = [](const void *p) { return reinterpret_cast<uintptr_t>(p); };
  const uintptr_t skip[][2] = {
      {a(__start_gl_globals), a(__stop_gl_globals)},
      {a(__start_gl_globaldata), a(__stop_gl_globaldata)},
      {a(__start_gl_functab), a(__stop_gl_functab)},
      {a(__start_gl_itablinks), a(__stop_gl_itablinks)},
      {a(__start_gl_gcroots), a(__stop_gl_gcroots)}};
  constexpr int kSkip = sizeof skip / sizeof skip[0];
  if (hi <= lo)
    return;
  if (k == kSkip) {
    addJob(lo, hi);
    globalBytes += hi - lo;
    return;
  }
  uintptr_t slo = skip[k][0], shi = skip[k][1];
  if (slo == 0 || shi <= slo || shi <= lo || slo >= hi) {
    addDataJobs(lo, hi, k + 1);
    return;
  }
  addDataJobs(lo, slo > lo ? slo : lo, k + 1);
  addDataJobs(shi < hi ? shi : hi, hi, k + 1);
}

struct stackArgs {
  g *curg;
  uintptr_t curgsp;
};

// Every segment of gp's chain that holds frames: the current one from the
// saved SP, each older one from the __morestack frame the next one
// recorded (stkseg.oldsp). An SP outside its segment (never expected)
// falls back to the whole segment: conservative, never unsafe.
void addStackJobs(g *gp, void *arg) {
  auto *a = static_cast<stackArgs *>(arg);
  uint32_t st = readgstatus(gp);
  if (st == _Gdead || st == _Gidle)
    return;
  stkseg *seg = gp->stackseg;
  if (seg == nullptr)
    return;
  uintptr_t sp = gp == a->curg ? a->curgsp : gp->sched.sp;
  if (st == _Gsyscall && gp != a->curg) {
    // Still running C code (the system call) on this stack while the
    // world is stopped: its frames are from the SP entersyscall saved up
    // (the ones below belong to the call and its libc wrapper, which
    // hold only copies of what the frames above and the saved registers
    // hold: no Go code runs and nothing is allocated before exitsyscall
    // has a P, and it gets none while the world is stopped). The
    // callee-saved registers at entersyscall hold whatever the frames
    // keep in registers across the call (the buffer of a read, say).
    sp = gp->syscallsp;
    addJob(reinterpret_cast<uintptr_t>(&gp->syscallregs[0]),
           reinterpret_cast<uintptr_t>(&gp->syscallregs[6]));
  }
  // Only the collector's own G runs; any other G still marked running
  // (never expected with the world stopped) has no meaningful saved SP.
  if (sp < seg->lo || sp >= seg->hi || (gp != a->curg && st == _Grunning))
    sp = seg->lo;
  addJob(sp, seg->hi);
  stackBytes += seg->hi - sp;
  for (stkseg *child = seg, *s = seg->prev; s != nullptr; child = s, s = s->prev) {
    uintptr_t osp = child->oldsp;
    if (osp < s->lo || osp >= s->hi)
      osp = s->lo;
    addJob(osp, s->hi);
    stackBytes += s->hi - osp;
  }
  // Dynamic allocas too big for a segment (stack.cpp's allocaBlock: a
  // {next, size} header, then the frame's memory).
  struct allocaBlock {
    allocaBlock *next;
    uintptr_t size;
  };
  for (auto *b = static_cast<allocaBlock *>(gp->allocas); b != nullptr; b = b->next)
    addJob(reinterpret_cast<uintptr_t>(b) + sizeof(allocaBlock), reinterpret_cast<uintptr_t>(b) + b->size);
}

void addPersistentJob(uintptr_t lo, uintptr_t hi, void *) { addJob(lo, hi); }

// ---------------------------------------------------------------------------
// Workers

// Moves whatever w still holds onto the full list (a worker that scanned
// roots without draining them, an assist that stopped early), and gives
// its buffer up.
void publishLocal(gcWork &w) {
  lock(&workLock);
  if (w.cur->n > 0) {
    w.cur->next = workFull;
    workFull = w.cur;
    nfull.fetch_add(1, std::memory_order_seq_cst);
  } else {
    w.cur->next = workEmpty;
    workEmpty = w.cur;
  }
  unlock(&workLock);
  w.cur = nullptr;
}

// roots: claim root jobs first; drainToo: then drain to termination (else
// the grey objects found are left on the full list for later workers).
markResult runWorker(bool roots, bool drainToo) {
  gcWork w;
  w.init();
  if (roots) {
    for (;;) {
      uintptr_t i = nextJob.fetch_add(1, std::memory_order_relaxed);
      if (i >= njobs)
        break;
      if (jobs[i].typ != nullptr)
        scanglobal(jobs[i].lo, jobs[i].hi, jobs[i].typ, w);
      else
        scanblock(jobs[i].lo, jobs[i].hi, w);
      w.balance();
    }
  }
  if (drainToo) {
    w.flushCredit = !roots && gcphase.load(std::memory_order_relaxed) == _GCmark;
    drain(w);
    w.dispose();
  } else {
    publishLocal(w);
  }
  return markResult{w.bytesMarked, w.objsMarked, w.bytesScanned, 0, 0};
}

// Helper threads: started once, reused for every mark.
constexpr int kMaxHelpers = 255;
struct helper {
  pthread_t thread;
  note start;
  markResult res;
};
helper *helpers = nullptr; // kMaxHelpers records, sysAlloc'd once
int32_t nhelpers = 0;
bool helpersRoots = true;
bool helpersDrain = true;
int32_t helpersExpected = 0; // helpers started for this round
std::atomic<int32_t> helpersDone{0};
note helpersDoneNote;
// The helpers' time in runWorker since start-up (gctrace's background
// mark CPU: the collector reads it at STW1 and at STW2).
std::atomic<uint64_t> helperNs{0};

void *helperMain(void *arg) {
  auto *h = static_cast<helper *>(arg);
  minitNonM(); // not an M: a signal sent to the process goes on to one (panic.h)
  for (;;) {
    notesleep(&h->start);
    noteclear(&h->start);
    // Read this round's parameters before reporting done: once the last
    // helper has counted itself, the collecting M (or the concurrent
    // collector's poll) may start the next round, rewriting them; a helper
    // that read helpersExpected after its fetch_add could then match the
    // next round's count and wake helpersDoneNote for a round it is not
    // part of (TSan found the race on nproc).
    const int32_t n = helpersExpected;
    const bool roots = helpersRoots, drainToo = helpersDrain;
    int64_t t0 = nanotime();
    h->res = runWorker(roots, drainToo);
    helperNs.fetch_add(uint64_t(nanotime() - t0), std::memory_order_relaxed);
    if (helpersDone.fetch_add(1, std::memory_order_acq_rel) + 1 == n)
      notewakeup(&helpersDoneNote);
  }
  return nullptr;
}

void startHelpers(int32_t n) {
  if (helpers == nullptr)
    helpers = static_cast<helper *>(sysAlloc(sizeof(helper) * kMaxHelpers));
  while (nhelpers < n) {
    helper *h = &helpers[nhelpers];
    new (&h->start) note();
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 << 10);
    if (pthread_create(&h->thread, &attr, helperMain, h) != 0) {
      pthread_attr_destroy(&attr);
      break; // mark with fewer workers
    }
    pthread_attr_destroy(&attr);
    nhelpers++;
  }
}

markResult markParallel(int32_t nworkers, bool roots, bool drainToo = true) {
  if (nworkers < 1)
    nworkers = 1;
  if (nworkers > kMaxHelpers + 1)
    nworkers = kMaxHelpers + 1;
  if (nworkers > 1)
    startHelpers(nworkers - 1);
  if (nworkers > nhelpers + 1)
    nworkers = nhelpers + 1;
  nproc = nworkers;
  nwait.store(0, std::memory_order_relaxed);
  helpersDone.store(0, std::memory_order_relaxed);
  helpersRoots = roots;
  helpersDrain = drainToo;
  helpersExpected = nworkers - 1;
  noteclear(&helpersDoneNote);
  // notewakeup's release orders everything above (jobs, bounds, nproc)
  // before each helper's start.
  for (int32_t i = 0; i < nworkers - 1; i++)
    notewakeup(&helpers[i].start);
  markResult r = runWorker(roots, drainToo);
  if (nworkers > 1)
    notesleep(&helpersDoneNote); // acquire: the helpers' marks and results
  for (int32_t i = 0; i < nworkers - 1; i++) {
    r.markedBytes += helpers[i].res.markedBytes;
    r.markedObjects += helpers[i].res.markedObjects;
    r.scannedBytes += helpers[i].res.scannedBytes;
  }
  return r;
}

void computeHeapBounds() NO_THREAD_SAFETY_ANALYSIS {
  // World stopped (or tests with no concurrent growth): allArenas is
  // sorted and only grows under mheap.lock.
  lock(&mheap_.lock);
  if (mheap_.nArenas == 0) {
    heapLoNot = heapHiNot = ~uintptr_t(0);
  } else {
    heapLoNot = ~(uintptr_t(mheap_.allArenas[0]) << logHeapArenaBytes);
    heapHiNot = ~((uintptr_t(mheap_.allArenas[mheap_.nArenas - 1]) + 1) << logHeapArenaBytes);
  }
  unlock(&mheap_.lock);
}

void clearMarks1(mspan *s, void *) {
  memset(s->gcmarkBits, 0, (uintptr_t(s->nelems) + 7) / 8);
}

} // namespace

namespace {
void addRootJobs(g *curg, uintptr_t curgsp) {
  computeHeapBounds();
  njobs = 0;
  rootJobBytes = 0;
  stackBytes = 0;
  nextJob.store(0, std::memory_order_relaxed);
  // Globals. The package variables glc defines: precisely, from the root
  // table (abi.h: glc_gcroot); the pointer-free ones not at all. The rest
  // of the data and bss sections (glrt's own C++ globals, libc's, the C++
  // runtime's): conservatively, as they have no type information.
  globalBytes = 0;
  addDataJobs(reinterpret_cast<uintptr_t>(__data_start), reinterpret_cast<uintptr_t>(_edata));
  addDataJobs(reinterpret_cast<uintptr_t>(__bss_start), reinterpret_cast<uintptr_t>(_end));
  if (__start_gl_gcroots != nullptr)
    for (const glc_gcroot *r = __start_gl_gcroots; r < __stop_gl_gcroots; ++r) {
      if (r->typ == nullptr || r->typ->ptrdata == 0)
        continue;
      uintptr_t lo = reinterpret_cast<uintptr_t>(r->addr);
      addJob(lo, lo + r->size, r->typ);
      globalBytes += r->size;
    }
  stackArgs sa{curg, curgsp};
  forEachG(addStackJobs, &sa);
  forEachPersistent(addPersistentJob, nullptr);
}
} // namespace

markResult gcMark(int32_t nworkers, g *curg, uintptr_t curgsp) {
  addRootJobs(curg, curgsp);
  markResult r = markParallel(nworkers, true);
  r.stackBytes = stackBytes;
  r.globalBytes = globalBytes;
  return r;
}

markResult gcMarkFromRoots(const uintptr_t *roots, size_t n, int32_t nworkers) {
  computeHeapBounds();
  njobs = 0;
  nextJob.store(0, std::memory_order_relaxed);
  addJob(reinterpret_cast<uintptr_t>(roots), reinterpret_cast<uintptr_t>(roots + n));
  return markParallel(nworkers, true);
}

bool isMarked(uintptr_t p) {
  mspan *s;
  uintptr_t idx;
  if (findObject(p, &s, &idx) == 0)
    return false;
  return (s->gcmarkBits[idx / 8] >> (idx % 8)) & 1;
}

void gcClearMarks() { forEachSpan(clearMarks1, nullptr); }

// ---------------------------------------------------------------------------
// GODEBUG=gccheckmark=1 (Go's name): verify a mark.
//
// With the world stopped, after the collection's own mark is complete, the
// mark bits are saved aside (span.checkmarkSaved) and cleared, the whole
// heap is marked again from the roots (gcMark, as the stop-the-world
// collector does), and every pointer word of an object the first mark
// marked must lead to an object the first mark marked too: at the end of
// a mark no black object may point to a white one, or the sweep would
// free an object the program can still reach (a missing write barrier, a
// runtime store that did not shade). The first mark may have marked more
// (objects that died during a concurrent mark, objects allocated black):
// floating garbage, not an error. Afterwards the first mark's bits are
// restored, so the check changes nothing the sweep sees.
// Root words are not checked the same way: most roots are scanned
// conservatively, and runtime metadata in the data section and in
// persistent memory can hold heap addresses that are not references (an
// mcache's string cursor one past its chunk, a stale copy in a record), so a
// root word may name an object that died before the cycle started. Such
// an object and what it reaches are re-marked without complaint; an
// object lost from the heap's graph is still reported from the first
// marked object that points to it. To keep stale words out of the stacks
// as well, checkmark mode clears every goroutine's dead stack area at
// STW1 (gcCheckmarkClearStacks) and reused stack segments (stackalloc).

namespace {

constexpr uintptr_t kMarkBytes = sizeof(mspan::bitsStore[0]);
struct checkmarkState {
  uint8_t *saved;
  uintptr_t i, n;
};

void countSpan(mspan *, void *arg) { static_cast<checkmarkState *>(arg)->n++; }

void saveMarks(mspan *s, void *arg) {
  auto *st = static_cast<checkmarkState *>(arg);
  if (st->i >= st->n)
    fatal("checkmark: heap grew with the world stopped");
  s->checkmarkSaved = st->saved + st->i * kMarkBytes;
  memcpy(st->saved + st->i * kMarkBytes, s->gcmarkBits, kMarkBytes);
  memset(s->gcmarkBits, 0, kMarkBytes);
  st->i++;
}

void restoreMarks(mspan *s, void *arg) {
  auto *st = static_cast<checkmarkState *>(arg);
  memcpy(s->gcmarkBits, st->saved + st->i * kMarkBytes, kMarkBytes);
  s->checkmarkSaved = nullptr;
  st->i++;
}

void checkmarkFound(uintptr_t base, mspan *s, uintptr_t from) {
  uintptr_t pbase = findObject(from);
  mspan *ps = spanOf(from);
  char buf[300];
  snprintf(buf, sizeof buf,
           "runtime: checkmark found unmarked object obj=%#lx (elemsize=%lu spanclass=%u) "
           "pointed to by word %#lx of marked object %#lx (elemsize=%lu spanclass=%u)",
           (unsigned long)base, (unsigned long)s->elemsize, unsigned(s->spanclass),
           (unsigned long)from, (unsigned long)pbase, (unsigned long)(ps ? ps->elemsize : 0),
           unsigned(ps ? ps->spanclass : 0));
  fatal(buf, "checkmark found unmarked object");
}

} // namespace

void gcCheckmark(int32_t nworkers, g *curg, uintptr_t curgsp) {
  checkmarkState st{nullptr, 0, 0};
  forEachSpan(countSpan, &st);
  uintptr_t bytes = (st.n * kMarkBytes + 4095) & ~uintptr_t(4095);
  if (bytes == 0)
    return;
  st.saved = static_cast<uint8_t *>(sysAlloc(bytes));
  forEachSpan(saveMarks, &st);
  st.n = st.i;
  checkmarkActive = true;
  gcMark(nworkers, curg, curgsp);
  checkmarkActive = false;
  st.i = 0;
  forEachSpan(restoreMarks, &st);
  sysFree(st.saved, bytes);
}

// ---------------------------------------------------------------------------
// Concurrent marking (mgc.cpp's essay has the cycle; mbarrier.cpp the
// barrier and its rules).
//
// STW1 (gcMarkRootsSTW): every root is scanned with the world stopped by
// nworkers threads, as gcMark does, but the grey objects found are left on
// the full list rather than drained. Then the world runs while background
// workers (gcBgMarkStart: the helper threads, drain-only) empty the list;
// the write barrier and assists add to it (gcPublish). STW2
// (gcMarkTermDrain) drains what is left with the world stopped.
// The heap bounds (heapLoNot/heapHiNot) stay as STW1 computed them for the whole cycle: an arena
// added later holds only objects allocated during the mark, which are
// black already, so neither the workers nor the barrier need to look there.

std::atomic<uint32_t> gcphase{_GCoff};
std::atomic<uint8_t> gcBlackenAlloc{0};

namespace {
std::atomic<uint64_t> barrierMarked{0}; // bytes greyed by the write barrier
std::atomic<uint64_t> assistMarked{0}, assistScanned{0}, assistNs{0};
// Assists in progress: they hold grey objects in their own buffer until
// they publish the rest, so the mark is not done while one runs.
std::atomic<int32_t> assistsActive{0};
markResult bgTotal{};
} // namespace

markResult gcMarkRootsSTW(int32_t nworkers, g *curg, uintptr_t curgsp) {
  addRootJobs(curg, curgsp);
  barrierMarked.store(0, std::memory_order_relaxed);
  assistMarked.store(0, std::memory_order_relaxed);
  assistScanned.store(0, std::memory_order_relaxed);
  assistNs.store(0, std::memory_order_relaxed);
  bgScanCredit.store(0, std::memory_order_relaxed);
  bgScanDone.store(0, std::memory_order_relaxed);
  bgTotal = markResult{};
  // Small root sets are greyed by this thread alone: a helper's wake-up
  // and the wait for its end cost more than the scan (on a loaded machine
  // a thread's wake-up takes milliseconds, all of it inside the pause). A
  // typical program's roots (glrt's and libc's data, persistent memory,
  // a few stacks) are 100-200 KiB, ~0.1 ms to scan.
  if (rootJobBytes <= kSmallRoots)
    nworkers = 1;
  markResult r = markParallel(nworkers, true, false);
  r.stackBytes = stackBytes;
  r.globalBytes = globalBytes;
  return r;
}

void gcBgMarkStart(int32_t n) {
  if (n < 1)
    n = 1;
  if (n > kMaxHelpers)
    n = kMaxHelpers;
  startHelpers(n);
  if (n > nhelpers)
    n = nhelpers;
  if (n == 0)
    fatal("runtime: cannot start a background mark worker");
  nproc = n;
  nwait.store(0, std::memory_order_relaxed);
  helpersDone.store(0, std::memory_order_relaxed);
  helpersRoots = false;
  helpersDrain = true;
  helpersExpected = n;
  noteclear(&helpersDoneNote);
  for (int32_t i = 0; i < n; i++)
    notewakeup(&helpers[i].start);
}

bool gcBgMarkDone() {
  if (helpersDone.load(std::memory_order_acquire) != helpersExpected)
    return false;
  notesleep(&helpersDoneNote); // already woken: consumes the wakeup
  for (int32_t i = 0; i < helpersExpected; i++) {
    bgTotal.markedBytes += helpers[i].res.markedBytes;
    bgTotal.markedObjects += helpers[i].res.markedObjects;
    bgTotal.scannedBytes += helpers[i].res.scannedBytes;
  }
  return true;
}

bool gcFullWork() { return nfull.load(std::memory_order_seq_cst) != 0; }

bool gcMarkWorkAvailable() {
  return nfull.load(std::memory_order_seq_cst) != 0 ||
         assistsActive.load(std::memory_order_seq_cst) != 0;
}

markResult gcMarkTermDrain(int32_t nworkers) {
  // As gcMarkRootsSTW: usually little is left (the barrier buffers just
  // published, an assist's leftover), and one thread drains it sooner
  // than a helper wakes up. More than a few full workbufs: every P's
  // worker.
  if (nfull.load(std::memory_order_relaxed) <= kSmallTermWorkbufs)
    nworkers = 1;
  markResult r = markParallel(nworkers, false, true);
  r.markedBytes += bgTotal.markedBytes + barrierMarked.load(std::memory_order_relaxed) +
                   assistMarked.load(std::memory_order_relaxed);
  r.markedObjects += bgTotal.markedObjects;
  r.scannedBytes += bgTotal.scannedBytes + assistScanned.load(std::memory_order_relaxed);
  return r;
}

void gcPublish(const uintptr_t *objs, uintptr_t n) {
  lock(&workLock);
  while (n > 0) {
    workbuf *b = getempty();
    uintptr_t k = n < kWorkbufObjs ? n : kWorkbufObjs;
    memcpy(b->obj, objs, k * sizeof(uintptr_t));
    b->n = k;
    b->next = workFull;
    workFull = b;
    nfull.fetch_add(1, std::memory_order_seq_cst);
    objs += k;
    n -= k;
  }
  unlock(&workLock);
}

bool shadeObject(uintptr_t v, uintptr_t *basep) {
  if (v < ~heapLoNot || v >= ~heapHiNot)
    return false;
  mspan *s;
  uintptr_t idx;
  uintptr_t base = findObject(v, &s, &idx);
  if (base == 0)
    return false;
  uint8_t *bp = s->gcmarkBits + idx / 8;
  uint8_t m = uint8_t(1u << (idx % 8));
  if (__atomic_load_n(bp, __ATOMIC_RELAXED) & m)
    return false;
  if (__atomic_fetch_or(bp, m, __ATOMIC_RELAXED) & m)
    return false;
  barrierMarked.fetch_add(objsize(s), std::memory_order_relaxed);
  if (spanClassNoscan(s->spanclass))
    return false;
  *basep = base;
  return true;
}

uint64_t gcAssist(uint64_t scanBytes) {
  if (nfull.load(std::memory_order_relaxed) == 0)
    return 0; // nothing to take: the caller parks (mgcpacer.cpp) or goes on
  int64_t t0 = nanotime();
  assistsActive.fetch_add(1, std::memory_order_seq_cst);
  gcWork w;
  w.init();
  // A stop-the-world waiting (mark termination, say) ends the assist: it
  // runs on g0, where the stop cannot preempt it (Go's gcDrainN checks
  // preemption the same way). The rest is published for the workers.
  while (w.bytesScanned < scanBytes && sched.gcwaiting.load(std::memory_order_relaxed) == 0) {
    uintptr_t b = w.tryGet();
    if (b == 0)
      break;
    scanobject(b, w);
  }
  publishLocal(w);
  assistsActive.fetch_sub(1, std::memory_order_seq_cst);
  assistMarked.fetch_add(w.bytesMarked, std::memory_order_relaxed);
  assistScanned.fetch_add(w.bytesScanned, std::memory_order_relaxed);
  assistNs.fetch_add(uint64_t(nanotime() - t0), std::memory_order_relaxed);
  return w.bytesScanned;
}

int64_t gcAssistSteal(int64_t want) {
  int64_t c = bgScanCredit.load(std::memory_order_relaxed);
  for (;;) {
    if (c <= 0)
      return 0;
    int64_t take = c < want ? c : want;
    if (bgScanCredit.compare_exchange_weak(c, c - take, std::memory_order_relaxed))
      return take;
  }
}

int64_t gcBgScanCredit() { return bgScanCredit.load(std::memory_order_relaxed); }

uint64_t gcScanDone() {
  return uint64_t(bgScanDone.load(std::memory_order_relaxed)) +
         assistScanned.load(std::memory_order_relaxed);
}

void gcMarkCPU(uint64_t *helperTotalNs, uint64_t *assistCycleNs) {
  *helperTotalNs = helperNs.load(std::memory_order_relaxed);
  *assistCycleNs = assistNs.load(std::memory_order_relaxed);
}

// GODEBUG=gccheckmark=1 with the concurrent collector, at STW1: clears the
// dead part of every goroutine stack (below the saved SP, below the
// __morestack frame of older segments, cached segments past the current
// one, dead Gs' segments), so the re-mark at STW2 finds no stale word from
// before the cycle (gcCheckmark's note). The collecting G's own current
// segment is left alone (systemstack's frame is below its SP), and so is
// a G in a system call (the call runs below its syscallsp).
namespace {
void clearDeadStack(g *gp, void *arg) {
  auto *a = static_cast<stackArgs *>(arg);
  stkseg *seg = gp->stackseg;
  if (seg == nullptr)
    return;
  uint32_t st = readgstatus(gp);
  for (stkseg *n = seg->next; n != nullptr; n = n->next)
    memset(reinterpret_cast<void *>(n->lo), 0, n->hi - n->lo);
  if (st == _Gdead || st == _Gidle) {
    for (stkseg *s = seg; s != nullptr; s = s->prev)
      memset(reinterpret_cast<void *>(s->lo), 0, s->hi - s->lo);
    return;
  }
  if (gp != a->curg && st != _Gsyscall && st != _Grunning) {
    uintptr_t sp = gp->sched.sp;
    if (sp > seg->lo && sp < seg->hi)
      memset(reinterpret_cast<void *>(seg->lo), 0, sp - seg->lo);
  }
  for (stkseg *child = seg, *s = seg->prev; s != nullptr; child = s, s = s->prev) {
    uintptr_t osp = child->oldsp;
    if (osp > s->lo && osp < s->hi)
      memset(reinterpret_cast<void *>(s->lo), 0, osp - s->lo);
  }
}
} // namespace

void gcCheckmarkClearStacks(g *curg, uintptr_t curgsp) {
  stackArgs sa{curg, curgsp};
  forEachG(clearDeadStack, &sa);
}

} // namespace glrt
