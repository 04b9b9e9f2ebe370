//===- Types.cpp - type interning, predicates, the universe -----------------===//
//
// TypeContext owns every Type and Object of a compilation. Composite types
// are interned structurally (a map from their components to the unique
// instance), so type identity is pointer equality, as Types.h promises.
// Named types are never interned: each `type T ...` declaration makes one.
//
// The universe scope (int, true, nil, len, ...) and the members of the two
// importable packages ("os", "runtime") are built once in the constructor.
// `byte` and `rune` are the same objects' types as uint8 and int32 (aliases),
// so they print as "uint8"/"int32" (gc would say "byte" where the source
// said byte; a documented difference).
//
// This file does not check anything: see Checker.cpp.
//===----------------------------------------------------------------------===//
#include "sema/Types.h"

#include "parse/ASTUtil.h"

#include "llvm/ADT/StringMap.h"

#include <map>
#include <tuple>

using namespace glc;

//===----------------------------------------------------------------------===//
// Type predicates
//===----------------------------------------------------------------------===//

Type *Type::underlying() {
  Type *t = this;
  // A chain of named types always ends at a non-named type once resolved.
  while (auto *n = llvm::dyn_cast<NamedType>(t)) {
    if (!n->under)
      return t;
    t = n->under;
  }
  return t;
}

static TypeKind ukind(Type *t) { return t->underlying()->kind; }

bool Type::isBasic() { return ukind(this) <= TypeKind::UntypedNil; }
bool Type::isInteger() {
  TypeKind k = ukind(this);
  return (k >= TypeKind::Int && k <= TypeKind::Uintptr) || k == TypeKind::UntypedInt ||
         k == TypeKind::UntypedRune;
}
bool Type::isUnsigned() {
  TypeKind k = ukind(this);
  return k >= TypeKind::Uint && k <= TypeKind::Uintptr;
}
bool Type::isFloat() {
  TypeKind k = ukind(this);
  return k == TypeKind::Float32 || k == TypeKind::Float64 || k == TypeKind::UntypedFloat;
}
bool Type::isComplex() {
  TypeKind k = ukind(this);
  return k == TypeKind::Complex64 || k == TypeKind::Complex128;
}
bool Type::isNumeric() { return isInteger() || isFloat() || isComplex(); }
bool Type::isString() {
  TypeKind k = ukind(this);
  return k == TypeKind::String || k == TypeKind::UntypedString;
}
bool Type::isBoolean() {
  TypeKind k = ukind(this);
  return k == TypeKind::Bool || k == TypeKind::UntypedBool;
}
bool Type::isUntyped() {
  return kind >= TypeKind::UntypedBool && kind <= TypeKind::UntypedNil;
}
bool Type::isOrdered() { return isInteger() || isFloat() || isString(); }

uint64_t Type::size() {
  Type *u = underlying();
  switch (u->kind) {
  case TypeKind::Bool:
  case TypeKind::Int8:
  case TypeKind::Uint8:
  case TypeKind::UntypedBool:
    return 1;
  case TypeKind::Int16:
  case TypeKind::Uint16:
    return 2;
  case TypeKind::Int32:
  case TypeKind::Uint32:
  case TypeKind::Float32:
  case TypeKind::UntypedRune:
    return 4;
  case TypeKind::Int:
  case TypeKind::Int64:
  case TypeKind::Uint:
  case TypeKind::Uint64:
  case TypeKind::Uintptr:
  case TypeKind::Float64:
  case TypeKind::Complex64:
  case TypeKind::UnsafePointer:
  case TypeKind::UntypedInt:
  case TypeKind::UntypedFloat:
  case TypeKind::UntypedNil:
  case TypeKind::Pointer:
  case TypeKind::Chan:
  case TypeKind::Map:
  case TypeKind::Func: // a pointer to a closure object
    return 8;
  case TypeKind::Complex128:
  case TypeKind::String:
  case TypeKind::UntypedString:
  case TypeKind::Interface:
    return 16;
  case TypeKind::Slice:
    return 24;
  case TypeKind::Array: {
    auto *a = llvm::cast<ArrayType>(u);
    return a->elem->size() * (uint64_t)a->len;
  }
  case TypeKind::Struct: {
    uint64_t off = 0, maxAlign = 1;
    for (auto &f : llvm::cast<StructType>(u)->fields) {
      uint64_t al = f.type->align();
      off = (off + al - 1) / al * al + f.type->size();
      maxAlign = std::max(maxAlign, al);
    }
    return (off + maxAlign - 1) / maxAlign * maxAlign;
  }
  case TypeKind::Tuple: {
    uint64_t off = 0;
    for (Type *e : llvm::cast<TupleType>(u)->elems) {
      uint64_t al = e->align();
      off = (off + al - 1) / al * al + e->size();
    }
    return off;
  }
  case TypeKind::Named:
    return 0; // unresolved
  }
  return 0;
}

uint64_t Type::align() {
  Type *u = underlying();
  switch (u->kind) {
  case TypeKind::Array:
    return llvm::cast<ArrayType>(u)->elem->align();
  case TypeKind::Struct: {
    uint64_t a = 1;
    for (auto &f : llvm::cast<StructType>(u)->fields)
      a = std::max(a, f.type->align());
    return a;
  }
  case TypeKind::Complex64:
    return 4;
  case TypeKind::Complex128:
  case TypeKind::String:
  case TypeKind::UntypedString:
  case TypeKind::Slice:
  case TypeKind::Interface:
  case TypeKind::Tuple:
    return 8;
  default: {
    uint64_t s = u->size();
    return s == 0 ? 1 : s;
  }
  }
}

//===----------------------------------------------------------------------===//
// typeString
//===----------------------------------------------------------------------===//

// The package sema is checking, for typeString and field visibility. One
// compilation checks one package at a time, on one thread.
static std::string gCurrentPackage;
static llvm::StringMap<std::string> gPackageNames;

static void writeType(std::string &out, Type *t);

static void writeTypeList(std::string &out, const std::vector<Type *> &ts, bool variadic) {
  for (size_t i = 0; i < ts.size(); ++i) {
    if (i)
      out += ", ";
    if (variadic && i + 1 == ts.size()) {
      out += "...";
      if (auto *s = llvm::dyn_cast<SliceType>(ts[i])) {
        writeType(out, s->elem);
        continue;
      }
    }
    writeType(out, ts[i]);
  }
}

static void writeSignature(std::string &out, FuncType *f) {
  out += "(";
  writeTypeList(out, f->params, f->variadic);
  out += ")";
  if (f->results.empty())
    return;
  out += " ";
  if (f->results.size() == 1) {
    writeType(out, f->results[0]);
    return;
  }
  out += "(";
  writeTypeList(out, f->results, false);
  out += ")";
}

static void writeType(std::string &out, Type *t) {
  if (!t) {
    out += "invalid type";
    return;
  }
  switch (t->kind) {
  case TypeKind::Array: {
    auto *a = llvm::cast<ArrayType>(t);
    out += "[" + std::to_string(a->len) + "]";
    writeType(out, a->elem);
    return;
  }
  case TypeKind::Slice:
    out += "[]";
    writeType(out, llvm::cast<SliceType>(t)->elem);
    return;
  case TypeKind::Pointer:
    out += "*";
    writeType(out, llvm::cast<PointerType>(t)->elem);
    return;
  case TypeKind::Chan: {
    auto *c = llvm::cast<ChanType>(t);
    bool paren = false;
    switch (c->dir) {
    case ChanDir::Both:
      out += "chan ";
      // chan (<-chan T) needs parentheses.
      if (auto *inner = llvm::dyn_cast<ChanType>(c->elem))
        paren = inner->dir == ChanDir::Recv;
      break;
    case ChanDir::Send:
      out += "chan<- ";
      break;
    case ChanDir::Recv:
      out += "<-chan ";
      break;
    }
    if (paren)
      out += "(";
    writeType(out, c->elem);
    if (paren)
      out += ")";
    return;
  }
  case TypeKind::Map: {
    auto *m = llvm::cast<MapType>(t);
    out += "map[";
    writeType(out, m->key);
    out += "]";
    writeType(out, m->value);
    return;
  }
  case TypeKind::Func:
    out += "func";
    writeSignature(out, llvm::cast<FuncType>(t));
    return;
  case TypeKind::Tuple:
    out += "(";
    writeTypeList(out, llvm::cast<TupleType>(t)->elems, false);
    out += ")";
    return;
  case TypeKind::Struct: {
    out += "struct{";
    auto &fs = llvm::cast<StructType>(t)->fields;
    for (size_t i = 0; i < fs.size(); ++i) {
      if (i)
        out += "; ";
      if (!fs[i].embedded)
        out += fs[i].name + " ";
      writeType(out, fs[i].type);
    }
    out += "}";
    return;
  }
  case TypeKind::Interface: {
    auto &ms = llvm::cast<InterfaceType>(t)->methods;
    if (ms.empty()) {
      out += "interface{}";
      return;
    }
    out += "interface{";
    for (size_t i = 0; i < ms.size(); ++i) {
      if (i)
        out += "; ";
      out += ms[i].name;
      writeSignature(out, ms[i].sig);
    }
    out += "}";
    return;
  }
  case TypeKind::Named:
    if (auto *o = llvm::cast<NamedType>(t)->obj;
        !o->pkgPath.empty() && o->pkgPath != gCurrentPackage) {
      auto it = gPackageNames.find(o->pkgPath);
      out += (it != gPackageNames.end() ? it->second
                                         : o->pkgPath.substr(o->pkgPath.rfind('/') + 1)) +
             ".";
    }
    out += llvm::cast<NamedType>(t)->obj->name;
    return;
  default:
    out += llvm::cast<BasicType>(t)->name;
    return;
  }
}

std::string glc::typeString(Type *t) {
  std::string s;
  writeType(s, t);
  return s;
}

//===----------------------------------------------------------------------===//
// TypeContext
//===----------------------------------------------------------------------===//

struct TypeContext::Impl {
  std::vector<std::unique_ptr<Type>> types;
  std::vector<std::unique_ptr<Object>> objects;
  BasicType *basics[(int)TypeKind::UntypedNil + 1] = {};

  std::map<std::pair<Type *, int64_t>, ArrayType *> arrays;
  std::map<Type *, SliceType *> slices;
  std::map<Type *, PointerType *> pointers;
  std::map<std::pair<Type *, int>, ChanType *> chans;
  std::map<std::pair<Type *, Type *>, MapType *> maps;
  std::map<std::vector<Type *>, TupleType *> tuples;
  std::map<std::tuple<std::vector<Type *>, std::vector<Type *>, bool>, FuncType *> funcs;
  std::vector<StructType *> structs;
  std::vector<InterfaceType *> interfaces;
  std::map<std::pair<InterfaceType *, int>, Object *> ifaceMethods;

  llvm::StringMap<Object *> universe;
  llvm::StringMap<llvm::StringMap<Object *>> packages;

  template <typename T, typename... A> T *make(A &&...a) {
    auto p = std::make_unique<T>(std::forward<A>(a)...);
    T *raw = p.get();
    types.push_back(std::move(p));
    return raw;
  }
};

TypeContext::~TypeContext() = default;

BasicType *TypeContext::basic(TypeKind k) { return impl_->basics[(int)k]; }

ArrayType *TypeContext::arrayOf(Type *elem, int64_t len) {
  auto &slot = impl_->arrays[{elem, len}];
  if (!slot)
    slot = impl_->make<ArrayType>(elem, len);
  return slot;
}

SliceType *TypeContext::sliceOf(Type *elem) {
  auto &slot = impl_->slices[elem];
  if (!slot)
    slot = impl_->make<SliceType>(elem);
  return slot;
}

PointerType *TypeContext::pointerTo(Type *elem) {
  auto &slot = impl_->pointers[elem];
  if (!slot)
    slot = impl_->make<PointerType>(elem);
  return slot;
}

ChanType *TypeContext::chanOf(Type *elem, ChanDir dir) {
  auto &slot = impl_->chans[{elem, (int)dir}];
  if (!slot)
    slot = impl_->make<ChanType>(elem, dir);
  return slot;
}

MapType *TypeContext::mapOf(Type *key, Type *value) {
  auto &slot = impl_->maps[{key, value}];
  if (!slot)
    slot = impl_->make<MapType>(key, value);
  return slot;
}

TupleType *TypeContext::tupleOf(const std::vector<Type *> &elems) {
  auto &slot = impl_->tuples[elems];
  if (!slot)
    slot = impl_->make<TupleType>(elems);
  return slot;
}

FuncType *TypeContext::funcOf(const std::vector<Type *> &params,
                              const std::vector<Type *> &results, bool variadic) {
  auto &slot = impl_->funcs[{params, results, variadic}];
  if (!slot)
    slot = impl_->make<FuncType>(params, results, variadic);
  return slot;
}

StructType *TypeContext::structOf(const std::vector<StructField> &fields) {
  for (StructType *s : impl_->structs) {
    if (s->fields.size() != fields.size())
      continue;
    bool same = true;
    for (size_t i = 0; i < fields.size() && same; ++i)
      same = s->fields[i].name == fields[i].name && s->fields[i].type == fields[i].type &&
             s->fields[i].embedded == fields[i].embedded;
    if (same)
      return s;
  }
  auto *s = impl_->make<StructType>(fields);
  impl_->structs.push_back(s);
  return s;
}

InterfaceType *TypeContext::interfaceOf(const std::vector<InterfaceMethod> &methods) {
  for (InterfaceType *it : impl_->interfaces) {
    if (it->methods.size() != methods.size())
      continue;
    bool same = true;
    for (size_t i = 0; i < methods.size() && same; ++i)
      same = it->methods[i].name == methods[i].name && it->methods[i].sig == methods[i].sig &&
             it->methods[i].pkgPath == methods[i].pkgPath;
    if (same)
      return it;
  }
  auto *it = impl_->make<InterfaceType>(methods);
  impl_->interfaces.push_back(it);
  return it;
}

NamedType *TypeContext::newNamed(Object *typeName) { return impl_->make<NamedType>(typeName); }

Object *TypeContext::newObject(ObjKind k, std::string name, llvm::SMLoc pos, Type *type) {
  auto o = std::make_unique<Object>();
  o->kind = k;
  o->name = std::move(name);
  o->pos = pos;
  o->type = type;
  Object *raw = o.get();
  impl_->objects.push_back(std::move(o));
  return raw;
}

Object *TypeContext::lookupUniverse(llvm::StringRef name) const {
  auto it = impl_->universe.find(name);
  return it == impl_->universe.end() ? nullptr : it->second;
}

void TypeContext::setCurrentPackage(llvm::StringRef pkgPath) { gCurrentPackage = pkgPath.str(); }
const std::string &TypeContext::currentPackage() const { return gCurrentPackage; }

bool TypeContext::hasPackage(llvm::StringRef pkgPath) const {
  return impl_->packages.count(pkgPath);
}

std::string TypeContext::packageName(llvm::StringRef pkgPath) const {
  auto it = gPackageNames.find(pkgPath);
  if (it != gPackageNames.end())
    return it->second;
  return pkgPath.substr(pkgPath.rfind('/') + 1).str();
}

void TypeContext::setPackageName(llvm::StringRef pkgPath, llvm::StringRef name) {
  gPackageNames[pkgPath] = name.str();
  impl_->packages[pkgPath]; // known, even without members
}

std::vector<Object *> TypeContext::packageMembers(llvm::StringRef pkgPath) {
  std::vector<Object *> out;
  auto pit = impl_->packages.find(pkgPath);
  if (pit != impl_->packages.end())
    for (auto &kv : pit->second)
      out.push_back(kv.getValue());
  return out;
}

void TypeContext::addPackageMember(llvm::StringRef pkgPath, llvm::StringRef name, Object *o) {
  impl_->packages[pkgPath.str()][name.str()] = o;
}

Object *TypeContext::lookupPackageMember(llvm::StringRef pkgPath, llvm::StringRef name) {
  auto pit = impl_->packages.find(pkgPath);
  if (pit == impl_->packages.end())
    return nullptr;
  auto it = pit->second.find(name);
  return it == pit->second.end() ? nullptr : it->second;
}

Object *TypeContext::ifaceMethodObject(InterfaceType *it, int k) {
  Object *&o = impl_->ifaceMethods[{it, k}];
  if (!o) {
    o = newObject(ObjKind::Func, it->methods[k].name, llvm::SMLoc(), it->methods[k].sig);
    o->ifaceOwner = it;
    o->ifaceIndex = k;
    o->pkgPath = it->methods[k].pkgPath;
  }
  return o;
}

TypeContext::TypeContext() : impl_(std::make_unique<Impl>()) {
  static const struct {
    TypeKind k;
    const char *name;
  } basics[] = {
      {TypeKind::Bool, "bool"},         {TypeKind::Int, "int"},
      {TypeKind::Int8, "int8"},         {TypeKind::Int16, "int16"},
      {TypeKind::Int32, "int32"},       {TypeKind::Int64, "int64"},
      {TypeKind::Uint, "uint"},         {TypeKind::Uint8, "uint8"},
      {TypeKind::Uint16, "uint16"},     {TypeKind::Uint32, "uint32"},
      {TypeKind::Uint64, "uint64"},     {TypeKind::Uintptr, "uintptr"},
      {TypeKind::Float32, "float32"},   {TypeKind::Float64, "float64"},
      {TypeKind::Complex64, "complex64"}, {TypeKind::Complex128, "complex128"},
      {TypeKind::String, "string"},     {TypeKind::UnsafePointer, "unsafe.Pointer"},
      {TypeKind::UntypedBool, "untyped bool"},   {TypeKind::UntypedInt, "untyped int"},
      {TypeKind::UntypedRune, "untyped rune"},   {TypeKind::UntypedFloat, "untyped float"},
      {TypeKind::UntypedString, "untyped string"}, {TypeKind::UntypedNil, "untyped nil"},
  };
  for (auto &b : basics)
    impl_->basics[(int)b.k] = impl_->make<BasicType>(b.k, b.name);

  auto &u = impl_->universe;
  auto addType = [&](const char *name, Type *t) {
    u[name] = newObject(ObjKind::TypeName, name, llvm::SMLoc(), t);
  };
  for (auto &b : basics)
    if (b.k < TypeKind::UnsafePointer)
      addType(b.name, basic(b.k));
  addType("byte", basic(TypeKind::Uint8));
  addType("rune", basic(TypeKind::Int32));
  // error is a defined type: type error interface { Error() string }.
  {
    Object *o = newObject(ObjKind::TypeName, "error", llvm::SMLoc());
    NamedType *n = newNamed(o);
    n->under = interfaceOf({InterfaceMethod{"Error", funcOf({}, {basic(TypeKind::String)}, false)}});
    o->type = n;
    u["error"] = o;
  }
  addType("any", interfaceOf({}));

  auto addConst = [&](const char *name, ConstValue v, TypeKind k) {
    Object *o = newObject(ObjKind::Const, name, llvm::SMLoc(), basic(k));
    o->constVal = std::make_shared<ConstValue>(std::move(v));
    u[name] = o;
  };
  addConst("true", ConstValue::makeBool(true), TypeKind::UntypedBool);
  addConst("false", ConstValue::makeBool(false), TypeKind::UntypedBool);
  addConst("iota", ConstValue::makeInt(0), TypeKind::UntypedInt);
  u["nil"] = newObject(ObjKind::Nil, "nil", llvm::SMLoc(), basic(TypeKind::UntypedNil));

  static const struct {
    BuiltinId id;
    const char *name;
  } builtins[] = {
      {BuiltinId::Append, "append"}, {BuiltinId::Cap, "cap"},
      {BuiltinId::Close, "close"},   {BuiltinId::Complex, "complex"},
      {BuiltinId::Copy, "copy"},     {BuiltinId::Delete, "delete"},
      {BuiltinId::Imag, "imag"},     {BuiltinId::Len, "len"},
      {BuiltinId::Make, "make"},     {BuiltinId::New, "new"},
      {BuiltinId::Panic, "panic"},   {BuiltinId::Print, "print"},
      {BuiltinId::Println, "println"}, {BuiltinId::Real, "real"},
      {BuiltinId::Recover, "recover"},
  };
  for (auto &b : builtins) {
    Object *o = newObject(ObjKind::Builtin, b.name, llvm::SMLoc());
    o->builtin = b.id;
    u[b.name] = o;
  }

}

bool glc::isNilExpr(const Expr *e) {
  e = unparen(e);
  if (!e)
    return false;
  if (e->type && e->type->kind == TypeKind::UntypedNil)
    return true;
  auto *id = llvm::dyn_cast<Ident>(e);
  return id && id->obj && id->obj->kind == ObjKind::Nil;
}
