//===- string.cpp - string operations and UTF-8 conversions ----------------===//
//
// Strings are (data, len) pairs of immutable bytes; nothing here writes to
// memory it did not just allocate. Conversions follow go1.19
// (runtime/string.go, utf8.go):
//  - decoding is Go's: a byte sequence that is not valid, shortest-form
//    UTF-8 of a non-surrogate code point <= U+10FFFF decodes as U+FFFD and
//    consumes exactly one byte;
//  - encoding a rune that is negative, > U+10FFFF or a surrogate
//    (U+D800..U+DFFF) writes U+FFFD (3 bytes); string(v) for an integer v
//    that does not fit in a rune (int32) is U+FFFD too.
//  - []byte(s) and []rune(s) copy into fresh memory sized to Go's size
//    class (roundupsize), so the compiler may report cap =
//    glrt_roundupcap(len, elemSize) as go1.19 does for slices that escape;
//    the returned pair's n is the length.
//
// Conversions allocate noscan objects (mallocnoscan). Concatenation's
// bytes come from mallocbytes (unaligned, the P's bump chunk), and it
// extends its left operand in place when that operand is the P's most
// recent concatenation (malloc.h: growinplace), so `s += t` loops use
// linear memory even without a GC.
//
// Threads: the "most recent allocation" is per P, and goroutines migrate
// between Ps and share strings. That is still safe: growinplace only claims
// bytes at the calling P's own free cursor, which were never handed out to
// anyone, so whoever made the left operand and wherever it runs, the
// result is its bytes plus fresh ones, and no existing string's bytes are
// ever written (tested with migrating goroutines on several Ms). It relies
// on the left operand being a real (immutable) string: the compiler must
// not pass a non-copied view of a []byte here.
//
// Stack use: all entry points stay on the goroutine's stack (<= 224 bytes
// measured, mallocbytes' fast path included); allocation slow paths switch
// to g0 inside malloc.cpp.
//
// Empty results have a null data pointer (Go's "" has one too).
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "malloc.h"
#include "mgc.h"
#include "panic.h"
#include "preempt.h"
#include "race.h"

#include <string.h>

namespace glrt {
namespace {

constexpr int32_t kRuneError = 0xFFFD;
constexpr int32_t kMaxRune = 0x10FFFF;

// Bytes needed to encode r (after replacing invalid runes).
int runelen(int32_t r) {
  if (r < 0)
    return 3;
  if (r < 0x80)
    return 1;
  if (r < 0x800)
    return 2;
  if ((r >= 0xD800 && r <= 0xDFFF) || r > kMaxRune)
    return 3;
  if (r < 0x10000)
    return 3;
  return 4;
}

// Writes r as UTF-8 at p; returns the number of bytes written (1..4).
int encoderune(unsigned char *p, int32_t r) {
  if (r >= 0 && r < 0x80) {
    p[0] = static_cast<unsigned char>(r);
    return 1;
  }
  if (r >= 0 && r < 0x800) {
    p[0] = static_cast<unsigned char>(0xC0 | (r >> 6));
    p[1] = static_cast<unsigned char>(0x80 | (r & 0x3F));
    return 2;
  }
  if (r < 0 || r > kMaxRune || (r >= 0xD800 && r <= 0xDFFF))
    r = kRuneError;
  if (r < 0x10000) {
    p[0] = static_cast<unsigned char>(0xE0 | (r >> 12));
    p[1] = static_cast<unsigned char>(0x80 | ((r >> 6) & 0x3F));
    p[2] = static_cast<unsigned char>(0x80 | (r & 0x3F));
    return 3;
  }
  p[0] = static_cast<unsigned char>(0xF0 | (r >> 18));
  p[1] = static_cast<unsigned char>(0x80 | ((r >> 12) & 0x3F));
  p[2] = static_cast<unsigned char>(0x80 | ((r >> 6) & 0x3F));
  p[3] = static_cast<unsigned char>(0x80 | (r & 0x3F));
  return 4;
}

inline bool cont(unsigned char c) { return c >= 0x80 && c <= 0xBF; }

// Decodes the rune starting at s[k] (k < n). Sets *next to the index after
// it; invalid input gives U+FFFD and k+1.
int32_t decode(const unsigned char *s, int64_t n, int64_t k, int64_t *next) {
  unsigned char c0 = s[k];
  if (c0 < 0x80) {
    *next = k + 1;
    return c0;
  }
  int64_t rem = n - k;
  *next = k + 1;
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    if (rem < 2 || !cont(s[k + 1]))
      return kRuneError;
    *next = k + 2;
    return (int32_t(c0 & 0x1F) << 6) | (s[k + 1] & 0x3F);
  }
  if (c0 >= 0xE0 && c0 <= 0xEF) {
    if (rem < 3)
      return kRuneError;
    unsigned char c1 = s[k + 1];
    unsigned char lo = c0 == 0xE0 ? 0xA0 : 0x80; // no overlong forms
    unsigned char hi = c0 == 0xED ? 0x9F : 0xBF; // no surrogates
    if (c1 < lo || c1 > hi || !cont(s[k + 2]))
      return kRuneError;
    *next = k + 3;
    return (int32_t(c0 & 0x0F) << 12) | (int32_t(c1 & 0x3F) << 6) |
           (s[k + 2] & 0x3F);
  }
  if (c0 >= 0xF0 && c0 <= 0xF4) {
    if (rem < 4)
      return kRuneError;
    unsigned char c1 = s[k + 1];
    unsigned char lo = c0 == 0xF0 ? 0x90 : 0x80; // no overlong forms
    unsigned char hi = c0 == 0xF4 ? 0x8F : 0xBF; // <= U+10FFFF
    if (c1 < lo || c1 > hi || !cont(s[k + 2]) || !cont(s[k + 3]))
      return kRuneError;
    *next = k + 4;
    return (int32_t(c0 & 0x07) << 18) | (int32_t(c1 & 0x3F) << 12) |
           (int32_t(s[k + 2] & 0x3F) << 6) | (s[k + 3] & 0x3F);
  }
  return kRuneError;
}

// A fresh, zeroed array for n elements of es bytes, sized to Go's class.
void *rawarray(int64_t n, int64_t es) {
  return mallocnoscan(roundupsize(uint64_t(n) * uint64_t(es)));
}

} // namespace
} // namespace glrt

using glrt::decode;

glrt_pair glrt_concatstrings(void *a, int64_t alen, void *b, int64_t blen) {
  if (alen == 0)
    return {blen ? b : nullptr, blen};
  if (blen == 0)
    return {a, alen};
  int64_t n = alen + blen;
  if (n < alen)
    glrt::fatal("string concatenation too long");
  // s = s + t in a loop: if a's bytes end where this thread's free space
  // begins, append in place instead of copying a (O(n) instead of O(n^2)
  // bytes with no GC to reclaim the intermediates).
  char *aend = static_cast<char *>(a) + alen;
  if (glrt::growinplace(aend, uint64_t(blen))) {
    memcpy(aend, b, uint64_t(blen));
    glrt::gcSafePoint(); // a call from generated code: may yield to the collector
    return {a, n};
  }
  auto *p = static_cast<char *>(glrt::mallocbytes(uint64_t(n)));
  memcpy(p, a, uint64_t(alen));
  memcpy(p + alen, b, uint64_t(blen));
  glrt::gcSafePoint();
  return {p, n};
}

// cmpstring and eqstring check for a preemption request first (a loop
// whose body is one comparison; preempt.h: preemptCheck).
int64_t glrt_cmpstring(void *a, int64_t alen, void *b, int64_t blen) {
  glrt::preemptCheck();
  int64_t n = alen < blen ? alen : blen;
  if (n > 0 && a != b) {
    int c = memcmp(a, b, uint64_t(n));
    if (c != 0)
      return c < 0 ? -1 : 1;
  }
  if (alen == blen)
    return 0;
  return alen < blen ? -1 : 1;
}

uint8_t glrt_eqstring(void *a, int64_t alen, void *b, int64_t blen) {
  glrt::preemptCheck();
  if (alen != blen)
    return 0;
  if (a == b || alen == 0)
    return 1;
  return memcmp(a, b, uint64_t(alen)) == 0;
}

glrt_pair glrt_slicebytetostring(void *p, int64_t n) {
  if (n <= 0)
    return {nullptr, 0};
  // -race: Go's slicebytetostring reads the bytes (racereadrangepc).
  if (glrt::raceenabled)
    glrt::racereadrangepc(p, uint64_t(n), RACE_CALLERPC());
  void *s = glrt::mallocnoscan(uint64_t(n));
  memcpy(s, p, uint64_t(n));
  glrt::gcSafePoint();
  return {s, n};
}

glrt_pair glrt_stringtoslicebyte(void *p, int64_t n) {
  if (n <= 0)
    return {glrt::zerobase(), 0}; // non-nil empty slice, as Go's []byte("")
  void *b = glrt::rawarray(n, 1);
  memcpy(b, p, uint64_t(n));
  glrt::gcSafePoint();
  return {b, n};
}

glrt_pair glrt_slicerunetostring(void *p, int64_t n) {
  const int32_t *r = static_cast<const int32_t *>(p);
  // -race: Go's slicerunetostring reads the runes (racereadrangepc).
  if (glrt::raceenabled && n > 0)
    glrt::racereadrangepc(p, uint64_t(n) * 4, RACE_CALLERPC());
  int64_t size = 0;
  for (int64_t i = 0; i < n; i++)
    size += glrt::runelen(r[i]);
  if (size == 0)
    return {nullptr, 0};
  auto *s = static_cast<unsigned char *>(glrt::mallocnoscan(uint64_t(size)));
  int64_t at = 0;
  for (int64_t i = 0; i < n; i++)
    at += glrt::encoderune(s + at, r[i]);
  glrt::gcSafePoint();
  return {s, size};
}

glrt_pair glrt_stringtoslicerune(void *p, int64_t n) {
  const unsigned char *s = static_cast<const unsigned char *>(p);
  int64_t count = 0;
  for (int64_t k = 0; k < n;) {
    decode(s, n, k, &k);
    count++;
  }
  if (count == 0)
    return {glrt::zerobase(), 0};
  auto *r = static_cast<int32_t *>(glrt::rawarray(count, 4));
  int64_t i = 0;
  for (int64_t k = 0; k < n;)
    r[i++] = decode(s, n, k, &k);
  glrt::gcSafePoint();
  return {r, count};
}

glrt_pair glrt_intstring(int64_t v) {
  int32_t r = static_cast<int32_t>(v);
  if (int64_t(r) != v)
    r = glrt::kRuneError;
  unsigned char buf[4];
  int n = glrt::encoderune(buf, r);
  void *s = glrt::mallocnoscan(uint64_t(n));
  memcpy(s, buf, uint64_t(n));
  glrt::gcSafePoint();
  return {s, n};
}

glrt_pair glrt_decoderune(void *p, int64_t n, int64_t k) {
  if (k < 0 || k >= n)
    return {reinterpret_cast<void *>(uintptr_t(glrt::kRuneError)), k + 1};
  int64_t next;
  int32_t r = decode(static_cast<const unsigned char *>(p), n, k, &next);
  return {reinterpret_cast<void *>(uintptr_t(uint32_t(r))), next};
}
