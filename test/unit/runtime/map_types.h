// Hand-built type descriptors for the map tests (what glc emits for these
// types, per typedesc.def): int64, string, float64, a struct key with a
// string and an int, [3]int8 (non-8-byte plain memory), interface{}, []int,
// a 200-byte array (indirect keys/elems), and map types over them.
#ifndef GLRT_TEST_MAP_TYPES_H
#define GLRT_TEST_MAP_TYPES_H

#include "alg.h"
#include "type.h"

#include <cstring>
#include <string>

namespace maptest {
using namespace glrt;

inline GoString gs(const char *s) {
  return {reinterpret_cast<const uint8_t *>(s), intptr_t(strlen(s))};
}

inline bool eq64(const void *a, const void *b) {
  return *static_cast<const int64_t *>(a) == *static_cast<const int64_t *>(b);
}
inline bool eqstr(const void *a, const void *b) {
  auto *x = static_cast<const GoString *>(a);
  auto *y = static_cast<const GoString *>(b);
  return x->len == y->len && memcmp(x->str, y->str, size_t(x->len)) == 0;
}
inline bool eqf64(const void *a, const void *b) {
  return *static_cast<const double *>(a) == *static_cast<const double *>(b);
}
inline bool eq3(const void *a, const void *b) { return memcmp(a, b, 3) == 0; }
inline bool eq200(const void *a, const void *b) { return memcmp(a, b, 200) == 0; }

struct SKey { // struct { s string; n int }
  GoString s;
  int64_t n;
};
inline bool eqskey(const void *a, const void *b) {
  auto *x = static_cast<const SKey *>(a);
  auto *y = static_cast<const SKey *>(b);
  return x->n == y->n && eqstr(&x->s, &y->s);
}

inline bool eqeface(const void *a, const void *b) {
  auto *x = static_cast<const Eface *>(a);
  auto *y = static_cast<const Eface *>(b);
  if (x->type != y->type)
    return false;
  if (x->type == nullptr)
    return true;
  const void *p = isDirectIface(x->type) ? &x->data : x->data;
  const void *q = isDirectIface(y->type) ? &y->data : y->data;
  return x->type->equal(p, q);
}

inline Type basic(uintptr_t size, uint8_t kind, EqualFn eq, const char *str, uint8_t tflag) {
  Type t{};
  t.size = size;
  t.kind = kind;
  t.equal = eq;
  t.str = gs(str);
  t.tflag = tflag;
  t.align = size >= 8 ? 8 : uint8_t(size);
  t.hash = uint32_t(str[0]) * 16777619u + uint32_t(strlen(str));
  return t;
}

inline Type tInt64 = basic(8, KindInt64, eq64, "int64", TFlagRegularMemory);
inline Type tString = basic(16, KindString, eqstr, "string", 0);
inline Type tFloat64 = basic(8, KindFloat64, eqf64, "float64", 0);
inline Type tInt8 = basic(1, KindInt8, nullptr, "int8", TFlagRegularMemory);
inline ArrayType tArr3 = {basic(3, KindArray, eq3, "[3]int8", TFlagRegularMemory), &tInt8,
                          nullptr, 3};
inline Type tBig = basic(200, KindArray, eq200, "[25]int64", TFlagRegularMemory);
inline Type tSliceInt = basic(24, KindSlice, nullptr, "[]int", 0);
inline Type tEface = basic(16, KindInterface, eqeface, "interface {}", 0);
inline InterfaceType tEfaceI = {tEface, {}, {}};

inline StructField skeyFields[2] = {{gs("s"), &tString, 0, 0}, {gs("n"), &tInt64, 16, 0}};
inline StructType tSKey = {basic(24, KindStruct, eqskey, "main.K", TFlagNamed), {},
                           {skeyFields, 2, 2}};

inline MapType mapOf(const Type *k, const Type *e, uintptr_t flags) {
  MapType m{};
  m.typ = basic(8, KindMap | KindDirectIface, nullptr, "map", 0);
  m.key = k;
  m.elem = e;
  m.hasher = nullptr; // the runtime hashes by the key's descriptor
  m.keysize = k->size;
  m.elemsize = e->size;
  m.flags = flags;
  return m;
}

inline MapType mInt64 = mapOf(&tInt64, &tInt64, 0);
inline MapType mString = mapOf(&tString, &tInt64, MapNeedKeyUpdate);
inline MapType mFloat = mapOf(&tFloat64, &tInt64, MapNeedKeyUpdate);
inline MapType mSKey = mapOf(&tSKey.typ, &tInt64, MapNeedKeyUpdate);
inline MapType mArr3 = mapOf(&tArr3.typ, &tInt64, 0);
inline MapType mBig = mapOf(&tBig, &tBig, 0);
inline MapType mEface = mapOf(&tEfaceI.typ, &tInt64, MapNeedKeyUpdate);

} // namespace maptest

#endif
