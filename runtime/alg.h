//===- alg.h - hashing of Go values for maps (wyhash) ----------------------===//
//
// Go's runtime/alg.go for glrt: the hash functions maps use, driven by the
// key's type descriptor. The mixing function is wyhash (Wang Yi's, the
// final v4 constants; the same function Go's memhashFallback is built on),
// seeded per map (hmap.hash0) and per process (hashkey, random at first
// use).
//
// Invariants the map fast paths rely on (map.cpp):
//  - typehash(t, p, seed) of a key of 8 bytes compared as plain memory
//    (TFlagRegularMemory, or integer/pointer/chan/unsafe.Pointer kinds)
//    is memhash64(p, seed); of a 4-byte one memhash32; of a string
//    strhash. So a map whose accesses use mapaccess1_fast64 / _faststr and
//    whose growth (evacuate) uses the generic hasher agree on every hash.
//  - Floats: +0 and -0 hash equal; a NaN hashes to a fresh random value
//    each time (NaN != NaN, so every NaN insert is a new entry, as in Go).
//  - Interfaces hash their dynamic type's value; a dynamic type that is not
//    comparable (equal == null) panics "runtime error: hash of unhashable
//    type T", as Go does.
// Stack: every function here runs in a few dozen bytes of the caller's
// stack, except the walk over struct/array keys that are not plain
// memory, which recurses by type nesting and therefore runs on g0
// (onsystemstack) when called on a goroutine.
//===----------------------------------------------------------------------===//
#ifndef GLRT_ALG_H
#define GLRT_ALG_H

#include "type.h"

#include <stddef.h>
#include <stdint.h>

namespace glrt {

// wyhash's constants and mixer (alg.cpp has the whole function); inline
// here so the map fast paths hash an 8-byte key without a call.
inline constexpr uint64_t kWyP0 = 0xa0761d6478bd642full;
inline constexpr uint64_t kWyP1 = 0xe7037ed1a0b428dbull;
inline constexpr uint64_t kWyP2 = 0x8ebc6af09c88c6e3ull;
inline constexpr uint64_t kWyP3 = 0x589965cc75374cc3ull;
[[gnu::always_inline]] inline uint64_t wymix(uint64_t a, uint64_t b) {
  __uint128_t r = __uint128_t(a) * b;
  return uint64_t(r) ^ uint64_t(r >> 64);
}
// The 8-byte key's hash by value (memhash64 of its bytes).
[[gnu::always_inline]] inline uintptr_t memhash64v(uint64_t a, uintptr_t seed) {
  return wymix(kWyP0 ^ 8, wymix(a ^ kWyP1, a ^ seed ^ kWyP2));
}

// memhash of a key of at most 16 bytes (wyhash's short-input path),
// inline: the string map fast paths hash their usually short keys
// without a call. memhash itself uses it, so both agree on every input.
[[gnu::always_inline]] inline uintptr_t memhash16(const void *vp, uintptr_t seed, uintptr_t s) {
  const uint8_t *p = static_cast<const uint8_t *>(vp);
  auto r4 = [](const uint8_t *q) {
    uint32_t v;
    __builtin_memcpy(&v, q, 4);
    return uint64_t(v);
  };
  seed ^= wymix(seed ^ kWyP0, kWyP1);
  uint64_t a, b;
  if (s >= 4) {
    a = (r4(p) << 32) | r4(p + ((s >> 3) << 2));
    b = (r4(p + s - 4) << 32) | r4(p + s - 4 - ((s >> 3) << 2));
  } else if (s > 0) {
    a = (uint64_t(p[0]) << 16) | (uint64_t(p[s >> 1]) << 8) | p[s - 1];
    b = 0;
  } else {
    a = b = 0;
  }
  a ^= kWyP1;
  b ^= seed;
  __uint128_t r = __uint128_t(a) * b;
  return wymix(uint64_t(r) ^ kWyP0 ^ s, uint64_t(r >> 64) ^ kWyP1);
}

uintptr_t memhash(const void *p, uintptr_t seed, uintptr_t size);
uintptr_t memhash32(const void *p, uintptr_t seed);
uintptr_t memhash64(const void *p, uintptr_t seed);
uintptr_t strhash(const void *p, uintptr_t seed);    // p points to a GoString
uintptr_t f32hash(const void *p, uintptr_t seed);
uintptr_t f64hash(const void *p, uintptr_t seed);
uintptr_t c64hash(const void *p, uintptr_t seed);
uintptr_t c128hash(const void *p, uintptr_t seed);
uintptr_t nilinterhash(const void *p, uintptr_t seed); // p points to an Eface
uintptr_t interhash(const void *p, uintptr_t seed);    // p points to an Iface

// Hash of the value of type t at p (Go's typehash). Panics for
// non-comparable types (reached through interface keys).
uintptr_t typehash(const Type *t, const void *p, uintptr_t seed);

// "runtime error: hash of unhashable type T"; fp as panicruntimeerror's.
// nonempty: T is a non-empty interface's dynamic type (Go's interhash
// panics, else nilinterhash).
[[noreturn]] void panicunhashable(const Type *t, uintptr_t fp, bool nonempty);
// Set while map.cpp's hashMightPanicCheck hashes a key for a nil or empty
// map (Go's hash there is at another line of each map operation).
extern __thread bool hashingempty __attribute__((tls_model("initial-exec")));

} // namespace glrt

#endif // GLRT_ALG_H
