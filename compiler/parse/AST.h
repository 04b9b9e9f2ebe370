//===- AST.h - The GL abstract syntax tree ---------------------------------===//
//
// The parser builds this tree; the type checker (sema/) annotates it in place
// (Expr::type, Expr::constVal, Ident::obj, ...); irgen/ reads the annotated
// tree. The tree mirrors go/ast closely so that Go's spec and go/types are a
// guide to every node.
//
// Invariants:
//  - Every node is owned by the ASTContext that made it (ASTContext::make);
//    nodes are never freed individually and pointers stay valid for the whole
//    compilation.
//  - Every node has a position `pos` (an llvm::SMLoc pointing into the source
//    buffer held by the SourceMgr), so any phase can report
//    `file:line:col: message` with a caret.
//  - Fields marked "sema:" are null/empty after parsing and filled by the
//    checker. irgen may rely on them only for programs sema accepted.
//  - Kinds use LLVM-style RTTI (classof + llvm::isa/cast/dyn_cast); the
//    compiler builds with -fno-rtti.
//
// The grammar covered is Go's, minus generics. Nodes for features sema does
// not support yet (maps, interfaces, methods, defer, ...) exist so
// the parser can accept the whole syntax and sema can give a clear
// "not supported" diagnostic instead of a syntax error.
//===----------------------------------------------------------------------===//
#ifndef GLC_PARSE_AST_H
#define GLC_PARSE_AST_H

#include "lex/Token.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/SMLoc.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace glc {

struct Type;      // sema/Types.h
struct Object;    // sema/Types.h
struct ConstValue; // sema/Constant.h

//===----------------------------------------------------------------------===//
// Base
//===----------------------------------------------------------------------===//

struct Node {
  llvm::SMLoc pos;
  virtual ~Node() = default;
};

//===----------------------------------------------------------------------===//
// Expressions (including type expressions: Go's grammar mixes them)
//===----------------------------------------------------------------------===//

enum class ExprKind {
  Bad,          // placeholder after a syntax error
  Ident,        // x, _, int, nil, true
  BasicLit,     // 1, 1.5, 'a', "s", `raw`
  CompositeLit, // []int{1, 2}, [...]T{...}, T{k: v}
  FuncLit,      // func(x int) int { ... }
  Paren,        // (x)
  Selector,     // os.Exit, x.f
  Index,        // a[i]
  Slice,        // a[lo:hi], a[lo:hi:max]
  TypeAssert,   // x.(T), x.(type) in a type switch (type == nullptr)
  Call,         // f(a, b), f(a...), conversions T(x), builtins len(x)
  Star,         // *p or the pointer type *T
  Unary,        // -x, +x, !x, ^x, &x, <-ch
  Binary,       // x op y
  KeyValue,     // k: v inside a composite literal
  // Type expressions
  ArrayType,    // [N]T, [...]T (len == nullptr && ellipsis), or slice []T
  FuncType,     // func(params) results
  ChanType,     // chan T, <-chan T, chan<- T
  MapType,      // map[K]V
  StructType,   // struct { ... }
  InterfaceType,// interface { ... }
  Ellipsis,     // ...T in a final parameter type
};

/// Sema's classification of an expression (go/types "operand mode").
enum class ExprMode : uint8_t {
  Invalid,   // not checked yet, or erroneous
  NoValue,   // call of a function without results
  Builtin,   // the name of a builtin function (only valid as callee)
  TypeExpr,  // the expression denotes a type
  Constant,  // a compile-time constant (constVal is set)
  Variable,  // addressable value (can be assigned to)
  Value,     // computed value
  CommaOk,   // value that may be used in a `v, ok` assignment (<-ch)
  Package,   // a package name (os), only valid before `.`
};

struct Expr : Node {
  const ExprKind kind;
  /// sema: the type of the value (after untyped-constant conversion: the
  /// final, typed type the value has where it is used). For TypeExpr mode,
  /// the denoted type.
  Type *type = nullptr;
  ExprMode mode = ExprMode::Invalid;
  /// parse: the height of this expression's tree (1 for a leaf; 0 if the
  /// parser never measured it). The parser rejects expressions higher than
  /// its kMaxHeight, so the phases that recurse over the tree (sema, irgen,
  /// LLVM) fit in the compiler's stack (driver/main.cpp).
  uint32_t height = 0;
  /// sema: set iff mode == Constant; already converted to `type`.
  std::shared_ptr<ConstValue> constVal;
  /// sema: the interface type this (non-interface or different interface)
  /// value is implicitly converted to where it is used (assignment,
  /// argument, result, comparison with an interface); irgen's genExpr
  /// applies it.
  Type *ifaceConv = nullptr;

  explicit Expr(ExprKind k) : kind(k) {}
};

struct BadExpr : Expr {
  BadExpr() : Expr(ExprKind::Bad) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Bad; }
};

struct Ident : Expr {
  std::string name;
  Object *obj = nullptr; // sema: what the name refers to (null for `_`)
  Ident() : Expr(ExprKind::Ident) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Ident; }
};

struct BasicLit : Expr {
  TokKind litKind; // Int, Float, Imag, Char, String
  std::string text; // the literal exactly as written (with quotes)
  BasicLit() : Expr(ExprKind::BasicLit) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::BasicLit; }
};

struct CompositeLit : Expr {
  Expr *typeExpr = nullptr; // may be null for elided inner literal types
  std::vector<Expr *> elts; // elements; KeyValue for keyed elements
  llvm::SMLoc lbrace, rbrace;
  CompositeLit() : Expr(ExprKind::CompositeLit) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::CompositeLit; }
};

struct FuncTypeExpr;
struct BlockStmt;
struct FuncDecl;

/// What sema learns about a function body (FuncDecl or FuncLit).
struct FuncInfo {
  /// sema: variables of enclosing functions this function refers to
  /// (directly or through nested literals), in first-use order. Each
  /// has Object::captured set, so its owner allocates it on the heap.
  std::vector<Object *> captures;
  /// sema: parameter and named-result objects, in order (blank/unnamed
  /// ones included as Objects named "_" or "" so indices line up).
  std::vector<Object *> params;
  std::vector<Object *> results;
  /// sema: the enclosing function (nullptr for top-level functions).
  FuncInfo *outer = nullptr;
  /// sema, methods: the receiver's object (named "", "_" or its name);
  /// irgen passes it as the first parameter, before `params`.
  Object *recv = nullptr;
  /// A printable name: "main.f", "main.main.func1", "main.f.func2.1".
  std::string name;
};

struct FuncLit : Expr {
  FuncTypeExpr *sig = nullptr;
  BlockStmt *body = nullptr;
  FuncInfo info;
  FuncLit() : Expr(ExprKind::FuncLit) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::FuncLit; }
};

struct ParenExpr : Expr {
  Expr *x = nullptr;
  ParenExpr() : Expr(ExprKind::Paren) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Paren; }
};

struct SelectorExpr : Expr {
  Expr *x = nullptr;
  Ident *sel = nullptr; // sema: sel->obj is the package member for os.Exit
  /// sema, for a field or a promoted method: the indices of the
  /// struct fields selected from x's struct type (after one implicit
  /// dereference if x is a pointer) down to the field itself, through
  /// embedded fields (each may be a pointer, dereferenced implicitly).
  /// For a method, the path to its receiver (empty: x itself).
  std::vector<int> path;
  /// sema: x has an interface type and sel is its method number k (in the
  /// interface's sorted method list); -1 otherwise.
  int ifaceMethod = -1;
  /// sema: sel->obj is a declared method (ObjKind::Func with a receiver):
  /// x.M is a method call's callee or a method value; with methodExpr, x
  /// is a type T or *T and T.M is a method expression, a func taking the
  /// receiver first (path then leads from T to the method's receiver).
  bool methodExpr = false;
  SelectorExpr() : Expr(ExprKind::Selector) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Selector; }
};

struct IndexExpr : Expr {
  Expr *x = nullptr;
  Expr *index = nullptr;
  llvm::SMLoc lbrack;
  IndexExpr() : Expr(ExprKind::Index) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Index; }
};

struct SliceExpr : Expr {
  Expr *x = nullptr;
  Expr *lo = nullptr, *hi = nullptr, *max = nullptr; // each may be null
  bool slice3 = false;
  llvm::SMLoc lbrack;
  SliceExpr() : Expr(ExprKind::Slice) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Slice; }
};

struct TypeAssertExpr : Expr {
  Expr *x = nullptr;
  Expr *typeExpr = nullptr; // nullptr for x.(type)
  TypeAssertExpr() : Expr(ExprKind::TypeAssert) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::TypeAssert; }
};

/// How sema resolved a call.
enum class CallKind : uint8_t {
  Unresolved,
  Regular,    // call of a function or func value
  Conversion, // T(x)
  Builtin,    // len, cap, make, append, copy, print, println, panic, ...
};

struct CallExpr : Expr {
  Expr *fun = nullptr;
  std::vector<Expr *> args;
  bool hasEllipsis = false; // f(xs...)
  llvm::SMLoc lparen, rparen;
  CallKind callKind = CallKind::Unresolved; // sema
  /// sema: copy(f()), append(f()), delete(f()) with a multi-value f: one
  /// placeholder argument per result of args[0] (typed and checked by sema
  /// in args' place); irgen evaluates args[0] once and gives each
  /// placeholder its result (IRGenExpr.cpp: genSpreadBuiltin).
  std::vector<std::unique_ptr<Expr>> spreadArgs;
  CallExpr() : Expr(ExprKind::Call) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Call; }
};

struct StarExpr : Expr {
  Expr *x = nullptr;
  StarExpr() : Expr(ExprKind::Star) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Star; }
};

struct UnaryExpr : Expr {
  TokKind op; // Add, Sub, Not, Xor, And (&x), Arrow (<-x)
  Expr *x = nullptr;
  UnaryExpr() : Expr(ExprKind::Unary) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Unary; }
};

struct BinaryExpr : Expr {
  TokKind op; // Add Sub Mul Quo Rem And Or Xor Shl Shr AndNot LAnd LOr Eql Neq Lss Leq Gtr Geq
  Expr *x = nullptr, *y = nullptr;
  llvm::SMLoc opPos;
  BinaryExpr() : Expr(ExprKind::Binary) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Binary; }
};

struct KeyValueExpr : Expr {
  Expr *key = nullptr, *value = nullptr;
  KeyValueExpr() : Expr(ExprKind::KeyValue) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::KeyValue; }
};

/// [N]T, [...]T, or []T (len == nullptr && !dots).
struct ArrayTypeExpr : Expr {
  Expr *len = nullptr;
  bool dots = false; // [...]T (only in composite literals)
  Expr *elem = nullptr;
  ArrayTypeExpr() : Expr(ExprKind::ArrayType) {}
  bool isSlice() const { return !len && !dots; }
  static bool classof(const Expr *e) { return e->kind == ExprKind::ArrayType; }
};

/// One parameter group: `a, b int` has names {a, b}; `int` has no names.
struct Field : Node {
  std::vector<Ident *> names;
  Expr *typeExpr = nullptr; // EllipsisExpr for a variadic final parameter
  std::string tag;          // struct fields only
  bool embedded = false;    // struct fields only
};

struct FuncTypeExpr : Expr {
  std::vector<Field *> params;
  std::vector<Field *> results;
  FuncTypeExpr() : Expr(ExprKind::FuncType) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::FuncType; }
};

enum class ChanDir : uint8_t { Both, Send, Recv };

struct ChanTypeExpr : Expr {
  ChanDir dir = ChanDir::Both;
  Expr *elem = nullptr;
  ChanTypeExpr() : Expr(ExprKind::ChanType) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::ChanType; }
};

struct MapTypeExpr : Expr {
  Expr *key = nullptr, *value = nullptr;
  MapTypeExpr() : Expr(ExprKind::MapType) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::MapType; }
};

struct StructTypeExpr : Expr {
  std::vector<Field *> fields;
  StructTypeExpr() : Expr(ExprKind::StructType) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::StructType; }
};

struct InterfaceTypeExpr : Expr {
  std::vector<Field *> methods; // names.size()==1 && FuncType, or embedded
  InterfaceTypeExpr() : Expr(ExprKind::InterfaceType) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::InterfaceType; }
};

struct EllipsisExpr : Expr {
  Expr *elem = nullptr;
  EllipsisExpr() : Expr(ExprKind::Ellipsis) {}
  static bool classof(const Expr *e) { return e->kind == ExprKind::Ellipsis; }
};

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

enum class StmtKind {
  Bad, Decl, Empty, Labeled, Expr, Send, IncDec, Assign, Go, Defer, Return,
  Branch, Block, If, CaseClause, Switch, TypeSwitch, CommClause, Select, For,
  Range,
};

struct Stmt : Node {
  const StmtKind kind;
  explicit Stmt(StmtKind k) : kind(k) {}
};

struct BadStmt : Stmt {
  BadStmt() : Stmt(StmtKind::Bad) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Bad; }
};

struct GenDecl;
/// var/const/type declaration inside a function.
struct DeclStmt : Stmt {
  GenDecl *decl = nullptr;
  DeclStmt() : Stmt(StmtKind::Decl) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Decl; }
};

struct EmptyStmt : Stmt {
  EmptyStmt() : Stmt(StmtKind::Empty) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Empty; }
};

struct LabeledStmt : Stmt {
  Ident *label = nullptr;
  Stmt *stmt = nullptr;
  Object *obj = nullptr; // sema: the label object
  LabeledStmt() : Stmt(StmtKind::Labeled) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Labeled; }
};

struct ExprStmt : Stmt {
  Expr *x = nullptr;
  ExprStmt() : Stmt(StmtKind::Expr) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Expr; }
};

struct SendStmt : Stmt {
  Expr *chan = nullptr, *value = nullptr;
  SendStmt() : Stmt(StmtKind::Send) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Send; }
};

struct IncDecStmt : Stmt {
  Expr *x = nullptr;
  bool inc = true;
  IncDecStmt() : Stmt(StmtKind::IncDec) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::IncDec; }
};

struct AssignStmt : Stmt {
  std::vector<Expr *> lhs;
  /// Assign (=), Define (:=), or an op-assign token (AddAssign, ...).
  TokKind tok;
  std::vector<Expr *> rhs;
  /// sema, for Define: which lhs idents declare a new variable (the rest
  /// are assignments to existing ones). Same length as lhs.
  std::vector<bool> isNew;
  AssignStmt() : Stmt(StmtKind::Assign) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Assign; }
};

struct GoStmt : Stmt {
  CallExpr *call = nullptr;
  GoStmt() : Stmt(StmtKind::Go) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Go; }
};

struct DeferStmt : Stmt {
  CallExpr *call = nullptr;
  DeferStmt() : Stmt(StmtKind::Defer) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Defer; }
};

struct ReturnStmt : Stmt {
  std::vector<Expr *> results;
  ReturnStmt() : Stmt(StmtKind::Return) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Return; }
};

struct BranchStmt : Stmt {
  TokKind tok;            // Break, Continue, Goto, Fallthrough
  Ident *label = nullptr; // may be null
  /// sema: the statement this break/continue targets (For, Range, Switch,
  /// TypeSwitch, Select); for goto the LabeledStmt.
  Stmt *target = nullptr;
  BranchStmt() : Stmt(StmtKind::Branch) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Branch; }
};

struct BlockStmt : Stmt {
  std::vector<Stmt *> stmts;
  llvm::SMLoc rbrace;
  BlockStmt() : Stmt(StmtKind::Block) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Block; }
};

struct IfStmt : Stmt {
  Stmt *init = nullptr;
  Expr *cond = nullptr;
  BlockStmt *then = nullptr;
  Stmt *els = nullptr; // BlockStmt, IfStmt or null
  IfStmt() : Stmt(StmtKind::If) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::If; }
};

/// `case a, b:` or `default:` (list empty) in a switch / type switch.
struct CaseClause : Stmt {
  std::vector<Expr *> list; // empty => default
  std::vector<Stmt *> body;
  /// sema (type switch with `v := x.(type)`): the implicit variable of
  /// this clause.
  Object *implicitObj = nullptr;
  CaseClause() : Stmt(StmtKind::CaseClause) {}
  bool isDefault() const { return list.empty(); }
  static bool classof(const Stmt *s) { return s->kind == StmtKind::CaseClause; }
};

struct SwitchStmt : Stmt {
  Stmt *init = nullptr;
  Expr *tag = nullptr; // null for a tagless switch
  std::vector<CaseClause *> clauses;
  SwitchStmt() : Stmt(StmtKind::Switch) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Switch; }
};

struct TypeSwitchStmt : Stmt {
  Stmt *init = nullptr;
  Ident *binding = nullptr; // v in `switch v := x.(type)`, or null
  Expr *x = nullptr;        // the operand of .(type)
  std::vector<CaseClause *> clauses;
  TypeSwitchStmt() : Stmt(StmtKind::TypeSwitch) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::TypeSwitch; }
};

/// `case <-c:`, `case v := <-c:`, `case v, ok = <-c:`, `case c <- v:`,
/// or `default:` (comm == null).
struct CommClause : Stmt {
  Stmt *comm = nullptr; // SendStmt, ExprStmt(<-c), AssignStmt(lhs = <-c); null => default
  std::vector<Stmt *> body;
  CommClause() : Stmt(StmtKind::CommClause) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::CommClause; }
};

struct SelectStmt : Stmt {
  std::vector<CommClause *> clauses;
  SelectStmt() : Stmt(StmtKind::Select) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Select; }
};

struct ForStmt : Stmt {
  Stmt *init = nullptr;
  Expr *cond = nullptr; // null => infinite
  Stmt *post = nullptr;
  BlockStmt *body = nullptr;
  ForStmt() : Stmt(StmtKind::For) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::For; }
};

/// for k, v := range x / for k, v = range x / for range x
struct RangeStmt : Stmt {
  Expr *key = nullptr, *value = nullptr; // each may be null
  TokKind tok = TokKind::Illegal;        // Define, Assign, or Illegal (no vars)
  Expr *x = nullptr;
  BlockStmt *body = nullptr;
  RangeStmt() : Stmt(StmtKind::Range) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Range; }
};

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

enum class SpecKind { Import, Value, Type };

struct Spec : Node {
  const SpecKind kind;
  explicit Spec(SpecKind k) : kind(k) {}
};

struct ImportSpec : Spec {
  Ident *name = nullptr; // optional local name (. or _ or an identifier)
  std::string path;      // unquoted import path, e.g. "os"
  llvm::SMLoc pathPos;
  ImportSpec() : Spec(SpecKind::Import) {}
  static bool classof(const Spec *s) { return s->kind == SpecKind::Import; }
};

/// One line of a var or const declaration: `a, b int = 1, 2`.
struct ValueSpec : Spec {
  std::vector<Ident *> names;
  Expr *typeExpr = nullptr;    // may be null
  std::vector<Expr *> values;  // may be empty
  /// const only: the value of iota for this spec, and whether the values
  /// were written or are the implicit repetition of the previous spec's
  /// (then `values`/`typeExpr` point at the previous spec's expressions,
  /// shared: sema must check them afresh for each spec, with this iota).
  int64_t iota = 0;
  bool implicit = false;
  ValueSpec() : Spec(SpecKind::Value) {}
  static bool classof(const Spec *s) { return s->kind == SpecKind::Value; }
};

struct TypeSpec : Spec {
  Ident *name = nullptr;
  bool alias = false; // type A = B
  Expr *typeExpr = nullptr;
  TypeSpec() : Spec(SpecKind::Type) {}
  static bool classof(const Spec *s) { return s->kind == SpecKind::Type; }
};

enum class DeclKind { Gen, Func };

struct Decl : Node {
  const DeclKind kind;
  explicit Decl(DeclKind k) : kind(k) {}
};

/// import/var/const/type, grouped `( ... )` or single.
struct GenDecl : Decl {
  TokKind tok; // Import, Var, Const, Type
  std::vector<Spec *> specs;
  GenDecl() : Decl(DeclKind::Gen) {}
  static bool classof(const Decl *d) { return d->kind == DeclKind::Gen; }
};

struct FuncDecl : Decl {
  Field *recv = nullptr; // methods only
  Ident *name = nullptr;
  FuncTypeExpr *sig = nullptr;
  BlockStmt *body = nullptr; // null for a body-less declaration
  FuncInfo info;
  FuncDecl() : Decl(DeclKind::Func) {}
  static bool classof(const Decl *d) { return d->kind == DeclKind::Func; }
};

struct File : Node {
  std::string filename;
  Ident *packageName = nullptr;
  std::vector<ImportSpec *> imports;
  std::vector<Decl *> decls; // in source order (imports included as GenDecls)
  /// sema: package-level variables in initialisation order (Go's
  /// dependency order), each with the ValueSpec that initialises it.
  /// irgen runs these before main.main. A spec with several names and one
  /// multi-value rhs appears once, at its first name; a spec with as many
  /// values as names (`var a, b = x, y`) once per name, each name being
  /// initialised alone in its turn (spec: dependency order is per
  /// variable), with the name's index in initIndex.
  std::vector<ValueSpec *> initOrder;
  /// Parallel to initOrder: -1 (the whole spec) or the one name's index.
  /// May be shorter (unit tests fill initOrder alone): missing is -1.
  std::vector<int> initIndex;
  /// sema: `func init()` declarations in source order.
  std::vector<FuncDecl *> inits;
};

/// One package: the files of one directory (or the files named on glc's
/// command line), as the loader (driver/Loader.h) found them.
struct Package {
  /// The import path ("unicode/utf8", "example.com/m/util"); "main" for
  /// the command's package. It prefixes the package's symbols (Go's
  /// linker names: main.f, unicode/utf8.RuneLen, example.com/m/util.(*T).M).
  std::string path;
  std::string name;            // the package clause's name
  std::string dir;             // where its files are (for messages)
  bool isStd = false;          // loaded from stdlib/ (body-less funcs allowed)
  std::vector<File *> files;   // in file-name order (gc's)
  std::vector<Package *> imports; // direct dependencies, without duplicates
  /// sema: package-level variables in initialisation order across all
  /// files (File::initOrder's meaning, for the whole package).
  std::vector<ValueSpec *> initOrder;
  std::vector<int> initIndex; // File::initIndex's meaning
  /// sema: `func init()` declarations, in file order then source order.
  std::vector<FuncDecl *> inits;
  /// The symbol prefix: path, with "main" for the command.
  const std::string &symPrefix() const { return path; }
};

//===----------------------------------------------------------------------===//
// ASTContext: owns every node.
//===----------------------------------------------------------------------===//

class ASTContext {
public:
  template <typename T, typename... Args> T *make(llvm::SMLoc pos, Args &&...args) {
    auto node = std::make_unique<T>(std::forward<Args>(args)...);
    node->pos = pos;
    T *raw = node.get();
    nodes_.push_back(std::move(node));
    return raw;
  }

private:
  std::vector<std::unique_ptr<Node>> nodes_;
};

} // namespace glc

#endif // GLC_PARSE_AST_H
