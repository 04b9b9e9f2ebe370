//===- type.h - run-time type descriptors, interfaces ----------------------===//
//
// The C++ view of the records declared in typedesc.def (read its invariants
// first): each GLRT_DESC becomes a struct glrt::Name with the fields and
// offsets the table gives, checked by static_assert. glc emits these records
// as read-only data; the runtime only reads them.
//
// Interface values use Go's two words:
//   eface (interface{} / any):        { const Type *type;  void *data; }
//   iface (interfaces with methods):  { const Itab *tab;   void *data; }
// A nil interface has a null first word. data is the value itself for
// types with KindDirectIface, otherwise a pointer to a heap box holding the
// value (never written after boxing: interface values are immutable).
//===----------------------------------------------------------------------===//
#ifndef GLRT_TYPE_H
#define GLRT_TYPE_H

#include <stddef.h>
#include <stdint.h>

namespace glrt {

struct GoString {
  const uint8_t *str;
  intptr_t len;
};

template <class T> struct GoSlice {
  T *array;
  intptr_t len;
  intptr_t cap;
};

// Go's reflect.Kind values (runtime/typekind.go).
enum Kind : uint8_t {
  KindInvalid, KindBool, KindInt, KindInt8, KindInt16, KindInt32, KindInt64,
  KindUint, KindUint8, KindUint16, KindUint32, KindUint64, KindUintptr,
  KindFloat32, KindFloat64, KindComplex64, KindComplex128, KindArray,
  KindChan, KindFunc, KindInterface, KindMap, KindPointer, KindSlice,
  KindString, KindStruct, KindUnsafePointer,
  KindDirectIface = 1 << 5, // the value is the interface's data word
  KindMask = (1 << 5) - 1,
};

// Type.tflag bits (as go1.19's, minus the ones that have no use here).
enum TFlag : uint8_t {
  TFlagUncommon = 1 << 0,       // uncommon != null
  TFlagNamed = 1 << 2,          // a defined (named) type
  TFlagRegularMemory = 1 << 3,  // equal and hash may treat it as plain bytes
};

enum ChanDirBits : uintptr_t { ChanRecv = 1, ChanSend = 2, ChanBoth = 3 };
enum MapFlags : uintptr_t { MapNeedKeyUpdate = 1 };

struct Type;
struct UncommonType;
struct FuncType;
struct InterfaceType;
struct Method;
struct IMethod;
struct StructField;
using EqualFn = bool (*)(const void *, const void *);
using HashFn = uintptr_t (*)(const void *, uintptr_t);

#define GLRT_DESC(Name) struct Name {
#define GLRT_DESC_FIELD(Name, field, Kind, CType, offset) CType field;
#define GLRT_DESC_END(Name, size) };
#include "typedesc.def"

#define GLRT_DESC_FIELD(Name, field, Kind, CType, offset)                      \
  static_assert(offsetof(Name, field) == (offset), #Name "." #field " moved");
#define GLRT_DESC_END(Name, size)                                              \
  static_assert(sizeof(Name) == (size), #Name " changed size");
#include "typedesc.def"

// An itab's method table follows its header.
inline const void *const *itabfun(const Itab *t) {
  return reinterpret_cast<const void *const *>(t + 1);
}

struct Eface {
  const Type *type;
  void *data;
};
struct Iface {
  const Itab *tab;
  void *data;
};

inline uint8_t kindOf(const Type *t) { return t->kind & KindMask; }
inline bool isDirectIface(const Type *t) { return t->kind & KindDirectIface; }

} // namespace glrt

#endif // GLRT_TYPE_H
