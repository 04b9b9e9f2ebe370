//===- bytealg.cpp - byte searches for stdlib/strings ----------------------===//
//
// The body-less indexByteString and countByteString of stdlib/strings
// (abi.def): glibc's memchr and a loop clang vectorises, as Go's
// internal/bytealg assembly is vectorised. Both are leaves using no stack,
// within stack.h's StackNosplitBudget.
//===----------------------------------------------------------------------===//
#include "abi.h"

#include <string.h>

int64_t glrt_indexByteString(void *data, int64_t len, int64_t c) {
  if (len <= 0)
    return -1;
  const void *p = memchr(data, int(c & 0xFF), size_t(len));
  return p ? static_cast<const char *>(p) - static_cast<const char *>(data) : -1;
}

// A plain loop: clang vectorises it (compare, mask, add), which beats a
// memchr per occurrence when the byte is frequent (Split on ",").
int64_t glrt_countByteString(void *data, int64_t len, int64_t c) {
  const unsigned char *p = static_cast<const unsigned char *>(data);
  unsigned char b = static_cast<unsigned char>(c);
  int64_t n = 0;
  for (int64_t i = 0; i < len; ++i)
    n += p[i] == b;
  return n;
}
