//===- Types.h - GL types and named entities (objects) ---------------------===//
//
// The type checker's vocabulary, shared with irgen.
//
// Invariants:
//  - Types are interned by TypeContext: two types are identical (Go spec
//    "Type identity") iff their Type pointers are equal. Named types are
//    unique per declaration; composite types (slice, array, func, chan,
//    pointer, map, tuple) are uniqued structurally.
//  - A Named type's `underlying` is never a Named type once sema has
//    resolved it (nullptr only while its declaration is being checked).
//  - Untyped kinds (UntypedInt, ...) only appear on constant expressions and
//    on `nil`; sema converts every operand to a typed type at its use, so
//    irgen never sees an untyped type except for `nil` operands it can
//    treat as a zero value of the target type.
//===----------------------------------------------------------------------===//
#ifndef GLC_SEMA_TYPES_H
#define GLC_SEMA_TYPES_H

#include "parse/AST.h"
#include "sema/Constant.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Casting.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace glc {

enum class TypeKind {
  // Basic types (Go spec "Numeric types", "String types", "Boolean types")
  Bool,
  Int, Int8, Int16, Int32, Int64,
  Uint, Uint8, Uint16, Uint32, Uint64, Uintptr,
  Float32, Float64,
  Complex64, Complex128,
  String,
  UnsafePointer,
  // Untyped constant kinds
  UntypedBool, UntypedInt, UntypedRune, UntypedFloat, UntypedString, UntypedNil,
  // Composite
  Array, Slice, Func, Chan, Pointer, Map, Struct, Interface, Tuple,
  Named,
};

struct Type {
  const TypeKind kind;
  explicit Type(TypeKind k) : kind(k) {}
  virtual ~Type() = default;

  /// The underlying type (Go spec): itself, except for Named.
  Type *underlying();
  bool isNamed() const { return kind == TypeKind::Named; }
  // Predicates look through Named to the underlying type.
  bool isBasic();     // Bool..UnsafePointer or untyped
  bool isInteger();   // typed or untyped integer (incl. rune)
  bool isUnsigned();  // Uint..Uintptr
  bool isFloat();     // Float32/64 or UntypedFloat
  bool isComplex();
  bool isNumeric();
  bool isString();    // String or UntypedString
  bool isBoolean();
  bool isUntyped();   // Untyped*
  bool isOrdered();   // integers, floats, strings
  /// Size and alignment in bytes as irgen lays values out (int = 8).
  uint64_t size();
  uint64_t align();
};

/// Bool..UnsafePointer and the untyped kinds. `name` is Go's ("int",
/// "untyped int", "byte" is an alias of uint8 and prints as "uint8" like gc).
struct BasicType : Type {
  std::string name;
  BasicType(TypeKind k, std::string n) : Type(k), name(std::move(n)) {}
  static bool classof(const Type *t) { return t->kind <= TypeKind::UntypedNil; }
};

struct ArrayType : Type {
  Type *elem;
  int64_t len;
  ArrayType(Type *e, int64_t n) : Type(TypeKind::Array), elem(e), len(n) {}
  static bool classof(const Type *t) { return t->kind == TypeKind::Array; }
};

struct SliceType : Type {
  Type *elem;
  explicit SliceType(Type *e) : Type(TypeKind::Slice), elem(e) {}
  static bool classof(const Type *t) { return t->kind == TypeKind::Slice; }
};

struct PointerType : Type {
  Type *elem;
  explicit PointerType(Type *e) : Type(TypeKind::Pointer), elem(e) {}
  static bool classof(const Type *t) { return t->kind == TypeKind::Pointer; }
};

struct ChanType : Type {
  Type *elem;
  ChanDir dir;
  ChanType(Type *e, ChanDir d) : Type(TypeKind::Chan), elem(e), dir(d) {}
  static bool classof(const Type *t) { return t->kind == TypeKind::Chan; }
};

struct MapType : Type {
  Type *key, *value;
  MapType(Type *k, Type *v) : Type(TypeKind::Map), key(k), value(v) {}
  static bool classof(const Type *t) { return t->kind == TypeKind::Map; }
};

/// The result list of a multi-value call; also a func's params/results.
struct TupleType : Type {
  std::vector<Type *> elems;
  explicit TupleType(std::vector<Type *> e) : Type(TypeKind::Tuple), elems(std::move(e)) {}
  static bool classof(const Type *t) { return t->kind == TypeKind::Tuple; }
};

struct FuncType : Type {
  std::vector<Type *> params;  // the last is a SliceType if variadic
  std::vector<Type *> results;
  bool variadic = false;
  FuncType(std::vector<Type *> p, std::vector<Type *> r, bool v)
      : Type(TypeKind::Func), params(std::move(p)), results(std::move(r)), variadic(v) {}
  static bool classof(const Type *t) { return t->kind == TypeKind::Func; }
};

struct StructField {
  std::string name;
  Type *type;
  bool embedded = false;
};

struct StructType : Type {
  std::vector<StructField> fields;
  explicit StructType(std::vector<StructField> f) : Type(TypeKind::Struct), fields(std::move(f)) {}
  static bool classof(const Type *t) { return t->kind == TypeKind::Struct; }
};

struct InterfaceMethod {
  std::string name;
  FuncType *sig;
  /// For an unexported name, the path of the package whose source spelled
  /// the method ("" for main): Go's identifiers m of two packages are
  /// different methods (spec "Uniqueness of identifiers"), so an interface
  /// with an unexported method is implemented only by types with that
  /// package's m. Empty for exported names.
  std::string pkgPath;
};

/// Go's identifier rule (spec "Exported identifiers"): the first character
/// is a Unicode upper case letter (Lu).
bool isExportedName(llvm::StringRef name);

/// Go's order of methods in interfaces and method tables for glc: by name
/// (byte order), then, for two unexported names alike, by package path.
/// The run-time tables (typedesc.def) are sorted by it, so the itab walk
/// in glrt can match an interface's methods with a type's in one pass.
bool methodLess(llvm::StringRef aName, llvm::StringRef aPkg, llvm::StringRef bName,
                llvm::StringRef bPkg);

struct InterfaceType : Type {
  std::vector<InterfaceMethod> methods; // sorted by methodLess
  explicit InterfaceType(std::vector<InterfaceMethod> m)
      : Type(TypeKind::Interface), methods(std::move(m)) {}
  static bool classof(const Type *t) { return t->kind == TypeKind::Interface; }
};

struct Object;
struct NamedType : Type {
  Object *obj;                  // the TypeName object
  Type *under = nullptr;        // resolved underlying type
  /// Declared methods: Func objects whose funcDecl has a receiver (their
  /// `type` is the signature without the receiver), in declaration order.
  std::vector<Object *> methods;
  NamedType(Object *o) : Type(TypeKind::Named), obj(o) {}
  static bool classof(const Type *t) { return t->kind == TypeKind::Named; }
};

//===----------------------------------------------------------------------===//
// Field and method lookup, method sets (sema/Lookup.cpp; go/types
// LookupFieldOrMethod and MethodSet). Shared by sema (selectors, method
// expressions) and irgen (method values, wrappers, method tables).
//===----------------------------------------------------------------------===//

struct Object;
class TypeContext;

/// What x.name selects. `path` holds the indices of the struct fields
/// entered from x's struct type (after x's own implicit dereference) down
/// to the field, or to the embedded field whose type declares the method
/// (empty: the method is x's type's own).
struct Selection {
  enum Kind { None, Field, Method, Ambiguous } kind = None;
  std::vector<int> path;
  Type *type = nullptr;     // Field: its type
  Object *method = nullptr; // Method: a declared method (Object::funcDecl set)

  /// The path goes through a pointer: x itself (when lookupFieldOrMethod
  /// was given a pointer type) or an embedded *E. A pointer method is then
  /// callable whatever x's addressability.
  bool indirect = false;
};

/// Go's lookup of a field or method `name` in type T (spec "Selectors"):
/// breadth-first through embedded fields, depth by depth; two matches at
/// the shallowest depth are Ambiguous. If T is an unnamed pointer *B the
/// lookup is in B (indirect set); a named pointer type has no methods
/// (only its base's fields are found). Methods are found whatever their
/// receiver; the caller checks the method set (a pointer method needs
/// `indirect` or an addressable x). An unexported name matches only the
/// fields and methods of package `pkg` (go/types: sameId): another
/// package's unexported field or method m is a different identifier.
/// With foldCase, method names match up to case (gc's "have M(), want
/// m()" hint; fields never).
Selection lookupFieldOrMethod(TypeContext &tc, Type *T, llvm::StringRef name,
                              llvm::StringRef pkg, bool foldCase = false);
/// The lookup from the package being checked (TypeContext::currentPackage).
Selection lookupFieldOrMethod(TypeContext &tc, Type *T, llvm::StringRef name);

/// The package an unexported method belongs to: a declared method's, or
/// the interface literal's for an interface method ("" for main).
std::string methodPkg(Object *m);

/// One entry of a method set: the method, how the receiver is reached
/// from a value of the set's type (as Selection::path / indirect).
struct MethodSetEntry {
  Object *method;
  std::vector<int> path;
  bool indirect;
};

/// The method set of T (spec "Method sets"), sorted by methodLess (the
/// order of the run-time method tables): for a non-interface T, the value-receiver
/// methods of T and of the fields embedded in it, plus those reached
/// through embedded pointers with pointer receivers too; for *T every
/// method of T. Blank methods and ambiguous names are left out.
/// Method objects whose declaration sema has not reached yet may still
/// have a null `type` (irgen only sees complete ones).
std::vector<MethodSetEntry> methodSet(TypeContext &tc, Type *T);

/// The symbol prefix of o's package: "main" for package main's objects
/// (pkgPath ""), else the import path.
std::string symbolPackage(Object *o);

/// The Go symbol of method m declared on named type recvBase:
/// "main.T.M" or "main.(*T).M" (Object::ptrRecv).
std::string methodSymbol(Object *m);

/// Go's spelling of a type as gc prints it in diagnostics: "int",
/// "[]string", "func(int) (int, bool)", "chan<- int", "untyped int",
/// named types as "T" (package-qualified names omitted for main).
std::string typeString(Type *t);

//===----------------------------------------------------------------------===//
// Objects: what an identifier denotes (go/types Object).
//===----------------------------------------------------------------------===//

enum class ObjKind { Var, Const, TypeName, Func, Builtin, Package, Nil, Label };

enum class BuiltinId {
  None,
  // Universe builtins
  Append, Cap, Close, Complex, Copy, Delete, Imag, Len, Make, New, Panic,
  Print, Println, Real, Recover,
};

struct Object {
  ObjKind kind;
  std::string name;
  llvm::SMLoc pos;       // declaration position (invalid for universe/package objects)
  Type *type = nullptr;  // Var/Const/Func: its type; TypeName: the type it names
  /// Const: the value (typed or untyped per `type`).
  std::shared_ptr<ConstValue> constVal;
  BuiltinId builtin = BuiltinId::None; // Builtin (the universe's len, print, ...)
  bool isGlobal = false;   // package-level var/func/const/type
  bool isParam = false;    // parameter or named result
  /// Var: referenced from a function literal other than its owner; the
  /// owner must allocate it on the heap (closures capture by reference).
  bool captured = false;
  bool used = false;       // Var: read somewhere (for "declared and not used")
  bool ptrRecv = false;    // Func: a method with a pointer receiver (*T)
  /// Func, a method: the named type it is declared on (the receiver is
  /// recvNamed or *recvNamed, per ptrRecv); built-in stdlib methods too.
  NamedType *recvNamed = nullptr;
  /// Func: a method of an interface type (ifaceOwner's method number
  /// ifaceIndex, sorted order), as lookupFieldOrMethod returns it for a
  /// method promoted from an embedded interface field or for a method
  /// expression I.M (TypeContext::ifaceMethodObject). No funcDecl.
  InterfaceType *ifaceOwner = nullptr;
  int ifaceIndex = -1;
  FuncDecl *funcDecl = nullptr; // Func: its declaration
  FuncInfo *owner = nullptr;    // Var (local): the function that declares it
  ValueSpec *spec = nullptr;    // package-level Var/Const: its declaring spec
  /// Package: import path ("os"); package members, methods and types:
  /// their package's path ("" for package main).
  std::string pkgPath;
};

//===----------------------------------------------------------------------===//
// TypeContext: interns types, owns types and objects, holds the universe.
//===----------------------------------------------------------------------===//

class TypeContext {
public:
  TypeContext();

  BasicType *basic(TypeKind k); // Bool..UntypedNil
  Type *boolType() { return basic(TypeKind::Bool); }
  Type *intType() { return basic(TypeKind::Int); }
  Type *stringType() { return basic(TypeKind::String); }

  ArrayType *arrayOf(Type *elem, int64_t len);
  SliceType *sliceOf(Type *elem);
  PointerType *pointerTo(Type *elem);
  ChanType *chanOf(Type *elem, ChanDir dir);
  MapType *mapOf(Type *key, Type *value);
  TupleType *tupleOf(const std::vector<Type *> &elems);
  FuncType *funcOf(const std::vector<Type *> &params, const std::vector<Type *> &results,
                   bool variadic);
  StructType *structOf(const std::vector<StructField> &fields);
  InterfaceType *interfaceOf(const std::vector<InterfaceMethod> &methods);
  NamedType *newNamed(Object *typeName);

  Object *newObject(ObjKind k, std::string name, llvm::SMLoc pos, Type *type = nullptr);

  /// The universe scope's objects (int, true, nil, len, ...), by name.
  Object *lookupUniverse(llvm::StringRef name) const;
  /// Members of a checked package (stdlib/ or the module's), by name.
  /// Returns nullptr if the package or member does not exist.
  Object *lookupPackageMember(llvm::StringRef pkgPath, llvm::StringRef name);
  /// A package checked already (checkPackage publishes it): its members
  /// can be looked up.
  bool hasPackage(llvm::StringRef pkgPath) const;
  /// Every member of a package (any order).
  std::vector<Object *> packageMembers(llvm::StringRef pkgPath);
  /// The package clause's name of an imported package (default: the last
  /// element of its path).
  std::string packageName(llvm::StringRef pkgPath) const;
  void setPackageName(llvm::StringRef pkgPath, llvm::StringRef name);
  /// The package being type-checked (Object::pkgPath of its objects: ""
  /// for main). Its unexported fields are visible, other packages' are not;
  /// typeString leaves its types unqualified.
  void setCurrentPackage(llvm::StringRef pkgPath);
  const std::string &currentPackage() const;
  /// Adds a member to an importable package (checkPackage publishes every
  /// package-level object of a checked package).
  void addPackageMember(llvm::StringRef pkgPath, llvm::StringRef name, Object *o);
  /// The Func object standing for method k of interface type it (one per
  /// pair; Object::ifaceOwner/ifaceIndex set).
  Object *ifaceMethodObject(InterfaceType *it, int k);
private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
public:
  ~TypeContext();
};

/// The predeclared nil, possibly parenthesized. It needs name resolution
/// (a variable named nil is not it), so it lives here rather than with
/// the syntax-only helpers of parse/ASTUtil.h. After convertUntyped the
/// type of nil may already be the context's.
bool isNilExpr(const Expr *e);

} // namespace glc

#endif // GLC_SEMA_TYPES_H
