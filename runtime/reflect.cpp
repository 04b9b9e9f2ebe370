//===- reflect.cpp - the run-time half of stdlib/reflect ------------------===//
//
// GL has no unsafe package, so stdlib/reflect's Value is (type descriptor,
// pointer to the value in memory, flags) and every operation that reads
// memory through a descriptor is a body-less GL function bound here
// (abi.def rows reflect_*; IRGenRuntimeBinding.cpp's naming rule). The
// descriptors are read-only (typedesc.def invariants); nothing here
// writes a Go value except the boxes it allocates.
//
// A Value's pointer always points at the value (never "is" it): ValueOf
// of a pointer-shaped value (KindDirectIface) boxes the data word in a new
// 8-byte object, so Elem/Index/Field are plain address arithmetic.
//
// Stack use: none of these call libc or take locks except through
// newobject/mapiterinit/mapiternext, which generated code calls directly
// too (stack.h's rule), so they run on the goroutine's stack.
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "malloc.h"
#include "map.h"
#include "type.h"

#include <string.h>

using namespace glrt;

extern "C" int64_t glrt_chanlen(void *c);
extern "C" int64_t glrt_chancap(void *c);

namespace {
const Type *T(void *t) { return static_cast<const Type *>(t); }

// The dynamic type and data word of an interface of static type t stored
// at p (an eface, or an iface whose itab holds the type).
glrt_eface ifaceAt(const Type *t, void *p) {
  auto *words = static_cast<void **>(p);
  auto *it = reinterpret_cast<const InterfaceType *>(t);
  if (it->methods.len == 0)
    return glrt_eface{words[0], words[1]};
  auto *tab = static_cast<const Itab *>(words[0]);
  return glrt_eface{tab ? const_cast<Type *>(tab->type) : nullptr, words[1]};
}
} // namespace

void *glrt_reflect_typeof(glrt_eface e) { return e.type; }

void *glrt_reflect_dataptr(glrt_eface e) {
  if (!e.type)
    return nullptr;
  if (!isDirectIface(T(e.type)))
    return e.data; // the box; never written (interface values are immutable)
  // The data word is a pointer (or a pointer-shaped value): scanned
  // conservatively, one word.
  auto **box = static_cast<void **>(mallocscan(sizeof(void *)));
  *box = e.data;
  return box;
}

int64_t glrt_reflect_kind(void *t) { return kindOf(T(t)); }

glrt_pair glrt_reflect_typestring(void *t) {
  return glrt_pair{const_cast<uint8_t *>(T(t)->str.str), T(t)->str.len};
}

int64_t glrt_reflect_size(void *t) { return int64_t(T(t)->size); }

int64_t glrt_reflect_named(void *t) { return (T(t)->tflag & TFlagNamed) != 0; }

void *glrt_reflect_elem(void *t) {
  switch (kindOf(T(t))) {
  case KindArray: return const_cast<Type *>(static_cast<const ArrayType *>(t)->elem);
  case KindChan: return const_cast<Type *>(static_cast<const ChanType *>(t)->elem);
  case KindMap: return const_cast<Type *>(static_cast<const MapType *>(t)->elem);
  case KindPointer: return const_cast<Type *>(static_cast<const PtrType *>(t)->elem);
  case KindSlice: return const_cast<Type *>(static_cast<const SliceType *>(t)->elem);
  }
  return nullptr;
}

void *glrt_reflect_key(void *t) {
  if (kindOf(T(t)) != KindMap)
    return nullptr;
  return const_cast<Type *>(static_cast<const MapType *>(t)->key);
}

int64_t glrt_reflect_len(void *t, void *p) {
  switch (kindOf(T(t))) {
  case KindArray: return int64_t(static_cast<const ArrayType *>(t)->len);
  case KindSlice:
  case KindString: return static_cast<int64_t *>(p)[1];
  case KindMap: {
    auto *h = *static_cast<hmap **>(p);
    return h ? h->count : 0;
  }
  case KindChan: return glrt_chanlen(*static_cast<void **>(p));
  }
  return 0;
}

int64_t glrt_reflect_cap(void *t, void *p) {
  switch (kindOf(T(t))) {
  case KindArray: return int64_t(static_cast<const ArrayType *>(t)->len);
  case KindSlice: return static_cast<int64_t *>(p)[2];
  case KindChan: return glrt_chancap(*static_cast<void **>(p));
  }
  return 0;
}

// The address of element i (in range: the GL side checks) of the array or
// slice of type t at p.
void *glrt_reflect_index(void *t, void *p, int64_t i) {
  if (kindOf(T(t)) == KindArray) {
    auto *at = static_cast<const ArrayType *>(t);
    return static_cast<char *>(p) + i * int64_t(at->elem->size);
  }
  auto *st = static_cast<const SliceType *>(t);
  return *static_cast<char **>(p) + i * int64_t(st->elem->size);
}

int64_t glrt_reflect_numfield(void *t) {
  if (kindOf(T(t)) != KindStruct)
    return 0;
  return static_cast<const StructType *>(t)->fields.len;
}

static const StructField &field(void *t, int64_t i) {
  return static_cast<const StructType *>(t)->fields.array[i];
}
glrt_pair glrt_reflect_fieldname(void *t, int64_t i) {
  auto &f = field(t, i);
  return glrt_pair{const_cast<uint8_t *>(f.name.str), f.name.len};
}
void *glrt_reflect_fieldtype(void *t, int64_t i) { return const_cast<Type *>(field(t, i).typ); }
int64_t glrt_reflect_fieldoffset(void *t, int64_t i) { return int64_t(field(t, i).offset); }
int64_t glrt_reflect_fieldembedded(void *t, int64_t i) { return int64_t(field(t, i).embedded); }

int64_t glrt_reflect_int(void *t, void *p) {
  switch (T(t)->size) {
  case 1: return *static_cast<int8_t *>(p);
  case 2: return *static_cast<int16_t *>(p);
  case 4: return *static_cast<int32_t *>(p);
  }
  return *static_cast<int64_t *>(p);
}

int64_t glrt_reflect_uint(void *t, void *p) {
  switch (T(t)->size) {
  case 1: return *static_cast<uint8_t *>(p);
  case 2: return *static_cast<uint16_t *>(p);
  case 4: return *static_cast<uint32_t *>(p);
  }
  return *static_cast<int64_t *>(p);
}

double glrt_reflect_float(void *t, void *p) {
  if (T(t)->size == 4)
    return *static_cast<float *>(p);
  return *static_cast<double *>(p);
}

// A float32 value's widening is exact; the GL side formats it with
// bitSize 32, which needs to know it came from a float32.
uint8_t glrt_reflect_bool(void *p) { return *static_cast<uint8_t *>(p) != 0; }

glrt_pair glrt_reflect_string(void *p) { return *static_cast<glrt_pair *>(p); }

// The word at p: a pointer, map, chan, func value or unsafe.Pointer, or a
// slice's array pointer.
int64_t glrt_reflect_word(void *p) { return *static_cast<int64_t *>(p); }

// The interface's first word is null (a nil interface).
uint8_t glrt_reflect_ifacenil(void *p) { return *static_cast<void **>(p) == nullptr; }

// Value.Interface: the value of type t at p as an interface{} holding a
// copy (Go's packEface). An interface-typed value yields what it holds.
glrt_eface glrt_reflect_packeface(void *t, void *p) {
  const Type *tt = T(t);
  if (kindOf(tt) == KindInterface)
    return ifaceAt(tt, p);
  if (isDirectIface(tt))
    return glrt_eface{t, *static_cast<void **>(p)};
  void *box = mallocgc(tt->size, tt, false); // every byte copied below
  memcpy(box, p, tt->size);
  return glrt_eface{t, box};
}

// Map iteration for Value.MapRange / MapKeys: an iterator on the heap over
// the map of type t at p (a nil map is an empty one). key/elem point into
// the map's buckets; the GL side copies what it keeps.
void *glrt_reflect_mapiterinit(void *t, void *p) {
  // hiter holds pointers into the map (no descriptor of its own).
  auto *it = static_cast<hiter *>(mallocscan(sizeof(hiter)));
  auto *h = *static_cast<hmap **>(p);
  mapiterinit(static_cast<const MapType *>(t), h, it);
  return it;
}
void *glrt_reflect_mapiterkey(void *it) { return static_cast<hiter *>(it)->key; }
void *glrt_reflect_mapiterelem(void *it) { return static_cast<hiter *>(it)->elem; }
void glrt_reflect_mapiternext(void *it) { mapiternext(static_cast<hiter *>(it)); }

// A copy of the size bytes at p in a new object (Value copies of map
// entries, which may move when the map grows).
void *glrt_reflect_copy(void *t, void *p) {
  const Type *tt = T(t);
  void *box = mallocgc(tt->size, tt, false); // size 0: zerobase
  memcpy(box, p, tt->size);
  return box;
}

// Address arithmetic the GL side cannot write: p + off, and *p as an
// address (Value.Elem of a pointer).
void *glrt_reflect_offset(void *p, int64_t off) { return static_cast<char *>(p) + off; }
void *glrt_reflect_derefcell(void *p) { return *static_cast<void **>(p); }
