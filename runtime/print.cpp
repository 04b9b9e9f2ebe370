//===- print.cpp - Go's print/println builtins -----------------------------===//
//
// The compiler lowers `print(a, b)` / `println(a, b)` to
//   glrt_printlock(); glrt_print<kind>(a); [glrt_printsp();] glrt_print<kind>(b);
//   [glrt_printnl();] glrt_printunlock();
// after evaluating every operand, so nothing between printlock and
// printunlock can block, panic or switch goroutines.
//
// Output format is byte-for-byte go1.19's (runtime/print.go): decimal
// integers, floats as "+d.dddddde+ddd" (7 significant digits, 3-digit
// exponent, "NaN", "+Inf", "-Inf"), pointers as "0x" + lowercase hex,
// slices as "[len/cap]0xdata", bools as true/false.
//
// Buffering. Each thread (M) owns a small buffer in TLS. Between printlock
// and printunlock, output accumulates there and is written to fd 2 with one
// write(2) at printunlock, so the lines of concurrent goroutines never
// interleave (Go takes a global lock around the same region; one write per
// statement gives the same effect without a lock). A statement longer than
// the buffer is written in pieces. Outside a lock (the panic path, fatal
// errors) every call flushes at once, so output always reaches fd 2 before
// the process exits, even on os.Exit or a panic.
//
// Invariants:
//  - tls.n <= kBufSize; bytes [0, tls.n) are pending output of this thread.
//  - tls.depth counts nested printlocks (Go allows recursion via panics
//    printing inside print); output is flushed when it drops to 0.
//
// Everything here is async-signal-safe except that it uses the calling
// thread's buffer: a signal handler that prints must call printflush()
// first (the panic path does).
//
// Stack use (stack.h's rule): formatting into the TLS buffer runs on the
// goroutine's stack (at most ~200 bytes, glrt_printslice); every flush --
// write(2) or the test sink -- runs on g0 (printflushsys ->
// onsystemstack). Nothing between printlock and printunlock parks, and
// printlock holds acquirem (no preemption until printunlock), so the G
// cannot change M in the middle of a statement, and a statement's bytes are
// in this thread's buffer only between its printlock and printunlock.
//===----------------------------------------------------------------------===//
#include "print.h"

#include "abi.h"
#include "panic.h"
#include "preempt.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

namespace glrt {
namespace {

constexpr size_t kBufSize = 512;

struct PrintBuf {
  char buf[kBufSize];
  size_t n;
  int depth;
  // Go's g0.writebuf: while wbuf is set (runtime.Stack, on this thread's
  // g0), gwrite appends here instead, up to wcap bytes; the rest is lost.
  char *wbuf;
  size_t wlen, wcap;
};

// Zero-initialised TLS with no constructor: no TLS wrapper, no static init.
__attribute__((tls_model("initial-exec"))) thread_local PrintBuf tls;

PrintSink gsink; // test hook; null means fd 2

} // namespace

void writeall(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      return; // nowhere left to report it
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void setprintsink(PrintSink sink) { gsink = sink; }

void setwritebuf(char *p, size_t cap) {
  tls.wbuf = p;
  tls.wlen = 0;
  tls.wcap = cap;
}

size_t clearwritebuf() {
  size_t n = tls.wlen;
  tls.wbuf = nullptr;
  tls.wlen = tls.wcap = 0;
  return n;
}

void printflush() {
  PrintBuf &b = tls;
  if (b.n == 0)
    return;
  size_t n = b.n;
  b.n = 0;
  if (gsink)
    gsink(b.buf, n);
  else
    writeall(2, b.buf, n);
}

bool printlocked() { return tls.depth > 0; }

namespace {
// printflush on g0: write(2) (and a test sink) never run on a goroutine
// segment. Out of line so that gwrite's fast path has no frame to speak of.
__attribute__((noinline)) void printflushsys() {
  onsystemstack([](void *) { printflush(); }, nullptr);
}
} // namespace

void gwrite(const char *p, size_t n) {
  PrintBuf &b = tls;
  if (b.wbuf) [[unlikely]] {
    size_t k = b.wcap - b.wlen;
    if (k > n)
      k = n;
    memcpy(b.wbuf + b.wlen, p, k);
    b.wlen += k;
    return;
  }
  while (n > 0) {
    if (b.n == kBufSize)
      printflushsys();
    size_t k = kBufSize - b.n;
    if (k > n)
      k = n;
    memcpy(b.buf + b.n, p, k);
    b.n += k;
    p += k;
    n -= k;
  }
  if (b.depth == 0 && b.n != 0)
    printflushsys();
}

void gwrites(const char *s) { gwrite(s, strlen(s)); }

size_t fmtuint(char *buf, uint64_t v) {
  char tmp[24];
  size_t i = sizeof tmp;
  do {
    tmp[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  size_t n = sizeof tmp - i;
  memcpy(buf, tmp + i, n);
  return n;
}

size_t fmtint(char *buf, int64_t v) {
  if (v >= 0)
    return fmtuint(buf, static_cast<uint64_t>(v));
  buf[0] = '-';
  // Negate in unsigned arithmetic so INT64_MIN works.
  return 1 + fmtuint(buf + 1, 0 - static_cast<uint64_t>(v));
}

size_t fmthex(char *buf, uint64_t v) {
  static const char digits[] = "0123456789abcdef";
  char tmp[24];
  size_t i = sizeof tmp;
  do {
    tmp[--i] = digits[v & 15];
    v >>= 4;
  } while (v != 0);
  tmp[--i] = 'x';
  tmp[--i] = '0';
  size_t n = sizeof tmp - i;
  memcpy(buf, tmp + i, n);
  return n;
}

// Go's float format: sign, one digit, '.', six digits, 'e', exponent sign,
// three exponent digits. go1.19 produces the digits by scaling the value
// into [1, 10) with repeated *10 or /10, adding half a unit of the 7th digit,
// then peeling digits off with float->int truncation. The printed digits of
// values that are not exactly representable depend on those very roundings,
// so the same sequence of double operations is performed here.
size_t fmtfloat(char *buf, double v) {
  if (v != v) {
    memcpy(buf, "NaN", 3);
    return 3;
  }
  if (v + v == v && v != 0) {
    memcpy(buf, v > 0 ? "+Inf" : "-Inf", 4);
    return 4;
  }
  constexpr int kDigits = 7;
  char sign = '+';
  int exp = 0;
  if (v == 0) {
    if (1 / v < 0)
      sign = '-'; // negative zero keeps its sign
  } else {
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    while (v >= 10) {
      v /= 10;
      exp++;
    }
    while (v < 1) {
      v *= 10;
      exp--;
    }
    double half = 5.0;
    for (int i = 0; i < kDigits; i++)
      half /= 10;
    v += half;
    if (v >= 10) {
      v /= 10;
      exp++;
    }
  }
  char digit[kDigits];
  for (int i = 0; i < kDigits; i++) {
    int d = static_cast<int>(v);
    digit[i] = static_cast<char>('0' + d);
    v -= d; // two separate roundings, as in Go (no fused multiply-add)
    v *= 10;
  }
  size_t n = 0;
  buf[n++] = sign;
  buf[n++] = digit[0];
  buf[n++] = '.';
  for (int i = 1; i < kDigits; i++)
    buf[n++] = digit[i];
  buf[n++] = 'e';
  buf[n++] = exp < 0 ? '-' : '+';
  if (exp < 0)
    exp = -exp;
  buf[n++] = static_cast<char>('0' + exp / 100);
  buf[n++] = static_cast<char>('0' + exp / 10 % 10);
  buf[n++] = static_cast<char>('0' + exp % 10);
  return n;
}

void printint(int64_t v) {
  char b[32];
  gwrite(b, fmtint(b, v));
}
void printuint(uint64_t v) {
  char b[32];
  gwrite(b, fmtuint(b, v));
}
void printhex(uint64_t v) {
  char b[32];
  gwrite(b, fmthex(b, v));
}
void printfloat(double v) {
  char b[32];
  gwrite(b, fmtfloat(b, v));
}
void printbool(bool v) {
  if (v)
    gwrite("true", 4);
  else
    gwrite("false", 5);
}

} // namespace glrt

// ---- the compiler's entry points (abi.def) ----

// printlock also holds acquirem (Go: printlock takes mp.locks through
// debuglock): the G is not preempted until printunlock, so it neither
// leaves a half-written statement in this thread's buffer (where other Gs
// on this M would append their lines and from which glrt_exit on another
// thread never flushes it) nor finishes the statement on another M.
void glrt_printlock() {
  glrt::acquirem();
  glrt::tls.depth++;
}

void glrt_printunlock() {
  if (glrt::tls.depth <= 0)
    return; // unbalanced: nothing to release
  if (--glrt::tls.depth == 0 && glrt::tls.n != 0)
    glrt::printflushsys();
  glrt::g *gp = glrt::getg();
  glrt::releasem(gp != nullptr ? gp->mp : nullptr);
}

void glrt_printbool(uint8_t v) { glrt::printbool(v != 0); }
void glrt_printint(int64_t v) { glrt::printint(v); }
void glrt_printuint(int64_t v) { glrt::printuint(static_cast<uint64_t>(v)); }
void glrt_printfloat(double v) { glrt::printfloat(v); }

void glrt_printstring(void *p, int64_t n) {
  if (n > 0)
    glrt::gwrite(static_cast<const char *>(p), static_cast<size_t>(n));
  else
    glrt::gwrite("", 0); // still flushes when unlocked
}

void glrt_printpointer(void *p) {
  glrt::printhex(reinterpret_cast<uintptr_t>(p));
}

void glrt_printslice(void *p, int64_t len, int64_t cap) {
  char b[80];
  size_t n = 0;
  b[n++] = '[';
  n += glrt::fmtint(b + n, len);
  b[n++] = '/';
  n += glrt::fmtint(b + n, cap);
  b[n++] = ']';
  n += glrt::fmthex(b + n, reinterpret_cast<uintptr_t>(p));
  glrt::gwrite(b, n);
}

void glrt_printsp() { glrt::gwrite(" ", 1); }
void glrt_printnl() { glrt::gwrite("\n", 1); }
