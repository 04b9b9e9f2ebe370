//===- ASTUtil.h - small questions and walks over the AST -------------------===//
//
// The helpers every phase needs on the syntax tree, in one place:
//
//   unparen(e)           e without enclosing parentheses.
//   isBlank(e)           the blank identifier `_` (possibly parenthesized).
//   opString(k)          an operator's spelling ("+", "<<", "&^", "<-").
//   exprString(e)        e in Go syntax, as gc's syntax.String prints it
//                        (parser diagnostics: "unexpected x, expecting chan").
//   shortExprString(e)   gc's short form (types2 operands in diagnostics):
//                        literal bodies, struct and interface fields are "…".
//   stmtString(s)        a simple statement in Go syntax ("x := 1").
//   forEachChild(n, fn)  calls fn on every non-null direct child of n.
//
// Whether an expression is the predeclared nil needs sema's name
// resolution: that is isNilExpr in sema/Types.h.
//
// forEachChild covers every node kind in AST.h with switches that have no
// default, so adding a node kind makes -Wswitch point here; a walk written
// with it needs no edit. fn must accept each child category it can meet:
// Expr *, Stmt *, Spec *, Decl *, Field * (a generic lambda taking `auto *`
// accepts all). Children are visited in source order. Ident children that
// only name things (Field::names, SelectorExpr::sel, labels, ValueSpec
// names, TypeSpec/FuncDecl names, ImportSpec::name, TypeSwitchStmt::binding)
// are visited too, as Expr *.
//===----------------------------------------------------------------------===//
#ifndef GLC_PARSE_ASTUTIL_H
#define GLC_PARSE_ASTUTIL_H

#include "parse/AST.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace glc {

inline Expr *unparen(Expr *e) {
  while (auto *p = llvm::dyn_cast_or_null<ParenExpr>(e))
    e = p->x;
  return e;
}
inline const Expr *unparen(const Expr *e) { return unparen(const_cast<Expr *>(e)); }

inline bool isBlank(const Expr *e) {
  auto *id = llvm::dyn_cast_or_null<Ident>(unparen(e));
  return id && id->name == "_";
}

/// The spelling of an operator token: "+", "<<", "&^", "<-", "++", "!".
inline std::string opString(TokKind k) { return tokSpelling(k).str(); }

/// How much of an expression the printer writes.
enum class ExprStyle {
  /// gc's syntax.String: the whole expression; a missing operand is
  /// "<nil>", a bad one "_"; `chan (<-chan T)` keeps its parentheses.
  Full,
  /// gc's ShortForm (types2's operand text): function and composite
  /// literal bodies and struct/interface fields are "…" (or empty when
  /// they are empty); a missing operand prints nothing, a bad one
  /// "<bad expr>".
  Short,
};
void printExpr(const Expr *e, llvm::raw_ostream &os, ExprStyle style = ExprStyle::Full);
std::string exprString(const Expr *e, ExprStyle style = ExprStyle::Full);
inline std::string shortExprString(const Expr *e) { return exprString(e, ExprStyle::Short); }
/// A simple statement (expression, send, inc/dec, assignment, range
/// clause) in Go syntax; other statements print as "<stmt>".
std::string stmtString(const Stmt *s);

//===----------------------------------------------------------------------===//
// forEachChild
//===----------------------------------------------------------------------===//

namespace astutil_detail {
template <typename T, typename Fn> void visit(T *x, Fn &fn) {
  if (x)
    fn(x);
}
template <typename T, typename Fn> void visitAll(const std::vector<T *> &xs, Fn &fn) {
  for (T *x : xs)
    visit(x, fn);
}
} // namespace astutil_detail

template <typename Fn> void forEachChild(Expr *e, Fn &&fn) {
  using astutil_detail::visit;
  using astutil_detail::visitAll;
  switch (e->kind) {
  case ExprKind::Bad:
  case ExprKind::Ident:
  case ExprKind::BasicLit:
    return;
  case ExprKind::CompositeLit: {
    auto *c = llvm::cast<CompositeLit>(e);
    visit<Expr>(c->typeExpr, fn);
    visitAll(c->elts, fn);
    return;
  }
  case ExprKind::FuncLit: {
    auto *f = llvm::cast<FuncLit>(e);
    visit<Expr>(f->sig, fn);
    visit<Stmt>(f->body, fn);
    return;
  }
  case ExprKind::Paren:
    visit(llvm::cast<ParenExpr>(e)->x, fn);
    return;
  case ExprKind::Selector:
    visit(llvm::cast<SelectorExpr>(e)->x, fn);
    visit<Expr>(llvm::cast<SelectorExpr>(e)->sel, fn);
    return;
  case ExprKind::Index:
    visit(llvm::cast<IndexExpr>(e)->x, fn);
    visit(llvm::cast<IndexExpr>(e)->index, fn);
    return;
  case ExprKind::Slice: {
    auto *s = llvm::cast<SliceExpr>(e);
    visit(s->x, fn);
    visit(s->lo, fn);
    visit(s->hi, fn);
    visit(s->max, fn);
    return;
  }
  case ExprKind::TypeAssert:
    visit(llvm::cast<TypeAssertExpr>(e)->x, fn);
    visit(llvm::cast<TypeAssertExpr>(e)->typeExpr, fn);
    return;
  case ExprKind::Call:
    visit(llvm::cast<CallExpr>(e)->fun, fn);
    visitAll(llvm::cast<CallExpr>(e)->args, fn);
    return;
  case ExprKind::Star:
    visit(llvm::cast<StarExpr>(e)->x, fn);
    return;
  case ExprKind::Unary:
    visit(llvm::cast<UnaryExpr>(e)->x, fn);
    return;
  case ExprKind::Binary:
    visit(llvm::cast<BinaryExpr>(e)->x, fn);
    visit(llvm::cast<BinaryExpr>(e)->y, fn);
    return;
  case ExprKind::KeyValue:
    visit(llvm::cast<KeyValueExpr>(e)->key, fn);
    visit(llvm::cast<KeyValueExpr>(e)->value, fn);
    return;
  case ExprKind::ArrayType:
    visit(llvm::cast<ArrayTypeExpr>(e)->len, fn);
    visit(llvm::cast<ArrayTypeExpr>(e)->elem, fn);
    return;
  case ExprKind::FuncType:
    visitAll(llvm::cast<FuncTypeExpr>(e)->params, fn);
    visitAll(llvm::cast<FuncTypeExpr>(e)->results, fn);
    return;
  case ExprKind::ChanType:
    visit(llvm::cast<ChanTypeExpr>(e)->elem, fn);
    return;
  case ExprKind::MapType:
    visit(llvm::cast<MapTypeExpr>(e)->key, fn);
    visit(llvm::cast<MapTypeExpr>(e)->value, fn);
    return;
  case ExprKind::StructType:
    visitAll(llvm::cast<StructTypeExpr>(e)->fields, fn);
    return;
  case ExprKind::InterfaceType:
    visitAll(llvm::cast<InterfaceTypeExpr>(e)->methods, fn);
    return;
  case ExprKind::Ellipsis:
    visit(llvm::cast<EllipsisExpr>(e)->elem, fn);
    return;
  }
}

template <typename Fn> void forEachChild(Field *f, Fn &&fn) {
  for (Ident *n : f->names)
    astutil_detail::visit<Expr>(n, fn);
  astutil_detail::visit(f->typeExpr, fn);
}

template <typename Fn> void forEachChild(Stmt *s, Fn &&fn) {
  using astutil_detail::visit;
  using astutil_detail::visitAll;
  switch (s->kind) {
  case StmtKind::Bad:
  case StmtKind::Empty:
    return;
  case StmtKind::Decl:
    visit<Decl>(llvm::cast<DeclStmt>(s)->decl, fn);
    return;
  case StmtKind::Labeled:
    visit<Expr>(llvm::cast<LabeledStmt>(s)->label, fn);
    visit(llvm::cast<LabeledStmt>(s)->stmt, fn);
    return;
  case StmtKind::Expr:
    visit(llvm::cast<ExprStmt>(s)->x, fn);
    return;
  case StmtKind::Send:
    visit(llvm::cast<SendStmt>(s)->chan, fn);
    visit(llvm::cast<SendStmt>(s)->value, fn);
    return;
  case StmtKind::IncDec:
    visit(llvm::cast<IncDecStmt>(s)->x, fn);
    return;
  case StmtKind::Assign:
    visitAll(llvm::cast<AssignStmt>(s)->lhs, fn);
    visitAll(llvm::cast<AssignStmt>(s)->rhs, fn);
    return;
  case StmtKind::Go:
    visit<Expr>(llvm::cast<GoStmt>(s)->call, fn);
    return;
  case StmtKind::Defer:
    visit<Expr>(llvm::cast<DeferStmt>(s)->call, fn);
    return;
  case StmtKind::Return:
    visitAll(llvm::cast<ReturnStmt>(s)->results, fn);
    return;
  case StmtKind::Branch:
    visit<Expr>(llvm::cast<BranchStmt>(s)->label, fn);
    return;
  case StmtKind::Block:
    visitAll(llvm::cast<BlockStmt>(s)->stmts, fn);
    return;
  case StmtKind::If: {
    auto *x = llvm::cast<IfStmt>(s);
    visit(x->init, fn);
    visit(x->cond, fn);
    visit<Stmt>(x->then, fn);
    visit(x->els, fn);
    return;
  }
  case StmtKind::CaseClause:
    visitAll(llvm::cast<CaseClause>(s)->list, fn);
    visitAll(llvm::cast<CaseClause>(s)->body, fn);
    return;
  case StmtKind::Switch: {
    auto *x = llvm::cast<SwitchStmt>(s);
    visit(x->init, fn);
    visit(x->tag, fn);
    for (CaseClause *c : x->clauses)
      visit<Stmt>(c, fn);
    return;
  }
  case StmtKind::TypeSwitch: {
    auto *x = llvm::cast<TypeSwitchStmt>(s);
    visit(x->init, fn);
    visit<Expr>(x->binding, fn);
    visit(x->x, fn);
    for (CaseClause *c : x->clauses)
      visit<Stmt>(c, fn);
    return;
  }
  case StmtKind::CommClause:
    visit(llvm::cast<CommClause>(s)->comm, fn);
    visitAll(llvm::cast<CommClause>(s)->body, fn);
    return;
  case StmtKind::Select:
    for (CommClause *c : llvm::cast<SelectStmt>(s)->clauses)
      visit<Stmt>(c, fn);
    return;
  case StmtKind::For: {
    auto *x = llvm::cast<ForStmt>(s);
    visit(x->init, fn);
    visit(x->cond, fn);
    visit(x->post, fn);
    visit<Stmt>(x->body, fn);
    return;
  }
  case StmtKind::Range: {
    auto *x = llvm::cast<RangeStmt>(s);
    visit(x->key, fn);
    visit(x->value, fn);
    visit(x->x, fn);
    visit<Stmt>(x->body, fn);
    return;
  }
  }
}

template <typename Fn> void forEachChild(Spec *s, Fn &&fn) {
  using astutil_detail::visit;
  using astutil_detail::visitAll;
  switch (s->kind) {
  case SpecKind::Import:
    visit<Expr>(llvm::cast<ImportSpec>(s)->name, fn);
    return;
  case SpecKind::Value: {
    auto *v = llvm::cast<ValueSpec>(s);
    for (Ident *n : v->names)
      visit<Expr>(n, fn);
    visit(v->typeExpr, fn);
    visitAll(v->values, fn);
    return;
  }
  case SpecKind::Type:
    visit<Expr>(llvm::cast<TypeSpec>(s)->name, fn);
    visit(llvm::cast<TypeSpec>(s)->typeExpr, fn);
    return;
  }
}

template <typename Fn> void forEachChild(Decl *d, Fn &&fn) {
  using astutil_detail::visit;
  switch (d->kind) {
  case DeclKind::Gen:
    astutil_detail::visitAll(llvm::cast<GenDecl>(d)->specs, fn);
    return;
  case DeclKind::Func: {
    auto *f = llvm::cast<FuncDecl>(d);
    visit(f->recv, fn);
    visit<Expr>(f->name, fn);
    visit<Expr>(f->sig, fn);
    visit<Stmt>(f->body, fn);
    return;
  }
  }
}

/// A File's children are its declarations (File::imports are the specs
/// of its import GenDecls, so they are not visited twice).
template <typename Fn> void forEachChild(File *f, Fn &&fn) {
  astutil_detail::visitAll(f->decls, fn);
}

} // namespace glc

#endif // GLC_PARSE_ASTUTIL_H
