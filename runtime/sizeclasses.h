//===- sizeclasses.h - go1.19's malloc size classes ------------------------===//
//
// The 68 size classes of go1.19 (class 0 = large objects), as data: the
// object size of each class and how many 8 KiB pages one span of the class
// takes. Everything else Go tabulates (size_to_class8/128, divmagic) is
// derived from these two columns at compile time below.
// test/unit/runtime/malloc_test.cpp (SizeClassesMatchGo119) parses
// /usr/share/go-1.19/src/runtime/sizeclasses.go and compares every table.
//===----------------------------------------------------------------------===//
#ifndef GLRT_SIZECLASSES_H
#define GLRT_SIZECLASSES_H

#include <stddef.h>
#include <stdint.h>

namespace glrt {

constexpr uintptr_t _MaxSmallSize = 32768;
constexpr uintptr_t smallSizeDiv = 8;
constexpr uintptr_t smallSizeMax = 1024;
constexpr uintptr_t largeSizeDiv = 128;
constexpr int _NumSizeClasses = 68;
constexpr uintptr_t _PageShift = 13;
constexpr uintptr_t _PageSize = uintptr_t(1) << _PageShift; // 8 KiB
constexpr uintptr_t _PageMask = _PageSize - 1;
constexpr uintptr_t _TinySize = 16;
constexpr uintptr_t maxObjsPerSpan = 1024; // 8 KiB / 8 bytes

constexpr uint16_t class_to_size[_NumSizeClasses] = {
    0,     8,     16,    24,    32,    48,    64,    80,    96,    112,
    128,   144,   160,   176,   192,   208,   224,   240,   256,   288,
    320,   352,   384,   416,   448,   480,   512,   576,   640,   704,
    768,   896,   1024,  1152,  1280,  1408,  1536,  1792,  2048,  2304,
    2688,  3072,  3200,  3456,  4096,  4864,  5376,  6144,  6528,  6784,
    6912,  8192,  9472,  9728,  10240, 10880, 12288, 13568, 14336, 16384,
    18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768};

constexpr uint8_t class_to_allocnpages[_NumSizeClasses] = {
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 1, 2, 1, 3, 2, 3, 1, 3,
    2, 3, 4, 5, 6, 1, 7, 6, 5, 4, 3, 5, 7, 2, 9, 7, 5, 8, 3, 10, 7, 4};

// The smallest class whose size is >= s (0 < s <= _MaxSmallSize): a
// compile-time search that the two lookup tables below cache.
constexpr uint8_t classFor(uintptr_t s) {
  uint8_t c = 1;
  while (class_to_size[c] < s)
    c++;
  return c;
}

template <size_t N, uintptr_t Div, uintptr_t Base> struct SizeToClass {
  uint8_t v[N];
  constexpr SizeToClass() : v() {
    for (size_t i = 0; i < N; i++)
      v[i] = (Base + i * Div) == 0 ? 0 : classFor(Base + i * Div);
  }
};
// Indexed by divRoundUp(size, 8) for size <= 1024, and by
// divRoundUp(size - 1024, 128) above, as Go's size_to_class8/128.
constexpr SizeToClass<smallSizeMax / smallSizeDiv + 1, smallSizeDiv, 0> size_to_class8{};
constexpr SizeToClass<(_MaxSmallSize - smallSizeMax) / largeSizeDiv + 1, largeSizeDiv,
                      smallSizeMax>
    size_to_class128{};

inline uint8_t sizeToClass(uintptr_t size) {
  if (size <= smallSizeMax - 8)
    return size_to_class8.v[(size + smallSizeDiv - 1) / smallSizeDiv];
  return size_to_class128.v[(size - smallSizeMax + largeSizeDiv - 1) / largeSizeDiv];
}

// Go's class_to_divmagic: ^uint32(0)/size + 1, so that for an offset o
// into a span, o / size == (o * divmagic) >> 32 exactly for every object
// offset of the span (Go's mspan.divideByElemSize).
struct DivMagic {
  uint32_t v[_NumSizeClasses];
  constexpr DivMagic() : v() {
    for (int c = 1; c < _NumSizeClasses; c++)
      v[c] = ~uint32_t(0) / class_to_size[c] + 1;
  }
};
constexpr DivMagic class_to_divmagic{};

// A span class: size class << 1 | noscan (Go's spanClass).
using spanClass = uint8_t;
constexpr int numSpanClasses = _NumSizeClasses << 1;
constexpr spanClass makeSpanClass(uint8_t sizeclass, bool noscan) {
  return spanClass((sizeclass << 1) | (noscan ? 1 : 0));
}
constexpr uint8_t spanClassSize(spanClass sc) { return sc >> 1; }
constexpr bool spanClassNoscan(spanClass sc) { return sc & 1; }

} // namespace glrt

#endif // GLRT_SIZECLASSES_H
