//===- mathlib.cpp - package math's glrt-backed functions -------------------===//
//
// The body-less functions of stdlib/math (abi.def, "math"): libm, which the
// program links (-lm). sqrt, floor, ceil, trunc and fmod are exact or
// correctly rounded, so they equal go1.19's bit for bit; the
// transcendental functions are glibc's (< 1 ulp, mostly correctly
// rounded), which may differ from Go's own algorithms in the last bit.
// stdlib/math handles Go's special cases where they differ from C's before
// calling these.
//
// Stack (stack.h's rule): measured with glibc 2.36 by painting the stack
// below the caller, every libm function here uses at most 144 bytes of the
// goroutine's stack (sin/cos/tan, huge arguments included), inside
// StackNosplitBudget, except tgamma (296 bytes), which runs on g0.
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "panic.h"

#include <math.h>
#include <string.h>

double glrt_mathSqrt(double x) { return __builtin_sqrt(x); }
double glrt_mathFloor(double x) { return floor(x); }
double glrt_mathCeil(double x) { return ceil(x); }
double glrt_mathTrunc(double x) { return trunc(x); }
double glrt_mathFmod(double x, double y) { return fmod(x, y); }
double glrt_mathExp(double x) { return exp(x); }
double glrt_mathExpm1(double x) { return expm1(x); }
double glrt_mathExp2(double x) { return exp2(x); }
double glrt_mathLog(double x) { return log(x); }
double glrt_mathLog2(double x) { return log2(x); }
double glrt_mathLog10(double x) { return log10(x); }
double glrt_mathLog1p(double x) { return log1p(x); }
double glrt_mathPow(double x, double y) { return pow(x, y); }
double glrt_mathSin(double x) { return sin(x); }
double glrt_mathCos(double x) { return cos(x); }
double glrt_mathTan(double x) { return tan(x); }
double glrt_mathAsin(double x) { return asin(x); }
double glrt_mathAcos(double x) { return acos(x); }
double glrt_mathAtan(double x) { return atan(x); }
double glrt_mathAtan2(double y, double x) { return atan2(y, x); }
double glrt_mathSinh(double x) { return sinh(x); }
double glrt_mathCosh(double x) { return cosh(x); }
double glrt_mathTanh(double x) { return tanh(x); }
double glrt_mathAsinh(double x) { return asinh(x); }
double glrt_mathAcosh(double x) { return acosh(x); }
double glrt_mathAtanh(double x) { return atanh(x); }
double glrt_mathCbrt(double x) { return cbrt(x); }
double glrt_mathHypot(double x, double y) { return hypot(x, y); }
double glrt_mathErf(double x) { return erf(x); }
double glrt_mathErfc(double x) { return erfc(x); }
double glrt_mathGamma(double x) {
  double r;
  glrt::onsystemstack([&] { r = tgamma(x); });
  return r;
}

int64_t glrt_mathFloat64bits(double f) {
  int64_t b;
  memcpy(&b, &f, 8);
  return b;
}
double glrt_mathFloat64frombits(int64_t b) {
  double f;
  memcpy(&f, &b, 8);
  return f;
}
int32_t glrt_mathFloat32bits(double f) {
  float g = float(f); // exact: f is a widened float32
  int32_t b;
  memcpy(&b, &g, 4);
  return b;
}
double glrt_mathFloat32frombits(int32_t b) {
  float g;
  memcpy(&g, &b, 4);
  return double(g);
}
