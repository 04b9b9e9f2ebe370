//===- IRGenImpl.h - irgen's internal state (not a public interface) -------===//
//
// The IRGen class holds the module-wide state (runtime declarations, global
// variables, function declarations, string constants) and, while a function
// body is being lowered, a FuncState (its variables' storage, the targets of
// break/continue/fallthrough). The member functions are split by concept:
//   IRGen.cpp      module: declarations, globals, functions, __glc_main, functab
//   IRGenTypes.cpp Go type -> LLVM type, sizes, zero values
//   IRGenTypeDesc.cpp run-time type descriptors (typedesc.def), equality functions
//   IRGenIface.cpp interface values: conversion, assertions, type switches, dispatch
//   IRGenExpr.cpp  expressions, calls, builtins, conversions, bounds checks
//   IRGenStmt.cpp  statements, control flow, assignment
//   IRGenGo.cpp    go statements (newproc and its trampolines)
//   IRGenChan.cpp  channel operations and select
//   IRGenMethod.cpp method calls, method values and expressions, wrappers
//   IRGenDebug.cpp DWARF: compile unit, subprograms, lines, types, variables
//   IRGenGlobals.cpp package variables' section (gl_globals), GC root table
//
// Invariant: `b` always has an insertion point inside the current
// function while a body is being lowered; a block is never left without
// a terminator once lowering moves on from it (finishFunction adds
// `unreachable` to blocks that can never be reached).
//===----------------------------------------------------------------------===//
#ifndef GLC_IRGEN_IRGENIMPL_H
#define GLC_IRGEN_IRGENIMPL_H

#include "irgen/IRGen.h"
#include "parse/ASTUtil.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/ValueHandle.h"

#include <map>
#include <string>
#include <vector>

namespace glc {

/// Go's boundsErrorCode (runtime/error.go), the code argument of
/// glrt_panicBounds (runtime/abi.def); the values are the runtime's.
enum class BoundsCode : int {
  Index = 0,      // s[x]: 0 <= x < len(s)
  SliceAlen = 1,  // s[?:x]: 0 <= x <= len(s) (arrays, strings)
  SliceAcap = 2,  // s[?:x]: 0 <= x <= cap(s) (slices)
  SliceB = 3,     // s[x:y]: 0 <= x <= y
  Slice3Alen = 4, // s[?:?:x]: 0 <= x <= len(s) (arrays)
  Slice3Acap = 5, // s[?:?:x]: 0 <= x <= cap(s) (slices)
  Slice3B = 6,    // s[?:x:y]: 0 <= x <= y
  Slice3C = 7,    // s[x:y:?]: 0 <= x <= y
  Convert = 8,    // (*[x]T)(s): x <= len(s)
};

/// Runtime entry points, one enumerator per abi.def row.
enum class RT {
#define GLRT_FUNC(name, ret, ...) name,
#define GLRT_NORETURN(name, ...) name,
#include "runtime/abi.def"
  NumRT
};

/// The records of runtime/typedesc.def, one enumerator each.
enum class Desc {
#define GLRT_DESC(Name) Name,
#include "runtime/typedesc.def"
  NumDesc
};

/// irgen reports "not supported" and keeps going with a placeholder value;
/// generateIR returns null when any error was reported.
struct IRGen {
  File *file; // package main's first file (the module's source name)
  std::vector<Package *> pkgs; // initialisation order, main last
  /// Separate compilation (IRGen.h): the one package whose bodies this
  /// module defines; null for a whole program in one module.
  Package *only = nullptr;
  /// Whether this module is the program's root: it defines __glc_main,
  /// gl_text's leading padding and __glc_text_base (the whole program, or
  /// package main under separate compilation).
  bool isRoot() const { return !only || only->name == "main"; }
  /// Runtime bindings (IRGenRuntimeBinding.cpp) of other packages' body-less
  /// functions: each module gets its own copies; unused ones are erased.
  llvm::DenseSet<llvm::Function *> foreignBindings;
  TypeContext &types;
  DiagEngine &diags;
  llvm::LLVMContext &C;
  std::unique_ptr<llvm::Module> mod;
  const llvm::DataLayout &DL; // mod's (see the constructor)
  IRGenOptions opts;
  llvm::IRBuilder<> b;
  bool failed = false;

  // LLVM types used everywhere.
  llvm::Type *i1, *i8, *i32, *i64, *f32, *f64, *ptrTy, *voidTy;
  llvm::StructType *strTy, *sliceTy, *pairTy;

  llvm::Function *rt[(int)RT::NumRT] = {};
  bool rtNoReturn[(int)RT::NumRT] = {};

  llvm::DenseMap<Object *, llvm::GlobalVariable *> globals;
  llvm::DenseMap<Object *, llvm::Function *> funcs;   // top-level funcs
  llvm::DenseMap<FuncDecl *, llvm::Function *> declFuncs;
  llvm::DenseMap<Object *, llvm::Constant *> funcVals; // main.f·f records
  llvm::StringMap<llvm::Constant *> strConsts;
  std::vector<std::pair<llvm::Function *, std::string>> functab;
  /// `go` trampolines by the callee's Go signature (IRGenGo.cpp; two
  /// signatures may share an LLVM type but not a block layout when large
  /// arguments go by pointer).
  llvm::DenseMap<FuncType *, llvm::Function *> goWrappers;

  /// Per-function state.
  struct Target {
    Stmt *stmt;
    llvm::BasicBlock *brk;
    llvm::BasicBlock *cont; // null for switch
  };
  struct FuncState {
    llvm::Function *fn = nullptr;
    FuncInfo *info = nullptr;
    FuncType *sig = nullptr;
    llvm::Value *ctx = nullptr;
    /// The hidden result pointer of a function with a large result.
    llvm::Value *sret = nullptr;
    /// Storage of each local variable: an alloca, or a heap box pointer.
    llvm::DenseMap<Object *, llvm::Value *> vars;
    std::vector<Target> targets; // innermost last
    /// Body blocks of the switch clause being lowered and the next one.
    llvm::BasicBlock *fallthroughTo = nullptr;
    llvm::BasicBlock *allocaBB = nullptr;
    /// Labelled statements by label name (for break/continue L when sema
    /// left BranchStmt::target unset).
    std::map<std::string, Stmt *> labels;
    /// The block each labelled statement starts, made by the first goto or
    /// label that needs it (goto L may come before L).
    llvm::DenseMap<LabeledStmt *, llvm::BasicBlock *> labelBlocks;
    /// Results of calls evaluated ahead of their expression (hoistCalls).
    llvm::DenseMap<Expr *, llvm::Value *> hoisted;
    int hoistDepth = 0; // hoistCalls' recursion depth (1: at the root)
    /// The ok bit (i1) of each receive lowered as a value, until a
    /// `v, ok` assignment takes it (IRGenChan.cpp).
    llvm::DenseMap<Expr *, llvm::Value *> recvOk;
    /// Functions with defer statements (IRGenDefer.cpp); null otherwise.
    struct DeferState *defer = nullptr;
  };
  FuncState *fs = nullptr;

  IRGen(File *f, TypeContext &t, DiagEngine &d, llvm::LLVMContext &c, const llvm::DataLayout &dl,
        llvm::StringRef triple, const IRGenOptions &o);
  ~IRGen();

  // ---- DWARF (IRGenDebug.cpp; every hook is a no-op when
  // opts.debug == None). The state lives behind `dbg`.
  struct DebugInfo *dbg = nullptr;
  void dbgInit();
  void dbgFinish(); // before verification: every function gets a subprogram
  /// A body starts: fn's DISubprogram (info null: a synthetic function),
  /// the builder's location at `pos`.
  void dbgBeginFunction(llvm::Function *fn, FuncInfo *info, llvm::SMLoc pos);
  void dbgEndFunction();
  /// Panic stub `stub` of fn (keepTracebackFrames): a subprogram like fn's,
  /// and `call` (its only call) at loc's line and column in it.
  void dbgPanicStub(llvm::Function *fn, llvm::Function *stub, const llvm::DebugLoc &loc,
                    llvm::Instruction *call);
  void dbgPushBlock(llvm::SMLoc pos); // a lexical block { ... }
  void dbgPopBlock();
  void dbgSetLoc(llvm::SMLoc pos);    // a statement starts
  /// An expression's operation at `pos`: the builder's location until the
  /// guard dies (then the previous one again).
  struct DbgLocGuard {
    IRGen *g = nullptr;
    llvm::DebugLoc saved;
    ~DbgLocGuard();
  };
  DbgLocGuard dbgExprLoc(Expr *e);
  /// A variable's storage was allocated (allocVar): dbg.declare it.
  void dbgDeclare(Object *obj, llvm::Value *addr);

  // ---- module (IRGen.cpp)
  bool run();
  void initTypes();
  void padText();
  /// Under separate compilation: functions and globals of package `pkg`
  /// are defined in this module (pkg == only) or only declared.
  bool definesPackage(Package *pkg) const { return !only || pkg == only; }
  void declareRuntime();
  llvm::Function *declareFunc(const std::string &name, FuncType *sig);
  bool checkSignature(FuncType *sig, llvm::SMLoc pos);
  llvm::FunctionType *funcLLType(FuncType *sig);
  llvm::Type *resultLLType(FuncType *sig); // the result (tuple) as a value
  /// Results over kLargeAggregate bytes are returned through a pointer.
  bool hasSret(FuncType *sig);
  /// Parameters over kLargeAggregate bytes are passed by pointer.
  bool byRef(Type *t) { return isLargeAggregate(t); }
  /// A call of a Go function (direct or through a func value's code
  /// pointer) with argument values `vals`: applies the convention above.
  /// With `refs`, vals already holds pointers for the byRef parameters.
  llvm::Value *emitCall(llvm::FunctionType *fty, llvm::Value *callee, llvm::Value *ctx,
                        FuncType *ft, llvm::ArrayRef<llvm::Value *> vals, bool refs = false);
  void setFuncAttrs(llvm::Function *fn, const std::string &goName);
  void genFuncBody(llvm::Function *fn, FuncInfo *info, FuncType *sig, BlockStmt *body);
  void genGlcMain();
  void genVarInits(Package *pkg);
  void declareTopLevel(Package *pkg, Decl *d, const std::string &prefix, unsigned &initIndex,
                       llvm::function_ref<void(FuncDecl *, llvm::Function *, FuncType *)> queue);
  /// The function standing for a body-less stdlib declaration: a Go-
  /// convention stub calling its abi.def row (IRGenRuntimeBinding.cpp).
  llvm::Function *runtimeBinding(FuncDecl *f, FuncType *sig, const std::string &prefix);
  void genSyntheticBody(llvm::Function *fn, llvm::function_ref<void()> body);
  void genFunctab();
  void keepTracebackFrames();

  // ---- package variables for the collector (IRGenGlobals.cpp)
  /// The defined package variables whose type holds pointers, in order.
  std::vector<std::pair<llvm::GlobalVariable *, Type *>> gcRoots;
  /// Puts a package variable this module defines into section gl_globals
  /// and, if its type holds pointers, into the root table.
  void placePackageVar(llvm::GlobalVariable *gv, Type *t);
  /// The root table (section gl_gcroots) of gcRoots.
  void genGCRoots();
  llvm::Constant *funcValue(Object *funcObj);
  void unsupported(llvm::SMLoc pos, const llvm::Twine &what);

  // ---- types (IRGenTypes.cpp)
  static Type *under(Type *t);
  static TypeKind ukind(Type *t) { return under(t)->kind; }
  static bool isSigned(Type *t);
  static bool isUnsignedInt(Type *t);
  static bool isIntegerT(Type *t);
  static bool isFloatT(Type *t);
  static bool isStringT(Type *t);
  static bool isBoolT(Type *t);
  static unsigned intBits(Type *t);
  llvm::Type *llType(Type *t);
  uint64_t sizeOf(Type *t);
  llvm::Constant *zeroValue(Type *t);
  std::string goTypeName(Type *t); // "main.T" for named types, "" otherwise

  // ---- run-time type descriptors (IRGenTypeDesc.cpp)
  llvm::StructType *descTypes[(int)Desc::NumDesc] = {};
  llvm::DenseMap<Type *, llvm::Constant *> typeDescs;
  llvm::DenseMap<Object *, unsigned> localTypeIds; // local named types' link suffixes
  /// The LLVM type of a typedesc.def record.
  llvm::StructType *descType(Desc d);
  /// The descriptor of t ("type:<link string>"), emitted on first use.
  llvm::Constant *typeDesc(Type *t);
  /// Go's run-time spelling of t ("main.T", "struct { a int }").
  std::string rtTypeString(Type *t);
  /// The same with local named types made unique: descriptor symbol keys.
  std::string linkTypeString(Type *t);
  void writeRtType(std::string &out, Type *t, bool link);
  /// A method's name in the run-time tables (typedesc.def): the name, for
  /// an unexported one qualified by its package path ("main.m",
  /// "example.com/m/a.m"), so equal strings are the same Go identifier.
  static std::string rtMethodName(const std::string &name, const std::string &pkgPath);
  /// The words of a value of type t (at byte offset off) holding pointers.
  void pointerWords(Type *t, uint64_t off, std::vector<bool> &words);
  static bool hasPointers(Type *t);
  /// Go's regular memory (gc's AMEM): == and hash may treat t's values as
  /// plain bytes (IRGenTypeDesc.cpp).
  bool isRegularMemory(Type *t);
  static bool isComparableT(Type *t);
  /// bool type..eq.T(const void *, const void *), or null if t is not
  /// comparable.
  llvm::Constant *equalFunc(Type *t);
  llvm::Constant *uncommonDesc(Type *t, const std::string &link);
  std::vector<llvm::Constant *> methodTable(Type *t);
  uint32_t typeHash(Type *t); // FNV-1a of the link string (Type.hash)

  // ---- interfaces (IRGenIface.cpp)
  /// Globals only the linker's __start_/__stop_ symbols refer to (itab
  /// links): kept through llvm.compiler.used.
  std::vector<llvm::GlobalValue *> usedGlobals;
  static bool isDirectIfaceT(Type *t);
  Type *defaultTypeOf(Type *t);
  llvm::Value *makeIface(llvm::Value *w0, llvm::Value *data);
  llvm::Value *ifaceData(llvm::Value *v, Type *t);
  llvm::Value *ifaceTypeWord(llvm::Value *iv, Type *t);
  /// v (of type from: concrete, interface or untyped nil) as a value of
  /// interface type to.
  llvm::Value *convertToIface(llvm::Value *v, Type *from, Type *to);
  llvm::Constant *itabConst(Type *t, Type *iface);
  /// getitab(iface, typ) through a per-site cache: the itab of the pair,
  /// which records a failure when its fun[0] is null (itabFails).
  llvm::Value *cachedGetitab(Type *iface, llvm::Value *typ, unsigned canfailBits);
  llvm::Value *itabFails(llvm::Value *tab);
  llvm::Constant *ifnFor(Type *t, const std::string &name);
  llvm::Value *genTypeAssert(TypeAssertExpr *e, llvm::Value **okOut);
  llvm::Value *genIfaceCompare(TokKind op, llvm::Value *x, llvm::Value *y, Type *t);
  llvm::Value *genIfaceCall(CallExpr *e, SelectorExpr *sel);
  FuncType *ifnSig(FuncType *sig);
  llvm::Value *emitMethodCall(llvm::Value *fn, FuncType *sig, llvm::Value *recv,
                              llvm::ArrayRef<llvm::Value *> args);
  void genTypeSwitch(TypeSwitchStmt *s);

  // ---- helpers
  llvm::Value *callRT(RT id, llvm::ArrayRef<llvm::Value *> args);
  llvm::BasicBlock *newBlock(const llvm::Twine &name);
  void setBlock(llvm::BasicBlock *bb); // branch from the current block if open
  void startDeadBlock();               // after a terminator
  bool blockOpen() { return b.GetInsertBlock() && !b.GetInsertBlock()->getTerminator(); }
  llvm::AllocaInst *entryAlloca(llvm::Type *t, const llvm::Twine &name);
  void storeValue(llvm::Value *v, llvm::Value *dst, Type *t);
  llvm::Value *allocVar(Object *obj, const llvm::Twine &name);
  /// Arrays larger than this are copied with memmove and zeroed with
  /// memset, never loaded as one SSA value (LLVM expands aggregate loads
  /// and stores element by element).
  static constexpr uint64_t kLargeAggregate = 64;
  /// Locals larger than this live on the heap, as gc moves large
  /// variables to the heap: goroutine stacks start small.
  static constexpr uint64_t kMaxStackVar = 64 << 10;
  bool isLargeAggregate(Type *t);
  /// Store the value of `src` into `dst` (memmove for large addressable
  /// arrays).
  void storeExpr(llvm::Value *dst, Expr *src, Type *dstType);
  llvm::Value *toI64(llvm::Value *v, Type *t);
  llvm::Constant *constString(llvm::StringRef s);
  llvm::Value *i64c(int64_t v) { return llvm::ConstantInt::get(i64, v, true); }

  // ---- expressions (IRGenExpr.cpp)
  llvm::Value *genExpr(Expr *e); // genExprNoConv, then e->ifaceConv
  llvm::Value *genExprNoConv(Expr *e);
  /// v of type `from` as a value of type `to` where Go assigns implicitly
  /// (a concrete value to an interface); otherwise v itself.
  llvm::Value *coerce(llvm::Value *v, Type *from, Type *to);
  /// gc's evaluation order: the calls in an expression run first, left to
  /// right (innermost first), before any variable of the expression is
  /// loaded; genExpr then picks up their results.
  void hoistCalls(Expr *e);
  /// gc's order for `x = y` (walk's safeExpr on x): the parts of the left
  /// side that are not names, field selections, dereferences, indexes or
  /// len/cap of those are evaluated now, before y; the rest at the store.
  void hoistUnsafeOperands(Expr *e);
  bool gcMapKeyTemp(MapType *mt, Expr *key); // IRGenMap.cpp
  llvm::Value *genValue(Expr *e, Type *target); // nil -> zero of target
  llvm::Value *genConst(Expr *e, Type *t);
  llvm::Value *genConstValue(const ConstValue &cv, Type *t, llvm::SMLoc pos);
  llvm::Value *genAddr(Expr *e); // address of an addressable expression
  bool isAddressable(Expr *e);
  static Expr *unqualify(Expr *e); // pkg.X -> the Ident X
  llvm::Value *varAddr(Object *obj, llvm::SMLoc pos);
  llvm::Value *genBinary(BinaryExpr *e);
  llvm::Value *genBinOp(TokKind op, llvm::Value *x, llvm::Value *y, Type *xt, Type *yt,
                        llvm::SMLoc pos);
  llvm::Value *genCompare(TokKind op, llvm::Value *x, llvm::Value *y, Type *t);
  llvm::Value *genShift(TokKind op, llvm::Value *x, llvm::Value *y, Type *xt, Type *yt);
  llvm::Value *genDivRem(TokKind op, llvm::Value *x, llvm::Value *y, Type *t);
  llvm::Value *genUnary(UnaryExpr *e);
  llvm::Value *genIndex(IndexExpr *e);
  llvm::Value *genSliceExpr(SliceExpr *e);
  llvm::Value *genCall(CallExpr *e);
  /// Argument values of a call (the variadic tail packed); with `refs`,
  /// pointers for the parameters passed by reference (byRef).
  std::vector<llvm::Value *> genArgs(CallExpr *e, FuncType *ft, bool refs = false);
  llvm::Value *genConversion(llvm::Value *v, Type *from, Type *to);
  llvm::Value *genBuiltin(CallExpr *e, BuiltinId id);
  void genPrint(CallExpr *e, bool ln);
  void genPanic(CallExpr *e);
  llvm::Value *genAppend(CallExpr *e);
  llvm::Value *genCopy(CallExpr *e);
  llvm::Value *genSpreadBuiltin(CallExpr *e, BuiltinId id);
  llvm::Value *genFuncLit(FuncLit *e);
  llvm::Value *genCompositeLit(CompositeLit *e);
  llvm::Value *genCompositeLitInto(CompositeLit *e, llvm::Value *into);
  llvm::Value *genCompositeLitAs(CompositeLit *e, Type *type, llvm::Value *into);
  // Composite literals as static data (IRGenExpr.cpp).
  llvm::Constant *constLitValue(Expr *e, Type *t);
  llvm::Constant *staticData(llvm::Constant *init);
  void fillFromStatic(llvm::Value *dst, llvm::Constant *init);

  // ---- structs and pointers (IRGenStruct.cpp)
  static int fieldIndex(glc::StructType *st, llvm::StringRef name);
  static glc::PointerType *ptrBase(Type *t);
  /// The array type of a *[N]T (index, slice, len and range see through it).
  static glc::ArrayType *ptrToArray(Type *t);
  /// Panics (glrt_panicmem, or panicmemAddr(offset) for an access at
  /// 0 < offset < 4096, as gc's fault would report) if p is nil; returns p.
  llvm::Value *nilCheck(llvm::Value *p, uint64_t offset = 0);
  llvm::Value *fieldAddr(SelectorExpr *s); // x.f addressable or through a pointer
  llvm::Value *walkPath(SelectorExpr *s, Type **t);
  /// Whether s->path reaches its field through a pointer (x or an
  /// embedded *E): the field is then addressable whatever x is.
  bool pathIndirect(SelectorExpr *s);
  /// The receiver of a (possibly promoted) pointer method x.M: a pointer
  /// to it; *recvT is the receiver's (non-pointer) type.
  llvm::Value *methodRecvPtr(SelectorExpr *s, Type **recvT = nullptr);
  llvm::Value *genSelector(SelectorExpr *s);
  llvm::Value *genDeref(StarExpr *e);
  llvm::Value *genAddressOf(UnaryExpr *e);
  llvm::Value *genStructLit(CompositeLit *e, glc::StructType *st, Type *t, llvm::Value *into);
  llvm::Value *genAggregateEq(llvm::Value *x, llvm::Value *y, Type *t);
  llvm::Value *genNew(CallExpr *e);
  llvm::Value *newObject(Type *t, const llvm::Twine &name);
  // Typed allocation helpers (IRGenAlloc.cpp).
  llvm::Value *newArray(Type *elem, uint64_t n, const llvm::Twine &name = "");
  llvm::Value *newRecord(llvm::Type *t, const llvm::Twine &name = "");
  llvm::Constant *recordDesc(llvm::Type *t);
  void llPointerWords(llvm::Type *t, uint64_t off, std::vector<bool> &words);
  void insertWriteBarriers();
  /// The receiver pointer of a pointer method: x itself if it is a
  /// pointer (nil-checked), else &x.
  llvm::Value *recvPtr(Expr *x);
  llvm::Value *floatToInt(llvm::Value *v, Type *from, Type *to);
  /// Go's bounds check: panics with (x, y, code) unless 0 <= x < y (or
  /// x <= y when `inclusive`). x has Go type xt.
  llvm::Value *boundsCheck(llvm::Value *x, Type *xt, llvm::Value *y, BoundsCode code,
                          bool inclusive);
  /// A multiple assignment addresses its left sides in phase 1 but runs
  /// their nil and bounds checks in phase 2, just before each store (the
  /// spec's two phases as gc implements them: `m[2], *p = 42, 2` with p nil
  /// assigns m[2] before it faults; `p, p.i = q, 4` uses the old p). While
  /// pendingChecks is set, nilCheck and boundsCheck record their failing
  /// condition there instead of branching. genExpr suspends it (an operand
  /// is a value, evaluated and checked in phase 1) and walkPath flushes it
  /// before it loads an embedded pointer.
  struct PendingCheck {
    llvm::Value *fail;        // i1: true when the check fails
    bool isNil;
    uint64_t offset;          // nil: the fault offset (nilCheck's)
    llvm::Value *x64, *y;     // bounds: panicBounds's operands
    BoundsCode code;
    bool isSigned;
  };
  std::vector<PendingCheck> *pendingChecks = nullptr;
  /// genAddr(e) with e's own checks appended to `out` instead of emitted.
  llvm::Value *genAddrDeferChecks(Expr *e, std::vector<PendingCheck> &out);
  void emitPendingChecks(std::vector<PendingCheck> &checks);
  void emitCheckFail(const PendingCheck &c);
  llvm::Value *strData(llvm::Value *s) { return b.CreateExtractValue(s, 0); }
  llvm::Value *strLen(llvm::Value *s) { return b.CreateExtractValue(s, 1); }
  llvm::Value *makeString(llvm::Value *p, llvm::Value *n);
  llvm::Value *makeSlice(llvm::Value *p, llvm::Value *n, llvm::Value *c);
  llvm::Value *pairToString(llvm::Value *pair);
  llvm::Value *callFuncValue(llvm::Value *fv, FuncType *ft, llvm::ArrayRef<llvm::Value *> args,
                             bool refs = false);

  // ---- methods (IRGenMethod.cpp)
  /// The LLVM function of a declared method (Object::funcDecl has a
  /// receiver), declared on first use: Go symbol main.T.M / main.(*T).M;
  /// its Go signature is methodSig(m): the receiver first, then the
  /// declared parameters, with the convention of any Go function (ctx,
  /// sret, byRef for large values; funcLLType).
  llvm::Function *methodFunc(Object *m);
  /// funcOf({receiver type, params...}, results): the method expression's type.
  FuncType *methodSig(Object *m);
  /// T or *T as declared on m's receiver.
  Type *methodRecvType(Object *m);
  /// The function implementing method m in the method set of T, taking a
  /// T first (then m's parameters): methodFunc(m) itself when T is m's
  /// receiver type and `path` is empty, else a wrapper named as gc names
  /// it (main.(*T).M for a value method reached through *T; main.S.M or
  /// main.(*S).M for a method promoted into S along `path`, as from
  /// lookupFieldOrMethod/methodSet). Declared methods only. For method
  /// tables and itabs: Go's itab
  /// entry for a value method of a non-pointer T is methodSetFunc(*T, ...).
  llvm::Function *methodSetFunc(Type *T, Object *m, llvm::ArrayRef<int> path);
  /// x.M(args) for a declared method M.
  llvm::Value *genMethodCall(CallExpr *e, SelectorExpr *s, Object *m);
  /// x.M as a value: a closure record {main.T.M-fm, receiver}.
  llvm::Value *genMethodValue(SelectorExpr *s, Object *m);
  /// T.M / (*T).M: the constant record of methodSetFunc(T, M, path).
  llvm::Value *genMethodExpr(SelectorExpr *s, Object *m);
  /// The receiver argument of x.M: a pointer for a pointer method, else
  /// the value (with `ref`, a pointer to it when the receiver is passed
  /// by reference).
  llvm::Value *methodRecv(SelectorExpr *s, Object *m, bool ref);
  llvm::Value *recvFromField(llvm::Value *addr, Type *t, Object *m, bool ref);
  llvm::Value *walkFields(llvm::Value *addr, Type *cur, llvm::ArrayRef<int> path, Type **out);
  llvm::Function *boundMethodWrapper(Object *m); // main.T.M-fm
  void forwardToMethod(llvm::Function *w, FuncType *wsig, llvm::Value *recv,
                       llvm::Function *target, unsigned skip);
  llvm::DenseMap<Object *, llvm::Function *> boundWrappers;
  llvm::DenseMap<std::pair<Type *, Object *>, llvm::Function *> setWrappers;
  llvm::DenseMap<llvm::Function *, llvm::Constant *> methodExprVals;
  std::map<std::pair<Type *, std::string>, llvm::Constant *> ifns; // ifnFor
  void panicwrapIfNil(llvm::Value *p, Object *m, Type *elem);
  /// i.M of an interface i as a value: {main.I.M-fm, itab, data}.
  llvm::Value *genIfaceMethodValue(SelectorExpr *s);
  /// The method value {I.M-fm, itab, data} of method k of interface value x.
  llvm::Value *ifaceMethodValue(llvm::Value *x, Type *ifaceT, int k);
  void forwardToIfn(llvm::Function *w, llvm::Value *tab, llvm::Value *data, int k, FuncType *sig,
                    unsigned skip);
  /// Calls and method values of methods promoted from an embedded
  /// interface field (Object::ifaceOwner).
  llvm::Value *genPromotedIfaceCall(CallExpr *e, SelectorExpr *s, Object *m);
  llvm::Value *genPromotedIfaceValue(SelectorExpr *s, Object *m);
  llvm::Value *callIfaceMethod(llvm::Value *x, Type *ifaceT, int k, FuncType *sig, CallExpr *e);
  /// Guarded devirtualisation (IRGenIface.cpp): each call callIfaceMethod
  /// emits, and the itabs itabConst emitted per interface (keyed by the
  /// interface's link string), rewritten by devirtualizeIfaceCalls once
  /// every body is lowered.
  struct IfaceCallSite {
    llvm::WeakTrackingVH call, tab;
    std::string iface;
    unsigned k;
  };
  std::vector<IfaceCallSite> ifaceCalls;
  llvm::StringMap<llvm::SmallVector<llvm::GlobalVariable *, 4>> itabsByIface;
  void devirtualizeIfaceCalls();
  llvm::Function *ifaceSetFunc(Type *T, Object *m, llvm::ArrayRef<int> path, bool ifn = false);
  llvm::DenseMap<std::pair<Type *, Object *>, llvm::Function *> ifaceIfns, ifaceSetWrappers;
  std::map<std::pair<Type *, int>, llvm::Function *> ifaceBound;
  /// Wrappers (flagged in __glc_functab: tracebacks show them only when
  /// they are the frame that panicked, as Go's).
  llvm::DenseSet<llvm::Function *> wrapperFuncs;

  // ---- goroutines (IRGenGo.cpp)
  void genGo(GoStmt *s);
  llvm::Function *goWrapper(FuncType *ft);
  /// `go`/`defer` of a builtin: a wrapper void(ptr block) that lowers the
  /// call with the values in vals (evaluated here, stored in a block of
  /// type blockTy by the caller).
  llvm::Function *builtinWrapper(CallExpr *call, BuiltinId id, std::vector<llvm::Value *> &vals,
                                 llvm::StructType *&blockTy);

  // ---- defer, recover (IRGenDefer.cpp)
  /// At the start of a body: sets up fs->defer when the body has defer
  /// statements (the deferframe, result slots, the setjmp).
  void deferPrologue(BlockStmt *body);
  void genDefer(DeferStmt *s);
  /// `return` in a function with defers: store the results, go to the exit.
  void genDeferReturn(ReturnStmt *s);
  /// Leaves the current block for the function's exit (defers, return).
  void branchToDeferExit();
  void endDefer(); // frees fs->defer
  void emitOpenDeferExit();
  /// Exempts a store from insertWriteBarriers (g->_defer: IRGenDefer.cpp).
  void markNoWriteBarrier(llvm::StoreInst *st);
  llvm::Value *genRecover(CallExpr *e);

  // ---- channels and select (IRGenChan.cpp)
  static UnaryExpr *asRecv(Expr *e); // the `<-c` inside e (parens), or null
  static Type *chanElem(Type *chanT);
  llvm::Value *genMakeChan(CallExpr *e);
  llvm::Value *genChanBuiltin(CallExpr *e, BuiltinId id); // close, len, cap
  llvm::Value *spillSend(Expr *value, Type *elem);
  void genSend(SendStmt *s);
  void genRecvStmt(UnaryExpr *e);
  llvm::Value *genRecvExpr(UnaryExpr *e);
  llvm::Value *takeRecvOk(Expr *e); // ok of the receive e last lowered
  void genRangeChan(RangeStmt *s);
  void genCommAssign(AssignStmt *as, Type *elem, llvm::Value *slot, llvm::Value *ok);
  void genSelect(SelectStmt *s);

  // ---- maps (IRGenMap.cpp)
  enum class MapKeyPath { Generic, Fast64, Str };
  struct MapLval { // m[k] on the left: operands evaluated, no slot yet
    MapType *mt = nullptr;
    llvm::Value *m = nullptr, *key = nullptr;
  };
  static MapType *mapIndexType(Expr *e); // m's type if e is m[k], else null
  MapKeyPath mapKeyPath(MapType *mt);
  llvm::Value *genMakeMap(CallExpr *e);
  llvm::Value *genMapLen(llvm::Value *m);
  std::vector<llvm::Value *> mapKeyArgs(MapType *mt, llvm::Value *key);
  llvm::Value *mapCall(RT generic, RT fast64, RT faststr, MapType *mt, llvm::Value *m,
                       llvm::Value *key, std::vector<llvm::Value *> extra = {});
  llvm::Value *genMapIndex(IndexExpr *e, MapType *mt);
  std::pair<llvm::Value *, llvm::Value *> genMapIndexOk(IndexExpr *e, MapType *mt);
  MapLval genMapLval(Expr *e);
  llvm::Value *mapAssignSlot(const MapLval &l); // call mapassign; store at once
  void genMapDelete(CallExpr *e);
  llvm::Value *genMapLit(CompositeLit *e, MapType *mt, Type *t);
  void genMapAssign(AssignStmt *s, const std::vector<Type *> &dsts);
  void genMapOpAssign(AssignStmt *s);
  void genMapIncDec(IncDecStmt *s);
  void genRangeMap(RangeStmt *s);
  void genPairAssign(Expr *vars[2], llvm::Value *vals[2], Type *from[2]);

  // ---- statements (IRGenStmt.cpp)
  void genBlock(BlockStmt *s);
  void genStmts(const std::vector<Stmt *> &stmts);
  void genStmt(Stmt *s);
  void genDeclStmt(DeclStmt *s);
  void genAssign(AssignStmt *s);
  void genIncDec(IncDecStmt *s);
  void genReturn(ReturnStmt *s);
  void genIf(IfStmt *s);
  void genFor(ForStmt *s);
  void genRange(RangeStmt *s);
  void genSwitch(SwitchStmt *s);
  void genBranch(BranchStmt *s);
  /// Values of a right-hand side list for `n` destinations (expands a
  /// single multi-value call). dstTypes may contain nulls (use own type).
  std::vector<llvm::Value *> genRHS(const std::vector<Expr *> &rhs, size_t n,
                                    const std::vector<Type *> &dstTypes);
};

} // namespace glc

#endif // GLC_IRGEN_IRGENIMPL_H
