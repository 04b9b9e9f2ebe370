//===- error.cpp - the runtime's own types: error values, basic types -----===//
//
// Go's runtime/error.go: the values a runtime error panics with. Each is
// an interface value (Eface) whose dynamic type is one of the runtime's
// own named types, described by a hand-built descriptor of typedesc.def's
// layout with a method table, so that recover() returns something that
// satisfies `error` and `runtime.Error` exactly as in Go:
//   runtime.errorString  string   Error() = "runtime error: " + s
//                                 (divide, nil dereference, shift, makeslice)
//   runtime.plainError   string   Error() = s  (channel panics: Go's text
//                                 has no "runtime error: " prefix)
//   runtime.boundsError  struct   Error() = Go's boundsError text
//   *runtime.TypeAssertionError    Error() = "interface conversion: ..."
//                                 (iface.cpp formats it)
// and RuntimeError() on each. Method.ifn/tfn are C++ functions in generated
// code's calling convention: a null ctx word, then the interface's data
// word (here always a pointer to the boxed value), a string result in
// rax:rdx.
//
// Also the descriptors of the predeclared types the runtime boxes itself
// (string, int, ...: the legacy panic entry points of abi.def). They are
// defined under the symbols glc uses for its own descriptors ("type:" +
// the type's string, typedesc.def): glc emits those link-once, so the
// linker keeps one definition per program and pointer identity still means
// type identity, also for a value the runtime boxed.
//
// Invariants: every descriptor here is constant-initialised read-only
// data (no static constructors); hash is FNV-1a of the type string, as
// glc computes it.
//===----------------------------------------------------------------------===//
#include "defer.h"
#include "malloc.h"
#include "panic.h"
#include "print.h"
#include "type.h"

#include <string.h>

namespace glrt {
namespace {

constexpr uint32_t fnv1a(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; ++s) {
    h ^= uint8_t(*s);
    h *= 16777619u;
  }
  return h;
}
// A string literal as a GoString (constant-initialised: clang folds the
// cast into the relocation).
#define gostr(s) (GoString{(const uint8_t *)(s), intptr_t(sizeof(s) - 1)})

bool memequal8(const void *a, const void *b) { return memcmp(a, b, 8) == 0; }
bool memequal1(const void *a, const void *b) { return memcmp(a, b, 1) == 0; }
bool strequal(const void *a, const void *b) {
  auto *x = static_cast<const GoString *>(a);
  auto *y = static_cast<const GoString *>(b);
  return x->len == y->len && (x->len == 0 || memcmp(x->str, y->str, size_t(x->len)) == 0);
}
bool f64equal(const void *a, const void *b) {
  return *static_cast<const double *>(a) == *static_cast<const double *>(b);
}

const uint8_t ptrmask1[1] = {1};

// TFlagRegularMemory as glc sets it (IRGenTypeDesc.cpp): never for
// strings (their bytes are behind a pointer) or floats (NaN, -0).
constexpr uint8_t regularTFlag(uint8_t k) {
  return k == KindString || k == KindFloat32 || k == KindFloat64 ? 0 : TFlagRegularMemory;
}

#define basic(str, size, k, eq, ...)                                            \
  Type{size, (0, ##__VA_ARGS__) ? 8u : 0u, fnv1a(str), regularTFlag(k), uint8_t(size),     \
       uint8_t(size), uint8_t(k), eq, (0, ##__VA_ARGS__) ? ptrmask1 : nullptr, gostr(str),   \
       nullptr, nullptr}

// ---- the runtime's error types ----
struct boundsErr {
  int64_t x;
  int64_t y;
  bool xsigned;
  uint8_t code;
};

GoString errorStringError(void *, void *data) {
  auto *s = static_cast<const GoString *>(data);
  constexpr size_t kPrefix = sizeof("runtime error: ") - 1;
  auto *buf = static_cast<uint8_t *>(mallocnoscan(kPrefix + size_t(s->len)));
  memcpy(buf, "runtime error: ", kPrefix);
  if (s->len > 0)
    memcpy(buf + kPrefix, s->str, size_t(s->len));
  return GoString{buf, intptr_t(kPrefix) + s->len};
}
GoString plainErrorError(void *, void *data) { return *static_cast<const GoString *>(data); }
GoString boundsErrorError(void *, void *data) {
  auto *e = static_cast<const boundsErr *>(data);
  auto *buf = static_cast<char *>(mallocnoscan(160));
  size_t n = fmtboundserror(buf, e->x, e->y, e->code, e->xsigned);
  return GoString{reinterpret_cast<const uint8_t *>(buf), intptr_t(n)};
}
void runtimeErrorMethod(void *, void *) {}

bool boundsequal(const void *a, const void *b) {
  auto *x = static_cast<const boundsErr *>(a);
  auto *y = static_cast<const boundsErr *>(b);
  return x->x == y->x && x->y == y->y && x->xsigned == y->xsigned && x->code == y->code;
}

} // namespace

// Predeclared types (symbols shared with glc's descriptors).
const Type stringType = basic("string", 16, KindString, strequal, true);
const Type intType = basic("int", 8, KindInt, memequal8);
const Type int64Type = basic("int64", 8, KindInt64, memequal8);
const Type uintType = basic("uint", 8, KindUint, memequal8);
const Type uint64Type = basic("uint64", 8, KindUint64, memequal8);
const Type float64Type = basic("float64", 8, KindFloat64, f64equal);
const Type boolType = basic("bool", 1, KindBool, memequal1);

// func() string and func(): the methods' signatures.
struct FuncType1 {
  FuncType ft;
  const Type *out[1];
};
extern const FuncType1 funcStringType __asm__("type:func() string");
extern const FuncType funcVoidType __asm__("type:func()");
const FuncType1 funcStringType = {
    {{8, 8, fnv1a("func() string"), 0, 8, 8, uint8_t(KindFunc | KindDirectIface), nullptr,
      ptrmask1, gostr("func() string"), nullptr, nullptr},
     {nullptr, 0, 0},
     {const_cast<const Type **>(funcStringType.out), 1, 1},
     0},
    {&stringType}};
const FuncType funcVoidType = {{8, 8, fnv1a("func()"), 0, 8, 8,
                                uint8_t(KindFunc | KindDirectIface), nullptr, ptrmask1,
                                gostr("func()"), nullptr, nullptr},
                               {nullptr, 0, 0},
                               {nullptr, 0, 0},
                               0};

namespace {
struct NamedErrorType {
  Type t;
  UncommonType u;
  Method m[2];
};
#define GLRT_ERROR_METHODS(errorfn)                                                         \
  {{gostr("Error"), &funcStringType.ft, reinterpret_cast<const void *>(errorfn),           \
    reinterpret_cast<const void *>(errorfn)},                                               \
   {gostr("RuntimeError"), &funcVoidType, reinterpret_cast<const void *>(runtimeErrorMethod), \
    reinterpret_cast<const void *>(runtimeErrorMethod)}}
} // namespace

extern const NamedErrorType errorStringType __asm__("type:runtime.errorString");
extern const NamedErrorType plainErrorType __asm__("type:runtime.plainError");
extern const NamedErrorType boundsErrorType __asm__("type:runtime.boundsError");
const NamedErrorType errorStringType = {
    {16, 8, fnv1a("runtime.errorString"), TFlagUncommon | TFlagNamed, 8, 8,
     KindString, strequal, ptrmask1, gostr("runtime.errorString"), &errorStringType.u, nullptr},
    {gostr("runtime"), {const_cast<Method *>(errorStringType.m), 2, 2}},
    GLRT_ERROR_METHODS(errorStringError)};
const NamedErrorType plainErrorType = {
    {16, 8, fnv1a("runtime.plainError"), TFlagUncommon | TFlagNamed, 8, 8,
     KindString, strequal, ptrmask1, gostr("runtime.plainError"), &plainErrorType.u, nullptr},
    {gostr("runtime"), {const_cast<Method *>(plainErrorType.m), 2, 2}},
    GLRT_ERROR_METHODS(plainErrorError)};
const NamedErrorType boundsErrorType = {
    {24, 0, fnv1a("runtime.boundsError"), TFlagUncommon | TFlagNamed, 8, 8, KindStruct,
     boundsequal, nullptr, gostr("runtime.boundsError"), &boundsErrorType.u, nullptr},
    {gostr("runtime"), {const_cast<Method *>(boundsErrorType.m), 2, 2}},
    GLRT_ERROR_METHODS(boundsErrorError)};
static_assert(sizeof(boundsErr) == 24);

// *runtime.TypeAssertionError: the data word points to the message (Go's
// points to the struct its Error method formats; only the text is kept).
extern const NamedErrorType typeAssertionErrorType __asm__("type:*runtime.TypeAssertionError");
const NamedErrorType typeAssertionErrorType = {
    {8, 8, fnv1a("*runtime.TypeAssertionError"), TFlagUncommon, 8, 8,
     uint8_t(KindPointer | KindDirectIface), memequal8, ptrmask1,
     gostr("*runtime.TypeAssertionError"), &typeAssertionErrorType.u, nullptr},
    {gostr("runtime"), {const_cast<Method *>(typeAssertionErrorType.m), 2, 2}},
    GLRT_ERROR_METHODS(plainErrorError)};

namespace {
Eface boxstring(const Type *t, const char *msg) {
  auto *s = static_cast<GoString *>(mallocscan(sizeof(GoString)));
  *s = GoString{reinterpret_cast<const uint8_t *>(msg), intptr_t(strlen(msg))};
  return Eface{t, s};
}
bool streq(GoString s, const char *lit) {
  size_t n = strlen(lit);
  return size_t(s.len) == n && memcmp(s.str, lit, n) == 0;
}
} // namespace

Eface errorString(const char *msg) { return boxstring(&errorStringType.t, msg); }
Eface plainError(const char *msg) { return boxstring(&plainErrorType.t, msg); }
Eface plainError(GoString msg) {
  auto *s = static_cast<GoString *>(mallocgc(sizeof(GoString), &stringType, true));
  *s = msg;
  return Eface{&plainErrorType.t, s};
}
Eface typeAssertionError(const char *msg) {
  return boxstring(&typeAssertionErrorType.t, msg);
}
Eface boundsError(int64_t x, int64_t y, bool xsigned, uint8_t code) {
  auto *e = static_cast<boundsErr *>(mallocnoscan(sizeof(boundsErr)));
  *e = boundsErr{x, y, xsigned, code};
  return Eface{&boundsErrorType.t, e};
}

// Go's preprintpanics: `case error: v.Error()`, then `case stringer:
// v.String()`. A method qualifies by name and signature func() string.
bool isruntimeerror(const Type *t) {
  return t == &errorStringType.t || t == &plainErrorType.t || t == &boundsErrorType.t ||
         t == &typeAssertionErrorType.t;
}

bool needspreprint(const _panic *p) {
  for (; p; p = p->link) {
    const Type *t = p->arg.type;
    if (t && t->uncommon && !isruntimeerror(t))
      return true;
  }
  return false;
}

void printruntimeerror(Eface e) {
  if (e.type == &boundsErrorType.t) {
    auto *b = static_cast<const boundsErr *>(e.data);
    char buf[160];
    gwrite(buf, fmtboundserror(buf, b->x, b->y, b->code, b->xsigned));
    return;
  }
  if (e.type == &errorStringType.t)
    gwrites("runtime error: ");
  auto *s = static_cast<const GoString *>(e.data);
  gwrite(reinterpret_cast<const char *>(s->str), size_t(s->len));
}

bool errortext(Eface e, GoString *out) {
  // The runtime's own errors print on g0 (printruntimeerror): calling
  // their Error methods here would format and allocate on the goroutine's
  // stack, past StackNosplitBudget.
  if (!e.type || !e.type->uncommon || isruntimeerror(e.type))
    return false;
  const GoSlice<Method> &ms = e.type->uncommon->methods;
  for (const char *want : {"Error", "String"}) {
    for (intptr_t i = 0; i < ms.len; i++) {
      const Method &m = ms.array[i];
      if (!streq(m.name, want) || !m.mtyp || !m.ifn)
        continue;
      const FuncType *ft = m.mtyp;
      if (ft->in.len != 0 || ft->out.len != 1 || kindOf(ft->out.array[0]) != KindString)
        continue;
      auto fn = reinterpret_cast<GoString (*)(void *, void *)>(const_cast<void *>(m.ifn));
      *out = fn(nullptr, e.data);
      return true;
    }
  }
  return false;
}

} // namespace glrt
