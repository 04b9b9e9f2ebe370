//===- reflectlite.cpp - the little reflection stdlib/ needs ---------------===//
//
// The body-less functions of stdlib/sort, stdlib/errors and stdlib/strings
// that need what GL cannot say without reflect or unsafe (abi.def, "the
// standard library's glrt-backed functions"). Each works on one value's
// type descriptor (type.h) and touches only memory the caller owns; none
// blocks or allocates, so all run on the goroutine's stack.
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "mbarrier.h"
#include "type.h"

#include <string.h>

using namespace glrt;

// strings.Builder.String: the bytes are shared. Safe with string.cpp's
// in-place concatenation: that extends a string only when its end is the
// M's free cursor, i.e. when len == cap here, and then claims bytes past
// the slice's capacity that the Builder never owns.
glrt_pair glrt_bytesString(void *data, int64_t len, int64_t cap) {
  return glrt_pair{data, len};
}

static const SliceType *sliceTypeOf(const glrt_eface &x) {
  auto *t = static_cast<const Type *>(x.type);
  if (!t || kindOf(t) != KindSlice)
    return nullptr;
  return reinterpret_cast<const SliceType *>(t);
}

// A slice is never direct-iface: data points to its boxed header.
int64_t glrt_reflectSliceLen(glrt_eface x) {
  if (!sliceTypeOf(x))
    return -1;
  return static_cast<const GoSlice<uint8_t> *>(x.data)->len;
}

// x[i], x[j] = x[j], x[i]; the GL caller (sort) checked the indexes.
void glrt_reflectSwap(glrt_eface x, int64_t i, int64_t j) {
  const SliceType *st = sliceTypeOf(x);
  auto *s = static_cast<const GoSlice<uint8_t> *>(x.data);
  size_t size = st->elem->size;
  uint8_t *a = s->array + size_t(i) * size;
  uint8_t *b = s->array + size_t(j) * size;
  // Both elements are overwritten: shade their old pointers first
  // (mbarrier.cpp), or a marker scanning the array mid-swap could miss the
  // value held only in t below.
  if (__builtin_expect(glrt_writeBarrier.enabled, 0) && st->elem->ptrdata != 0) {
    bulkShade(reinterpret_cast<uintptr_t>(a), size);
    bulkShade(reinterpret_cast<uintptr_t>(b), size);
  }
  switch (size) { // the common element sizes without a byte loop
  case 8: {
    uint64_t t;
    memcpy(&t, a, 8);
    memcpy(a, b, 8);
    memcpy(b, &t, 8);
    return;
  }
  case 16: {
    uint64_t t[2];
    memcpy(t, a, 16);
    memcpy(a, b, 16);
    memcpy(b, t, 16);
    return;
  }
  }
  uint8_t buf[64];
  while (size > 0) {
    size_t n = size < sizeof buf ? size : sizeof buf;
    memcpy(buf, a, n);
    memcpy(a, b, n);
    memcpy(b, buf, n);
    a += n;
    b += n;
    size -= n;
  }
}

// The `error` interface's descriptor: found through the target when it is
// *error itself; otherwise implementing error is checked by method name.
static bool hasErrorMethod(const Type *t) {
  if (kindOf(t) == KindInterface) {
    auto *it = reinterpret_cast<const InterfaceType *>(t);
    for (intptr_t k = 0; k < it->methods.len; ++k)
      if (it->methods.array[k].name.len == 5 && !memcmp(it->methods.array[k].name.str, "Error", 5))
        return true;
    return false;
  }
  if (!(t->tflag & TFlagUncommon) || !t->uncommon)
    return false;
  const auto &ms = t->uncommon->methods;
  for (intptr_t k = 0; k < ms.len; ++k)
    if (ms.array[k].name.len == 5 && !memcmp(ms.array[k].name.str, "Error", 5))
      return true;
  return false;
}

// errors.As's checks of its target, in Go's order (the GL caller panics
// with Go's texts).
int64_t glrt_errorsAsCheck(glrt_eface target) {
  auto *t = static_cast<const Type *>(target.type);
  if (!t)
    return 1;
  if (kindOf(t) != KindPointer || !target.data)
    return 2;
  const Type *elem = reinterpret_cast<const PtrType *>(t)->elem;
  if (kindOf(elem) != KindInterface && !hasErrorMethod(elem))
    return 3;
  return 0;
}

// *target = err when err's dynamic type is assignable to *target's type
// (Go's reflectlite AssignableTo: identical types, or an interface the type
// implements). err is non-nil; target passed errorsAsCheck.
uint8_t glrt_errorsAsAssign(glrt_eface target, glrt_eface err) {
  const Type *elem = reinterpret_cast<const PtrType *>(target.type)->elem;
  auto *et = static_cast<const Type *>(err.type);
  if (kindOf(elem) == KindInterface) {
    auto *it = reinterpret_cast<const InterfaceType *>(elem);
    if (it->methods.len == 0) {
      *static_cast<glrt_eface *>(target.data) = err;
      return 1;
    }
    void *tab = glrt_getitab(const_cast<InterfaceType *>(it), const_cast<Type *>(et), 1);
    if (!tab)
      return 0;
    auto *dst = static_cast<void **>(target.data);
    dst[0] = tab; // an itab: not a heap object
    writePointer(&dst[1], err.data);
    return 1;
  }
  if (elem != et)
    return 0;
  if (isDirectIface(et))
    typedmemmove(et, target.data, &err.data);
  else
    typedmemmove(et, target.data, err.data);
  return 1;
}
