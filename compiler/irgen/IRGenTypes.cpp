//===- IRGenTypes.cpp - Go types to LLVM types -----------------------------===//
//
// The layout rules of IRGen.h: named types lower to their underlying type,
// bool is i1, int is i64, strings and slices are literal structs of words,
// func values are one pointer. Sizes come from the module's DataLayout (not
// from sema's Type::size) so that what irgen allocates is exactly what it
// loads and stores. Untyped kinds only reach here for constants whose type
// sema left untyped; they get Go's default types (int, float64, string...).
//===----------------------------------------------------------------------===//
#include "irgen/IRGenImpl.h"

using namespace llvm;

namespace glc {

Type *IRGen::under(Type *t) {
  while (auto *n = dyn_cast_or_null<NamedType>(t))
    t = n->under;
  return t;
}

bool IRGen::isSigned(Type *t) {
  switch (ukind(t)) {
  case TypeKind::Int: case TypeKind::Int8: case TypeKind::Int16: case TypeKind::Int32:
  case TypeKind::Int64: case TypeKind::UntypedInt: case TypeKind::UntypedRune:
    return true;
  default:
    return false;
  }
}

bool IRGen::isUnsignedInt(Type *t) {
  switch (ukind(t)) {
  case TypeKind::Uint: case TypeKind::Uint8: case TypeKind::Uint16: case TypeKind::Uint32:
  case TypeKind::Uint64: case TypeKind::Uintptr:
    return true;
  default:
    return false;
  }
}

bool IRGen::isIntegerT(Type *t) { return isSigned(t) || isUnsignedInt(t); }

bool IRGen::isFloatT(Type *t) {
  TypeKind k = ukind(t);
  return k == TypeKind::Float32 || k == TypeKind::Float64 || k == TypeKind::UntypedFloat;
}

bool IRGen::isStringT(Type *t) {
  TypeKind k = ukind(t);
  return k == TypeKind::String || k == TypeKind::UntypedString;
}

bool IRGen::isBoolT(Type *t) {
  TypeKind k = ukind(t);
  return k == TypeKind::Bool || k == TypeKind::UntypedBool;
}

unsigned IRGen::intBits(Type *t) {
  switch (ukind(t)) {
  case TypeKind::Int8: case TypeKind::Uint8: return 8;
  case TypeKind::Int16: case TypeKind::Uint16: return 16;
  case TypeKind::Int32: case TypeKind::Uint32: case TypeKind::UntypedRune: return 32;
  default: return 64;
  }
}

llvm::Type *IRGen::llType(Type *t) {
  t = under(t);
  if (!t)
    return i64;
  switch (t->kind) {
  case TypeKind::Bool: case TypeKind::UntypedBool:
    return i1;
  case TypeKind::Int8: case TypeKind::Uint8:
    return i8;
  case TypeKind::Int16: case TypeKind::Uint16:
    return llvm::Type::getInt16Ty(C);
  case TypeKind::Int32: case TypeKind::Uint32: case TypeKind::UntypedRune:
    return i32;
  case TypeKind::Int: case TypeKind::Int64: case TypeKind::Uint: case TypeKind::Uint64:
  case TypeKind::Uintptr: case TypeKind::UntypedInt:
    return i64;
  case TypeKind::Float32:
    return f32;
  case TypeKind::Float64: case TypeKind::UntypedFloat:
    return f64;
  case TypeKind::String: case TypeKind::UntypedString:
    return strTy;
  case TypeKind::Slice:
    return sliceTy;
  case TypeKind::Array: {
    auto *a = cast<ArrayType>(t);
    return llvm::ArrayType::get(llType(a->elem), a->len);
  }
  case TypeKind::Tuple: {
    std::vector<llvm::Type *> elems;
    for (Type *e : cast<TupleType>(t)->elems)
      elems.push_back(llType(e));
    return llvm::StructType::get(C, elems);
  }
  case TypeKind::Struct: {
    std::vector<llvm::Type *> elems;
    for (auto &f : cast<glc::StructType>(t)->fields)
      elems.push_back(llType(f.type));
    return llvm::StructType::get(C, elems);
  }
  case TypeKind::Complex64:
    return llvm::StructType::get(C, {f32, f32});
  case TypeKind::Complex128:
    return llvm::StructType::get(C, {f64, f64});
  case TypeKind::Interface:
    return llvm::StructType::get(C, {ptrTy, ptrTy});
  default: // func, pointer, chan, map, unsafe.Pointer, nil
    return ptrTy;
  }
}

uint64_t IRGen::sizeOf(Type *t) { return DL.getTypeAllocSize(llType(t)); }

Constant *IRGen::zeroValue(Type *t) { return Constant::getNullValue(llType(t)); }

std::string IRGen::goTypeName(Type *t) {
  if (auto *n = dyn_cast_or_null<NamedType>(t))
    return (n->obj->pkgPath.empty() ? "main" : types.packageName(n->obj->pkgPath)) + "." +
           n->obj->name;
  return "";
}

} // namespace glc
