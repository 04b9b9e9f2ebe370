//===- CheckerImpl.h - the type checker's internal state --------------------===//
//
// One Checker object checks one file. It is split over several .cpp files,
// one concern each:
//   Checker.cpp    package level: collecting declarations, lazy resolution
//                  of package objects (objDecl), function bodies, labels,
//                  unused variables/imports.
//   InitOrder.cpp  File::initOrder and "initialization loop" errors.
//   CheckExpr.cpp  expressions: dispatch (rawExpr), identifiers, operand
//                  descriptions.
//   CheckUntyped.cpp  untyped-constant conversion, assignability.
//   CheckLit.cpp   basic, function and composite literals.
//   CheckSelector.cpp  selectors, index and slice expressions.
//   CheckOperator.cpp  unary, binary, comparison and shift operators.
//   CheckStruct.cpp  struct literals, comparability, & and *.
//   CheckCall.cpp  calls, conversions and builtins.
//   CheckStmt.cpp  statements, terminating-statement analysis.
//   TypeExpr.cpp   type expressions ([]T, func(...), named types).
//
// Invariants:
//  - After expr(e), e->mode is Invalid iff an error was reported for e (or
//    one of its parts); e->type is then meaningless. Callers never report
//    follow-on errors about an Invalid operand.
//  - An untyped operand keeps its untyped type until it meets a context
//    (assignment, binary operation with a typed operand, ...): then
//    convertUntyped/finalize rewrite the types of the whole untyped
//    subtree to the final type, so irgen sees typed types only.
//===----------------------------------------------------------------------===//
#ifndef GLC_SEMA_CHECKERIMPL_H
#define GLC_SEMA_CHECKERIMPL_H

#include "basic/Diagnostics.h"
#include "parse/AST.h"
#include "sema/ConstFold.h"
#include "sema/Types.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace glc {

struct Scope {
  Scope *parent = nullptr;
  llvm::StringMap<Object *> names;
  Object *lookupLocal(llvm::StringRef n) const {
    auto it = names.find(n);
    return it == names.end() ? nullptr : it->second;
  }
};

/// Per package-level object: where it is declared and its checking state.
struct DeclInfo {
  enum State { Unchecked, InProgress, Done } state = Unchecked;
  ValueSpec *vspec = nullptr; // var/const
  int index = 0;              // position of the name in vspec->names
  TypeSpec *tspec = nullptr;
  FuncDecl *fdecl = nullptr;
  File *file = nullptr;       // the file declaring it (its import scope)
  /// Package-level vars and funcs referenced by the initialiser or body.
  llvm::SetVector<Object *> deps;
};

/// A function (declaration or literal) being checked.
struct FuncCtx {
  FuncInfo *info = nullptr; // null for the package-level pseudo function
  FuncType *sig = nullptr;
  FuncCtx *outer = nullptr;
  std::string name;       // Go's symbol name ("main.main.func1")
  bool topLevel = false;  // a FuncDecl (or the package-level initialisers)
  int closures = 0;       // function literals numbered so far
  std::vector<Object *> locals; // for "declared but not used"
  llvm::StringMap<LabeledStmt *> labels;
  llvm::DenseMap<LabeledStmt *, bool> labelUsed;
  /// Where each label sits: its statement list, index, and the position of
  /// the block that list belongs to (for goto checks).
  struct LabelSite {
    const std::vector<Stmt *> *list;
    size_t index;
    llvm::SMLoc blockPos;
  };
  llvm::DenseMap<LabeledStmt *, LabelSite> labelSites;
};

/// A statement `break`/`continue` may target.
struct BranchTarget {
  Stmt *stmt;
  bool isLoop;
  LabeledStmt *label; // the label directly on this statement, if any
};

class Checker {
public:
  Checker(TypeContext &tc, DiagEngine &diags, Package *pkg)
      : tc(tc), diags(diags), pkg(pkg), file(pkg->files.empty() ? nullptr : pkg->files[0]),
        pkgPath(pkg->path == "main" ? "" : pkg->path) {}
  bool run();

  TypeContext &tc;
  DiagEngine &diags;
  Package *pkg;
  /// The file being checked: the one declaring the package object or
  /// function body at hand (objDecl switches it, so an identifier resolves
  /// through the import scope of the file it is written in).
  File *file;
  /// Object::pkgPath of this package's objects ("" for package main).
  std::string pkgPath;
  /// Go symbol of a package-level name: "main.f", "unicode/utf8.RuneLen".
  std::string sym(const std::string &name) { return pkg->path + "." + name; }

  // ---- scopes and objects (Checker.cpp)
  std::vector<std::unique_ptr<Scope>> scopeStore;
  Scope *pkgScope = nullptr;
  Scope *scope = nullptr; // innermost
  /// Each file's import scope: package name -> Package object, and the
  /// members a dot import brings in (name -> member).
  std::map<File *, llvm::StringMap<Object *>> fileImports;
  llvm::StringMap<Object *> &imports() { return fileImports[file]; }
  /// A dot-imported member -> the import's Package object (for "imported
  /// and not used").
  llvm::DenseMap<Object *, Object *> dotOwner;
  llvm::DenseMap<FuncDecl *, File *> bodyFile;
  llvm::DenseMap<Object *, ImportSpec *> importSpecs;
  llvm::DenseMap<Object *, bool> importUsed;
  llvm::DenseMap<Object *, DeclInfo> decls;
  std::vector<Object *> pkgVars; // in declaration order
  DeclInfo *curDecl = nullptr;   // collecting deps for this package object
  FuncCtx *fn = nullptr;         // innermost function
  /// Expressions checked already that rawExpr leaves as they are: a lone
  /// call argument of copy/append/delete and the placeholders for its
  /// results (builtinCall).
  llvm::SmallPtrSet<Expr *, 4> preChecked;
  FuncCtx globFn;                // pseudo function for package initialisers
  int64_t iota = -1;             // value of iota while checking a const spec; -1 outside
  std::vector<BranchTarget> targets;
  std::vector<std::pair<FuncDecl *, DeclInfo *>> bodies;
  std::vector<Object *> declStack; // package objects being checked (objDecl)
  void reportCycle(Object *start, const char *what);

  void error(llvm::SMLoc loc, const llvm::Twine &msg) { diags.error(loc, msg); }
  void unsupported(llvm::SMLoc loc, const llvm::Twine &what) {
    error(loc, what + " not supported by glc yet");
  }
  std::string posString(llvm::SMLoc loc);

  Scope *openScope();
  void closeScope() { scope = scope->parent; }
  Object *lookup(llvm::StringRef name);
  bool declarablePkgName(Ident *id);
  void declare(Scope *s, Object *obj, Ident *id);
  Object *newVar(Ident *id, Type *t);

  void collect();
  void importDecl(ImportSpec *imp);
  void objDecl(Object *obj);
  void constDecl(Object *obj, ValueSpec *spec, int index);
  void varDecl(Object *obj, DeclInfo &d);
  void varArity(ValueSpec *spec);
  void typeDecl(Object *obj, TypeSpec *spec);
  /// Named types whose declaration names a type still being declared
  /// (type T2 T1 inside T1's declaration), by the type they wait for.
  llvm::DenseMap<NamedType *, NamedType *> pendingUnder;
  void resolvePending(NamedType *done);
  void funcDecl(Object *obj, FuncDecl *fd);
  // ---- methods (Methods.cpp)
  std::vector<Object *> methodObjs; // every method declaration, in source order
  void associateMethods();
  void methodDecl(Object *obj, FuncDecl *fd);
  void selectMethod(SelectorExpr *s, const Selection &found, Type *xt);
  void methodExpr(SelectorExpr *s);
  void funcBody(FuncCtx &ctx, FuncTypeExpr *sigExpr, FuncType *sig, BlockStmt *body);
  void declareParams(FuncCtx &ctx, FuncTypeExpr *sigExpr, FuncType *sig);
  void reportUnused(FuncCtx &ctx);
  void collectLabels(FuncCtx &ctx, Stmt *s);
  void checkMain();
  void recordUse(Object *obj);

  // ---- init order (InitOrder.cpp)
  void computeInitOrder();

  // ---- types (TypeExpr.cpp)
  Type *typeExpr(Expr *e);        // reports "x is not a type"; null on error
  FuncType *funcType(FuncTypeExpr *f);
  StructType *structType(StructTypeExpr *s);
  InterfaceType *interfaceType(InterfaceTypeExpr *it);
  /// Reports a by-value cycle through `named` (invalid recursive type).
  void checkValidType(NamedType *named);
  int64_t arrayLength(Expr *e);   // -1 on error

  // ---- expressions (CheckExpr/Lit/Selector/Operator/Struct.cpp)
  void expr(Expr *e, Type *hint = nullptr);      // single value expected
  void rawExpr(Expr *e, Type *hint);             // any mode (types, no value, tuples)
  void exprOrType(Expr *e);
  void multiExpr(Expr *e);                       // allows tuples
  void ident(Ident *id);
  void basicLit(BasicLit *lit);
  void compositeLit(CompositeLit *c, Type *hint);
  void funcLit(FuncLit *f);
  void selector(SelectorExpr *s);
  void indexExpr(IndexExpr *e);
  void sliceExpr(SliceExpr *e);
  void unary(UnaryExpr *e);
  void addressOf(UnaryExpr *e);
  void star(StarExpr *e);
  void structLit(CompositeLit *c, Type *t, StructType *st);
  // maps (CheckMap.cpp)
  void mapLit(CompositeLit *c, Type *t, MapType *mt);
  void mapIndex(IndexExpr *e, MapType *mt);
  /// m[k] (parens allowed): assignable, not addressable, comma-ok.
  static bool isMapIndex(Expr *e);
  /// An operand usable in `v, ok := x`: a receive or a map index.
  /// False (with gc's error) if lhs is a field or array element of a map
  /// index (m[k].f = v): map elements are not addressable.
  bool mapElemPart(Expr *lhs);
  static bool isCommaOk(Expr *e) { return e->mode == ExprMode::CommaOk || isMapIndex(e); }
  void markAddrTaken(Expr *e);
  bool hiddenField(Type *t, const StructField &f);
  /// What x.name selects (Types.h; sema/Lookup.cpp).
  using Selection = glc::Selection;
  std::string incomparableCause(Type *t);
  void binary(BinaryExpr *e, Expr *x, Expr *y, TokKind op, Expr *lhsForMsg = nullptr);
  void shift(Expr *e, Expr *x, Expr *y, TokKind op);
  void comparison(Expr *e, Expr *x, Expr *y, TokKind op, bool switchCase = false);
  bool checkIndex(Expr *idx, int64_t max, bool allowMax, int64_t *value);
  bool singleValue(Expr *e);

  // untyped handling (CheckUntyped.cpp)
  bool convertUntyped(Expr *e, Type *target);     // binary-op context
  enum class Conv { Ok, Overflow, Truncated, Invalid };
  Conv implicitType(Expr *e, Type *target, Type *&result);
  void finalize(Expr *e, Type *t);                // rewrite untyped subtree to t
  void defaultType(Expr *e);                      // untyped -> default type
  Type *defaultOf(Type *t);
  bool assignment(Expr *e, Type *t, const std::string &context);
  bool assignment(Expr *e, Type *t, llvm::function_ref<std::string()> context);
  bool assignableTo(Expr *e, Type *t);
  /// Go's assignability for a typed value of type v to t.
  bool assignableType(Type *v, Type *t);
  void markIfaceConv(Expr *e, Type *t);
  // ---- interfaces (Interfaces.cpp)
  std::string missingMethodCause(Type *v, InterfaceType *it);
  bool implements(Type *v, Type *t);
  void typeAssert(TypeAssertExpr *e);
  void typeSwitchStmt(TypeSwitchStmt *s, LabeledStmt *label);
  bool identical(Type *a, Type *b) { return a == b; }
  bool comparable(Type *t);
  bool hasNil(Type *t);
  std::string desc(Expr *e);                      // operandString
  std::string declaredTypeString(Expr *e);
  std::string typeStr(Type *t) { return typeString(t); }
  bool isConstZero(Expr *e);

  // ---- calls (CheckCall.cpp)
  void call(CallExpr *c, Type *hint);
  void conversion(CallExpr *c, Type *t);
  void builtinCall(CallExpr *c, Object *b);
  void printable(CallExpr *c, Expr *a); // print/println operand types
  /// Errors gc's later phases (walk) report, only if type checking passed.
  std::vector<std::pair<llvm::SMLoc, std::string>> lateErrors;
  bool arguments(CallExpr *c, FuncType *sig, llvm::function_ref<std::string()> fname);
  std::string typesSummary(const std::vector<Type *> &ts, const std::vector<Expr *> *exprs,
                           bool variadic);

  // ---- statements (CheckStmt.cpp)
  void stmtList(const std::vector<Stmt *> &list);
  void stmt(Stmt *s);
  void block(BlockStmt *b);
  void declStmt(GenDecl *d);
  void localConst(ValueSpec *spec);
  void localVar(ValueSpec *spec);
  void assignStmt(AssignStmt *s);
  void shortVarDecl(AssignStmt *s);
  void assignVar(Expr *lhs, Expr *rhs, bool rhsChecked);
  Type *lhsVar(Expr *lhs);
  void initVars(std::vector<Object *> &lhs, std::vector<Expr *> &rhs, llvm::SMLoc pos,
                const std::string &context, bool isReturn, Stmt *ret = nullptr);
  void assignError(std::vector<Expr *> &rhs, size_t nvars, size_t nvals);
  void returnStmt(ReturnStmt *s);
  void branchStmt(BranchStmt *s);
  void ifStmt(IfStmt *s);
  void forStmt(ForStmt *s, LabeledStmt *label);
  void rangeStmt(RangeStmt *s, LabeledStmt *label);
  void switchStmt(SwitchStmt *s, LabeledStmt *label);
  void selectStmt(SelectStmt *s, LabeledStmt *label);
  void sendStmt(SendStmt *s);
  void goStmt(GoStmt *s);
  void deferStmt(DeferStmt *s);
  bool isTerminating(Stmt *s, const std::string &label);
  bool hasBreak(Stmt *s, Stmt *target, bool implicit);
  LabeledStmt *pendingLabel = nullptr;
  /// The statement lists being checked, innermost last, with the index of
  /// the statement being checked in each.
  std::vector<std::pair<const std::vector<Stmt *> *, size_t>> listStack;
  void collectLabelsIn(FuncCtx &ctx, const std::vector<Stmt *> &list, llvm::SMLoc blockPos);
  void checkGoto(BranchStmt *s, LabeledStmt *target);
};

/// The leftmost position of an expression (gc reports errors there).
llvm::SMLoc startPos(Expr *e);
/// "array", "slice", ... for composite types, else the type's name.
std::string kindString(Type *t);

} // namespace glc

#endif // GLC_SEMA_CHECKERIMPL_H
