//===- strconv.cpp - exact float <-> decimal for stdlib/strconv -----------===//
//
// strconv.FormatFloat and ParseFloat are GL (stdlib/strconv/ftoa.gl,
// atof.gl) except for the digits, which come from glibc: printf's %e/%f
// are exact for any precision and strtod/strtof round correctly. (C++17's
// std::to_chars/from_chars for floating point live in libstdc++.so, which
// glrt must not depend on: runtime/CMakeLists.txt.)
//
// Shortest round-trip digits: the fewest significant digits p whose
// correctly rounded decimal parses back to f. Round-tripping is monotonic
// in p (p+1 correctly rounded digits are at least as close), so a binary
// search over 1..17 (1..9 for float32) finds the least p. At p, the
// correctly rounded p-digit decimal is the nearest one, which is Go's
// choice whenever the nearest round-trips; when the round-trip interval is
// lopsided (f a power of two) a farther p-digit decimal on the wide side
// might round-trip while the nearest does not, so the two neighbours of
// the nearest are tried too before moving to p+1.
//
// Stack use: all of it runs on the system stack (stack.h's rule: stdio).
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "panic.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace {

struct Digits {
  char d[800];
  int nd;
  int dp;
};

// Parses printf's "%.*e" output ("d.ddde+XX") into digits/dp.
void fromE(const char *s, Digits &out) {
  out.nd = 0;
  const char *q = s;
  for (; *q && *q != 'e'; ++q)
    if (*q >= '0' && *q <= '9' && out.nd < int(sizeof out.d))
      out.d[out.nd++] = *q;
  int exp = *q == 'e' ? atoi(q + 1) : 0;
  out.dp = exp + 1;
}

bool roundtrips(const char *s, double f, bool is32) {
  if (is32)
    return strtof(s, nullptr) == float(f);
  return strtod(s, nullptr) == f;
}

// Adds delta (+-1) to the last digit of the "%.*e" string s in place;
// false if that leaves the p-digit range (a carry past the first digit or
// a borrow below 1.000).
bool bump(char *s, int delta) {
  char *e = strchr(s, 'e');
  char *q = e - 1;
  while (q >= s) {
    if (*q == '.') { --q; continue; }
    int v = *q - '0' + delta;
    if (v >= 0 && v <= 9) {
      *q = char('0' + v);
      return !(q == s && v == 0);
    }
    *q = delta > 0 ? '0' : '9';
    --q;
  }
  return false;
}

// The fast path: f (> 0) whose exact value has at most 3 decimals and
// which is small enough that no decimal with fewer significant digits
// lies in its round-trip interval (half an ulp < 10^-3: f < 2^43, float32
// f < 2^13). Then the exact decimal, trailing zeros dropped, is Go's
// shortest. f*10^k is an integer iff mant*5^k*2^(e+k) is: computed on the
// IEEE bits, so no rounding is involved.
bool shortestExact(double f, bool is32, char *d, int &nd, int &dp) {
  if (!(f > 0) || f >= (is32 ? 8192.0 : 8796093022208.0))
    return false;
  uint64_t bits;
  memcpy(&bits, &f, 8);
  int e = int((bits >> 52) & 0x7ff);
  uint64_t mant = bits & ((uint64_t(1) << 52) - 1);
  if (e == 0)
    return false; // subnormal: never exact in 3 decimals
  mant |= uint64_t(1) << 52;
  e -= 1075; // f = mant * 2^e
  uint64_t p5 = 1;
  for (int k = 0; k <= 3; ++k, p5 *= 5) {
    int sh = e + k; // f*10^k = mant*5^k * 2^sh
    uint64_t r;
    if (sh >= 0) {
      r = (mant * p5) << sh; // < 2^43 * 10^3 < 2^53
    } else {
      if (sh <= -64 || (mant & ((uint64_t(1) << -sh) - 1)) != 0)
        continue;
      r = (mant >> -sh) * p5;
    }
    char tmp[24];
    int n = 0;
    while (r > 0) {
      tmp[n++] = char('0' + r % 10);
      r /= 10;
    }
    nd = 0;
    for (int i = n - 1; i >= 0; --i)
      d[nd++] = tmp[i];
    while (nd > 0 && d[nd - 1] == '0')
      --nd;
    dp = n - k;
    return true;
  }
  return false;
}

void shortest(double f, bool is32, Digits &out) {
  char buf[64], best[64];
  int lo = 1, hi = is32 ? 9 : 17;
  snprintf(best, sizeof best, "%.*e", hi - 1, f);
  while (lo < hi) {
    int p = (lo + hi) / 2;
    snprintf(buf, sizeof buf, "%.*e", p - 1, f);
    if (roundtrips(buf, f, is32)) {
      hi = p;
      memcpy(best, buf, sizeof buf);
    } else {
      lo = p + 1;
    }
  }
  // lo is the least p at which the nearest decimal round-trips; try p-1's
  // neighbours of the nearest (the lopsided case in the header).
  if (lo > 1) {
    int p = lo - 1;
    snprintf(buf, sizeof buf, "%.*e", p - 1, f);
    char alt[64];
    static const int deltas[] = {+1, -1};
    for (int delta : deltas) {
      memcpy(alt, buf, sizeof buf);
      if (bump(alt, delta) && roundtrips(alt, f, is32)) {
        memcpy(best, alt, sizeof alt);
        break;
      }
    }
  }
  fromE(best, out);
}

} // namespace

int64_t glrt_strconv_ftoa(double f, int64_t mode, int64_t prec, void *buf, int64_t len,
                          int64_t cap) {
  // The exact fast path needs no libc and little stack: it runs on the
  // goroutine's stack (stack.h's rule); buf holds >= 32 bytes in mode 0.
  if ((mode & 3) == 0) {
    int nd = 0, dp = 0;
    if (shortestExact(fabs(f), mode & 4, static_cast<char *>(buf), nd, dp))
      return int64_t(nd) | (int64_t(dp) << 16);
  }
  int64_t result = 0;
  glrt::onsystemstack([&] {
    bool is32 = mode & 4;
    mode &= 3;
    f = fabs(f);
    char *out = static_cast<char *>(buf);
    int nd = 0, dp = 0;
    if (mode == 0) {
      Digits d;
      shortest(f, is32, d);
      memcpy(out, d.d, size_t(d.nd));
      nd = d.nd;
      dp = d.dp;
    } else {
      // printf into buf (the GL side makes it large enough: prec + 400),
      // then squeeze the digits to the front.
      int n = mode == 1 ? snprintf(out, size_t(cap), "%.*e", int(prec > 0 ? prec - 1 : 0), f)
                        : snprintf(out, size_t(cap), "%.*f", int(prec), f);
      if (n >= cap)
        n = int(cap) - 1;
      int exp = 0, intDigits = -1;
      for (int i = 0; i < n; ++i) {
        char c = out[i];
        if (c >= '0' && c <= '9') {
          out[nd++] = c;
        } else if (c == '.') {
          intDigits = nd;
        } else if (c == 'e') {
          exp = atoi(out + i + 1);
          break;
        }
      }
      if (intDigits < 0)
        intDigits = nd;
      dp = mode == 1 ? exp + 1 : intDigits;
    }
    // Drop leading zeros (each moves the point) and trailing zeros.
    int lead = 0;
    while (lead < nd && out[lead] == '0')
      ++lead;
    if (lead > 0) {
      memmove(out, out + lead, size_t(nd - lead));
      nd -= lead;
      dp -= lead;
    }
    while (nd > 0 && out[nd - 1] == '0')
      --nd;
    if (nd == 0)
      dp = 0;
    result = int64_t(nd) | (int64_t(dp) << 16);
  });
  return result;
}

double glrt_strconv_atof(void *s, int64_t n, int64_t bitSize) {
  double r = 0;
  glrt::onsystemstack([&] {
    char small[128];
    char *z = n < int64_t(sizeof small) ? small : static_cast<char *>(malloc(size_t(n) + 1));
    memcpy(z, s, size_t(n));
    z[n] = 0;
    r = bitSize == 32 ? double(strtof(z, nullptr)) : strtod(z, nullptr);
    if (z != small)
      free(z);
  });
  return r;
}


int64_t glrt_strconv_fbits(double f, int64_t bitSize) {
  if (bitSize == 32) {
    float g = float(f);
    uint32_t b;
    memcpy(&b, &g, 4);
    return b;
  }
  int64_t b;
  memcpy(&b, &f, 8);
  return b;
}
