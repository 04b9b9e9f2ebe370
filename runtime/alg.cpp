//===- alg.cpp - hashing of Go values for maps (wyhash) --------------------===//
//
// See alg.h. wyhash v4 (final): the state is mixed with 128-bit multiplies
// (wymix = low ^ high of a*b). Inputs of up to 16 bytes are read as two
// possibly overlapping words; longer ones 16 bytes per round (48 per round
// in three lanes past 48 bytes). Quality: wyhash passes SMHasher; it is
// what Go itself uses where AES is unavailable (memhashFallback) and, since
// go1.22, for every hash.
//===----------------------------------------------------------------------===//
#include "alg.h"
#include "abi.h"
#include "defer.h"
#include "traceback.h"

#include "chan.h"
#include "malloc.h"
#include "mem.h"
#include "panic.h"

#include <string.h>

namespace glrt {
namespace {

constexpr uint64_t kP0 = kWyP0;
constexpr uint64_t kP1 = kWyP1;
constexpr uint64_t kP2 = kWyP2;
constexpr uint64_t kP3 = kWyP3;

inline uint64_t r8(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
inline uint64_t r4(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

} // namespace

uintptr_t memhash(const void *vp, uintptr_t seed, uintptr_t s) {
  if (s <= 16)
    return memhash16(vp, seed, s);
  const uint8_t *p = static_cast<const uint8_t *>(vp);
  seed ^= wymix(seed ^ kP0, kP1);
  uint64_t a, b;
  {
    uintptr_t i = s;
    if (i > 48) {
      uint64_t s1 = seed, s2 = seed;
      do {
        seed = wymix(r8(p) ^ kP1, r8(p + 8) ^ seed);
        s1 = wymix(r8(p + 16) ^ kP2, r8(p + 24) ^ s1);
        s2 = wymix(r8(p + 32) ^ kP3, r8(p + 40) ^ s2);
        p += 48;
        i -= 48;
      } while (i > 48);
      seed ^= s1 ^ s2;
    }
    while (i > 16) {
      seed = wymix(r8(p) ^ kP1, r8(p + 8) ^ seed);
      p += 16;
      i -= 16;
    }
    a = r8(p + i - 16);
    b = r8(p + i - 8);
  }
  a ^= kP1;
  b ^= seed;
  __uint128_t r = __uint128_t(a) * b;
  a = uint64_t(r);
  b = uint64_t(r >> 64);
  return wymix(a ^ kP0 ^ s, b ^ kP1);
}

// The 4- and 8-byte cases, specialised (the map fast paths call these).
uintptr_t memhash64(const void *p, uintptr_t seed) {
  return memhash64v(r8(static_cast<const uint8_t *>(p)), seed);
}

uintptr_t memhash32(const void *p, uintptr_t seed) {
  uint64_t a = r4(static_cast<const uint8_t *>(p));
  a |= a << 32;
  return wymix(kP0 ^ 4, wymix(a ^ kP1, a ^ seed ^ kP2));
}

uintptr_t strhash(const void *p, uintptr_t seed) {
  const GoString *s = static_cast<const GoString *>(p);
  return memhash(s->str, seed, uintptr_t(s->len));
}


uintptr_t f32hash(const void *p, uintptr_t seed) {
  float f;
  memcpy(&f, p, 4);
  if (f == 0) { // +0 and -0
    uint32_t z = 0;
    return memhash32(&z, seed);
  }
  if (f != f) { // NaN: random, so every NaN is a distinct key
    uint64_t r = fastrand64();
    return memhash64(&r, seed);
  }
  return memhash32(p, seed);
}

uintptr_t f64hash(const void *p, uintptr_t seed) {
  double f;
  memcpy(&f, p, 8);
  if (f == 0) {
    uint64_t z = 0;
    return memhash64(&z, seed);
  }
  if (f != f) {
    uint64_t r = fastrand64();
    return memhash64(&r, seed);
  }
  return memhash64(p, seed);
}

uintptr_t c64hash(const void *p, uintptr_t seed) {
  const float *x = static_cast<const float *>(p);
  return f32hash(x + 1, f32hash(x, seed));
}

uintptr_t c128hash(const void *p, uintptr_t seed) {
  const double *x = static_cast<const double *>(p);
  return f64hash(x + 1, f64hash(x, seed));
}

__thread bool hashingempty __attribute__((tls_model("initial-exec")));

namespace {

// The map operation (HashOp) under a hash that panics: the glrt entry
// point that generated code called, read from the call instruction before
// the first return address into generated code above fp whose direct call
// (e8 rel32: glc calls the runtime directly) targets one of the generic
// map entry points (a generated hash function may be in between). The
// frame words are read safely (readframewords), at most 16 frames.
// Only on the panic path.
__attribute__((noinline)) uint8_t hashop(uintptr_t fp, bool empty) {
  for (int i = 0; i < 16 && fp != 0 && (fp & 7) == 0; i++) {
    uintptr_t w[2];
    if (!readframewords(fp, w))
      break;
    uintptr_t ret = w[1];
    if (ingeneratedcode(ret - 1)) {
      const uint8_t *c = reinterpret_cast<const uint8_t *>(ret - 5);
      if (c[0] == 0xe8) {
        int32_t rel;
        memcpy(&rel, c + 1, sizeof rel);
        uintptr_t target = ret + intptr_t(rel);
        auto is = [target](auto fn) { return target == reinterpret_cast<uintptr_t>(fn); };
        if (is(&glrt_mapaccess1) || is(&glrt_mapaccess1_fat))
          return empty ? kHashOpMapaccess1Empty : kHashOpMapaccess1;
        if (is(&glrt_mapaccess2))
          return empty ? kHashOpMapaccess2Empty : kHashOpMapaccess2;
        if (is(&glrt_mapassign))
          return kHashOpMapassign;
        if (is(&glrt_mapdelete))
          return empty ? kHashOpMapdeleteEmpty : kHashOpMapdelete;
      }
    }
    fp = w[0];
  }
  return kHashOpNone;
}

} // namespace

[[noreturn]] void panicunhashable(const Type *t, uintptr_t fp, bool nonempty) {
  static const char pre[] = "hash of unhashable type ";
  size_t n = sizeof pre - 1;
  // The program dies: the message may live in the heap forever.
  char *msg = static_cast<char *>(mallocnoscan(n + size_t(t->str.len) + 1));
  memcpy(msg, pre, n);
  memcpy(msg + n, t->str.str, size_t(t->str.len));
  msg[n + size_t(t->str.len)] = 0;
  // Go's frames under gopanic: nilinterhash or interhash, then the map
  // operation (callers.cpp). hashingempty is consumed: this hash never
  // returns to hashMightPanicCheck, which would clear it.
  bool empty = hashingempty;
  hashingempty = false;
  uint8_t origin = uint8_t(kOriginHash + (nonempty ? 8 : 0) + hashop(fp, empty));
  gopanicorigin(errorString(msg), fp, origin);
}

namespace {

// While typehashwalk runs on g0, an unhashable type is recorded here instead
// of panicking there (a panic must start on the goroutine, whose frames it
// traces and, with recover, unwinds); typehash panics once back on the G.
__thread bool inwalk __attribute__((tls_model("initial-exec")));
__thread const Type *walkbad __attribute__((tls_model("initial-exec")));
__thread bool walkbadnonempty __attribute__((tls_model("initial-exec")));

// nonempty: t is the dynamic type of a non-empty interface's value (Go's
// interhash raises the panic, else nilinterhash).
uintptr_t unhashable(const Type *t, bool nonempty = false) {
  if (inwalk) {
    if (walkbad == nullptr) {
      walkbad = t;
      walkbadnonempty = nonempty;
    }
    return 0;
  }
  panicunhashable(t, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)), nonempty);
}

// The value of dynamic type t held in an interface whose data word is at
// *data: the word itself for pointer-shaped types, else the box it points to.
inline uintptr_t ifacevaluehash(const Type *t, void *const *data, uintptr_t seed,
                                bool nonempty) {
  if (t->equal == nullptr)
    return unhashable(t, nonempty);
  const void *v = isDirectIface(t) ? static_cast<const void *>(data) : *data;
  return typehash(t, v, seed ^ t->hash);
}

bool isplainmemory(const Type *t) {
  if (t->tflag & TFlagRegularMemory)
    return true;
  switch (kindOf(t)) {
  case KindBool: case KindInt: case KindInt8: case KindInt16: case KindInt32:
  case KindInt64: case KindUint: case KindUint8: case KindUint16:
  case KindUint32: case KindUint64: case KindUintptr: case KindChan:
  case KindPointer: case KindUnsafePointer:
    return true;
  default:
    return false;
  }
}

// The recursive walk for struct and array keys that are not plain memory.
uintptr_t typehashwalk(const Type *t, const void *p, uintptr_t seed) {
  switch (kindOf(t)) {
  case KindArray: {
    const ArrayType *a = reinterpret_cast<const ArrayType *>(t);
    const uint8_t *q = static_cast<const uint8_t *>(p);
    for (uintptr_t i = 0; i < a->len; i++)
      seed = typehash(a->elem, q + i * a->elem->size, seed);
    return seed;
  }
  case KindStruct: {
    const StructType *s = reinterpret_cast<const StructType *>(t);
    const uint8_t *q = static_cast<const uint8_t *>(p);
    for (intptr_t i = 0; i < s->fields.len; i++) {
      const StructField &f = s->fields.array[i];
      if (f.name.len == 1 && f.name.str[0] == '_') // blank fields: not compared
        continue;
      seed = typehash(f.typ, q + f.offset, seed);
    }
    return seed;
  }
  default:
    return typehash(t, p, seed);
  }
}

} // namespace

uintptr_t nilinterhash(const void *p, uintptr_t seed) {
  const Eface *e = static_cast<const Eface *>(p);
  if (e->type == nullptr)
    return seed;
  return ifacevaluehash(e->type, &e->data, seed, false);
}

uintptr_t interhash(const void *p, uintptr_t seed) {
  const Iface *e = static_cast<const Iface *>(p);
  if (e->tab == nullptr)
    return seed;
  return ifacevaluehash(e->tab->type, &e->data, seed, true);
}

uintptr_t typehash(const Type *t, const void *p, uintptr_t seed) {
  if (isplainmemory(t)) {
    switch (t->size) {
    case 4: return memhash32(p, seed);
    case 8: return memhash64(p, seed);
    default: return memhash(p, seed, t->size);
    }
  }
  switch (kindOf(t)) {
  case KindFloat32: return f32hash(p, seed);
  case KindFloat64: return f64hash(p, seed);
  case KindComplex64: return c64hash(p, seed);
  case KindComplex128: return c128hash(p, seed);
  case KindString: return strhash(p, seed);
  case KindInterface: {
    const InterfaceType *it = reinterpret_cast<const InterfaceType *>(t);
    return it->methods.len == 0 ? nilinterhash(p, seed) : interhash(p, seed);
  }
  case KindArray:
  case KindStruct: {
    if (t->equal == nullptr)
      return unhashable(t);
    if (inwalk) // already on g0 inside a walk
      return typehashwalk(t, p, seed);
    // Recursion by type nesting: on g0 (a no-op switch when already there).
    struct Args {
      const Type *t;
      const void *p;
      uintptr_t seed;
      const Type *bad;
      bool badnonempty;
    } a{t, p, seed, nullptr, false};
    onsystemstack(
        [](void *v) {
          Args *a = static_cast<Args *>(v);
          inwalk = true;
          walkbad = nullptr;
          a->seed = typehashwalk(a->t, a->p, a->seed);
          a->bad = walkbad;
          a->badnonempty = walkbadnonempty;
          inwalk = false;
        },
        &a);
    if (a.bad != nullptr)
      panicunhashable(a.bad, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)),
                      a.badnonempty);
    return a.seed;
  }
  default: // slices, maps, funcs
    return unhashable(t);
  }
}

} // namespace glrt
