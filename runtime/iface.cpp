//===- iface.cpp - interfaces: itabs, assertions, interface equality ------===//
//
// Go's runtime/iface.go for glrt. Interface values are two words (type.h):
// eface {type, data} and iface {itab, data}. glc emits the itabs it can see
// at compile time (a concrete type converted to an interface type); every
// other pairing -- an assertion to an interface type, a conversion between
// interface types -- is built here by getitab and cached. Generated code
// puts a small cache of its own in front of getitab at each such site
// (IRGenIface.cpp, cachedGetitab), filled through getitab's canfail bit 2
// (getitabany: the itab whatever the outcome, failures included).
//
// The itab cache (Go's itabTable):
//  - An open-addressing hash table of itab pointers keyed by (inter, type),
//    probed quadratically. Readers take no lock: they load the table
//    pointer (acquire) and each slot (acquire); a slot, once non-null,
//    never changes, so a reader either sees a complete itab or null.
//  - Writers hold itabLock. They add to the current table while it is at
//    most 75% full (release store into the slot, after the itab's fields
//    and methods are written), otherwise build a table twice the size,
//    copy the entries, and publish it (release store of the table
//    pointer). Old tables are never freed: a reader may still be probing
//    one, and a miss there only sends it to the lock, where it re-reads.
//  - An itab records a failed pairing too (fun[0] == null, Go's
//    convention), so a failing `x.(I)` in a loop does not rebuild it.
//
// Method matching: both method lists are sorted by name (typedesc.def), so
// one merge pass finds each interface method in the type's table; names
// match when equal (unexported ones are package-qualified) and signatures
// when their FuncType descriptors are the same object (one descriptor per
// type).
//
// Stack use: getitab's fast path is a few words; building an itab
// allocates and takes the lock, so it runs on g0 (onsystemstack).
//===----------------------------------------------------------------------===//
#include "iface.h"
#include "defer.h"

#include "abi.h"
#include "lock.h"
#include "malloc.h"
#include "panic.h"
#include "preempt.h"
#include "type.h"

#include <atomic>
#include <string.h>

namespace glrt {
namespace {

struct ItabTable {
  uintptr_t size; // power of two
  uintptr_t count;
  std::atomic<const Itab *> entries[1]; // size of them
};

constinit mutex itabLock;
constexpr uintptr_t kInitialItabs = 512;
std::atomic<ItabTable *> itabTable{nullptr};

inline uintptr_t itabHashFunc(const InterfaceType *inter, const Type *typ) {
  return uintptr_t(inter->typ.hash) ^ uintptr_t(typ->hash);
}

const Itab *findItab(const ItabTable *t, const InterfaceType *inter, const Type *typ) {
  if (!t)
    return nullptr;
  uintptr_t mask = t->size - 1;
  uintptr_t h = itabHashFunc(inter, typ) & mask;
  for (uintptr_t i = 1;; ++i) {
    // acquire: pairs with the release store in addItab; the itab's
    // contents are visible once its pointer is.
    const Itab *m = t->entries[h].load(std::memory_order_acquire);
    if (!m)
      return nullptr;
    if (m->inter == inter && m->type == typ)
      return m;
    h = (h + i) & mask;
  }
}

ItabTable *newItabTable(uintptr_t size) {
  auto *t = static_cast<ItabTable *>(
      persistentalloc(sizeof(ItabTable) + (size - 1) * sizeof(std::atomic<const Itab *>)));
  t->size = size;
  t->count = 0;
  return t; // persistentalloc memory is zeroed: every slot null
}

// Caller holds itabLock.
void addItabLocked(ItabTable *t, const Itab *m) {
  uintptr_t mask = t->size - 1;
  uintptr_t h = itabHashFunc(m->inter, m->type) & mask;
  for (uintptr_t i = 1;; ++i) {
    if (!t->entries[h].load(std::memory_order_relaxed)) {
      t->entries[h].store(m, std::memory_order_release);
      t->count++;
      return;
    }
    h = (h + i) & mask;
  }
}

void addItab(const Itab *m) {
  ItabTable *t = itabTable.load(std::memory_order_relaxed);
  if (!t || 4 * (t->count + 1) > 3 * t->size) {
    ItabTable *n = newItabTable(t ? t->size * 2 : kInitialItabs);
    if (t)
      for (uintptr_t i = 0; i < t->size; ++i)
        if (const Itab *e = t->entries[i].load(std::memory_order_relaxed))
          addItabLocked(n, e);
    // release: the copied entries are visible with the table.
    itabTable.store(n, std::memory_order_release);
    t = n;
  }
  addItabLocked(t, m);
}

inline bool nameEq(const GoString &a, const GoString &b) {
  return a.len == b.len && memcmp(a.str, b.str, size_t(a.len)) == 0;
}

// Fills m's method table; returns the name of the first interface method
// typ lacks (m's fun[0] is then null), or an empty name.
GoString initItab(Itab *m) {
  const InterfaceType *inter = m->inter;
  const Type *typ = m->type;
  auto **fun = reinterpret_cast<const void **>(m + 1);
  const UncommonType *u = typ->uncommon;
  intptr_t ni = inter->methods.len, nt = u ? u->methods.len : 0, j = 0;
  for (intptr_t k = 0; k < ni; ++k) {
    const IMethod &im = inter->methods.array[k];
    for (; j < nt; ++j) {
      const Method &tm = u->methods.array[j];
      if (nameEq(tm.name, im.name)) {
        if (tm.mtyp == im.typ && tm.ifn) {
          fun[k] = tm.ifn;
          goto found;
        }
        break;
      }
    }
    fun[0] = nullptr;
    return im.name;
  found:;
  }
  return GoString{nullptr, 0};
}

struct GetItabReq {
  const InterfaceType *inter;
  const Type *typ;
  const Itab *result;
  GoString missing;
};

// On g0: looks again under the lock, else builds and caches the itab.
void getitabslow(void *arg) {
  auto *r = static_cast<GetItabReq *>(arg);
  lock(&itabLock);
  const Itab *m = findItab(itabTable.load(std::memory_order_relaxed), r->inter, r->typ);
  if (!m) {
    auto *n = static_cast<Itab *>(
        persistentalloc(sizeof(Itab) + sizeof(void *) * size_t(r->inter->methods.len)));
    n->inter = r->inter;
    n->type = r->typ;
    n->hash = r->typ->hash;
    initItab(n);
    addItab(n);
    m = n;
  }
  unlock(&itabLock);
  r->result = m;
  if (!itabfun(m)[0] && r->inter->methods.len > 0) {
    // Find the missing method's name (failure path only).
    const UncommonType *u = r->typ->uncommon;
    r->missing = r->inter->methods.array[0].name;
    for (intptr_t k = 0; k < r->inter->methods.len; ++k) {
      const IMethod &im = r->inter->methods.array[k];
      bool ok = false;
      for (intptr_t j = 0; u && j < u->methods.len; ++j)
        if (nameEq(u->methods.array[j].name, im.name)) {
          ok = u->methods.array[j].mtyp == im.typ && u->methods.array[j].ifn;
          break;
        }
      if (!ok) {
        r->missing = im.name;
        break;
      }
    }
  }
}

// A message in heap memory ("interface conversion: ..."), built without a
// large stack frame.
struct MsgBuf {
  char *p;
  size_t n, cap;
  void add(const char *s, size_t len) {
    if (n + len + 1 > cap)
      len = cap - n - 1;
    memcpy(p + n, s, len);
    n += len;
    p[n] = 0;
  }
  void add(const char *s) { add(s, strlen(s)); }
  void add(const GoString &s) { add(reinterpret_cast<const char *>(s.str), size_t(s.len)); }
};

MsgBuf newmsg(size_t cap) {
  return MsgBuf{static_cast<char *>(mallocnoscan(cap)), 0, cap};
}

// A failed assertion's operands, replaced by the panic value built from
// them (a union: the request lives in the panicking goroutine's frame,
// which counts against StackNosplitBudget).
struct AssertReq {
  union {
    struct {
      const Type *iface, *concrete, *asserted;
      GoString missing;
    } in;
    Eface err;
  };
  // The panicorigin; kOriginDottypeE becomes kOriginDottypeI on g0 for an
  // operand of a non-empty interface type (decided there: one more value
  // live across the switch would grow the entry points' frames).
  uint8_t origin;
};

// Go's TypeAssertionError text (runtime/error.go), boxed as a
// *runtime.TypeAssertionError. iface: the static interface type of the
// operand (null: print "interface"). Runs on g0: formatting and two
// allocations, more than StackNosplitBudget leaves.
void fmtTypeAssertion(void *arg) {
  auto *r = static_cast<AssertReq *>(arg);
  const Type *iface = r->in.iface, *concrete = r->in.concrete, *asserted = r->in.asserted;
  GoString missing = r->in.missing;
  if (r->origin == kOriginDottypeE && iface && (iface->kind & KindMask) == KindInterface &&
      reinterpret_cast<const InterfaceType *>(iface)->methods.len != 0)
    r->origin = kOriginDottypeI;
  size_t cap = 64 + size_t(asserted->str.len) + (iface ? size_t(iface->str.len) : 0) +
               (concrete ? size_t(concrete->str.len) : 0) + size_t(missing.len);
  MsgBuf m = newmsg(cap);
  m.add("interface conversion: ");
  if (!concrete) {
    if (iface)
      m.add(iface->str);
    else
      m.add("interface");
    m.add(" is nil, not ");
    m.add(asserted->str);
  } else if (missing.len == 0) {
    if (iface)
      m.add(iface->str);
    else
      m.add("interface");
    m.add(" is ");
    m.add(concrete->str);
    m.add(", not ");
    m.add(asserted->str);
    if (nameEq(concrete->str, asserted->str))
      m.add(" (types from different scopes)");
  } else {
    m.add(concrete->str);
    m.add(" is not ");
    m.add(asserted->str);
    m.add(": missing method ");
    // The table's name of an unexported method is qualified by its
    // package path ("example.com/m/a.m", typedesc.def); Go's text names
    // the method alone. A method name has no dot, so it follows the last.
    intptr_t dot = missing.len;
    while (dot > 0 && missing.str[dot - 1] != '.')
      --dot;
    m.add(reinterpret_cast<const char *>(missing.str) + dot, size_t(missing.len - dot));
  }
  r->err = typeAssertionError(m.p);
}

// The panic of a failed assertion: "panic: interface conversion: ...",
// recoverable, a runtime.Error. The goroutine keeps only the request
// under gopanic: inlined into the entry points (glrt_panicdottype, ...),
// whose frame it becomes.
[[noreturn]] __attribute__((always_inline)) inline void
panicTypeAssertion(const Type *iface, const Type *concrete, const Type *asserted,
                   GoString missing, uintptr_t fp, uint8_t origin) {
  AssertReq r;
  r.in = {iface, concrete, asserted, missing};
  r.origin = origin;
  onsystemstack(fmtTypeAssertion, &r);
  gopanicorigin(r.err, fp, r.origin);
}

// getitab's failure path (kept out of getitab's frame).
[[noreturn]] __attribute__((noinline)) void panicMissingMethod(const Type *concrete,
                                                               const Type *asserted,
                                                               GoString missing, uintptr_t fp,
                                                               uint8_t origin) {
  panicTypeAssertion(nullptr, concrete, asserted, missing, fp, origin);
}

} // namespace

void itabsinit() {
  lock(&itabLock);
  for (const Itab *const *p = __start_gl_itablinks; p && p < __stop_gl_itablinks; ++p)
    if (!findItab(itabTable.load(std::memory_order_relaxed), (*p)->inter, (*p)->type))
      addItab(*p);
  unlock(&itabLock);
}

const Itab *getitabany(const InterfaceType *inter, const Type *typ) {
  if (inter->methods.len == 0)
    fatal("internal error - misuse of itab");
  // acquire: pairs with the table's publication in addItab.
  if (const Itab *m = findItab(itabTable.load(std::memory_order_acquire), inter, typ))
    return m;
  GetItabReq r{inter, typ, nullptr, {nullptr, 0}};
  onsystemstack(getitabslow, &r);
  return r.result;
}

const Itab *getitab(const InterfaceType *inter, const Type *typ, bool canfail, uintptr_t fp,
                   uint8_t origin) {
  if (inter->methods.len == 0)
    fatal("internal error - misuse of itab");
  // acquire: pairs with the table's publication in addItab.
  const Itab *m = findItab(itabTable.load(std::memory_order_acquire), inter, typ);
  GoString missing{nullptr, 0};
  if (!m) {
    GetItabReq r{inter, typ, nullptr, {nullptr, 0}};
    onsystemstack(getitabslow, &r);
    m = r.result;
    missing = r.missing;
  }
  if (itabfun(m)[0])
    return m;
  if (canfail)
    return nullptr;
  if (!missing.str) { // a cached failure: find the name again
    GetItabReq r{inter, typ, nullptr, {nullptr, 0}};
    onsystemstack(getitabslow, &r);
    missing = r.missing;
  }
  panicMissingMethod(typ, &inter->typ, missing, fp, origin);
}

} // namespace glrt

using namespace glrt;

#define GLRT_ENTRY_FP() reinterpret_cast<uintptr_t>(__builtin_frame_address(0))

void *glrt_getitab(void *inter, void *typ, uint8_t canfail) {
  // canfail bit 2: return the itab even when it records a failure
  // (fun[0] null), never panic: for the per-site caches of generated
  // code (IRGenIface.cpp), which keep failed pairings too.
  if (canfail & 4)
    return const_cast<Itab *>(getitabany(static_cast<const InterfaceType *>(inter),
                                         static_cast<const Type *>(typ)));
  // canfail bit 1: the operand of x.(I) is a non-empty interface (Go's
  // assertI2I rather than assertE2I raises the panic).
  return const_cast<Itab *>(getitab(static_cast<const InterfaceType *>(inter),
                                    static_cast<const Type *>(typ), (canfail & 1) != 0,
                                    GLRT_ENTRY_FP(),
                                    (canfail & 2) ? kOriginAssertI2I : kOriginAssertE2I));
}

void glrt_panicdottype(void *have, void *want, void *iface) {
  // Go: panicdottypeE, or panicdottypeI (which calls it) for an operand
  // of a non-empty interface type (fmtTypeAssertion tells them apart).
  panicTypeAssertion(static_cast<const Type *>(iface), static_cast<const Type *>(have),
                     static_cast<const Type *>(want), GoString{nullptr, 0}, GLRT_ENTRY_FP(),
                     kOriginDottypeE);
}

void glrt_panicnildottype(void *want, void *iface) {
  // Go: for a concrete T the same panicdottypeE/I as a wrong type
  // ("interface conversion: <iface> is nil, not T"); for an interface
  // target assertE2I or assertI2I, by the operand's static type, whose
  // text names no static type ("interface is nil, not I").
  auto *w = static_cast<const Type *>(want);
  auto *it = static_cast<const Type *>(iface);
  if (w && (w->kind & KindMask) == KindInterface) {
    bool nonempty = it && (it->kind & KindMask) == KindInterface &&
                    reinterpret_cast<const InterfaceType *>(it)->methods.len != 0;
    panicTypeAssertion(nullptr, nullptr, w, GoString{nullptr, 0}, GLRT_ENTRY_FP(),
                       nonempty ? kOriginAssertI2INil : kOriginAssertE2INil);
  }
  panicTypeAssertion(it, nullptr, w, GoString{nullptr, 0}, GLRT_ENTRY_FP(), kOriginDottypeE);
}

namespace {
// "comparing uncomparable type T", raised (for callers.cpp's frames) in
// Go's efaceeq or ifaceeq: out of line, so that the entry points' frames
// stay small.
[[noreturn]] __attribute__((noinline)) void panicuncomparable(const Type *t, uintptr_t fp,
                                                              uint8_t origin) {
  MsgBuf m = newmsg(32 + size_t(t->str.len));
  m.add("comparing uncomparable type ");
  m.add(t->str);
  gopanicorigin(errorString(m.p), fp, origin);
}
} // namespace

// x == y for two interface values whose type words are equal (t, possibly
// null: both nil).
// Both check for a preemption request first (preempt.h: preemptCheck).
namespace {
// The comparison both entry points make (fp: the entry point's frame, for
// the panic's traceback; origin: which of Go's two functions raised it).
[[gnu::always_inline]] inline uint8_t ifaceDataEqual(const Type *t, void *x, void *y,
                                                      uintptr_t fp, uint8_t origin) {
  if (!t)
    return 1;
  if (!t->equal)
    panicuncomparable(t, fp, origin);
  if (isDirectIface(t))
    return x == y;
  return t->equal(x, y);
}
} // namespace

uint8_t glrt_efaceeq(void *tp, void *x, void *y) {
  glrt::preemptCheck();
  return ifaceDataEqual(static_cast<const Type *>(tp), x, y, GLRT_ENTRY_FP(), kOriginEfaceeq);
}

uint8_t glrt_ifaceeq(void *tp, void *x, void *y) {
  glrt::preemptCheck();
  return ifaceDataEqual(static_cast<const Type *>(tp), x, y, GLRT_ENTRY_FP(), kOriginIfaceeq);
}
