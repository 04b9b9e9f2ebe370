//===- ASTUtil.cpp - printing expressions in Go syntax ----------------------===//
//
// One printer for both of gc's forms (ASTUtil.h, ExprStyle): binary
// operators with one blank on each side and no added parentheses, as
// cmd/compile/internal/syntax prints them; the short form also elides
// literal bodies and struct/interface fields as "…".
//===----------------------------------------------------------------------===//
#include "parse/ASTUtil.h"

using namespace glc;
using llvm::raw_ostream;

namespace {

class Printer {
public:
  Printer(raw_ostream &os, ExprStyle style) : os(os), full(style == ExprStyle::Full) {}

  void expr(const Expr *e);
  void list(const std::vector<Expr *> &l) {
    for (size_t i = 0; i < l.size(); ++i) {
      if (i)
        os << ", ";
      expr(l[i]);
    }
  }

private:
  void fields(const std::vector<Field *> &fs, const char *sep) {
    for (size_t i = 0; i < fs.size(); ++i) {
      if (i)
        os << sep;
      const Field *f = fs[i];
      for (size_t j = 0; j < f->names.size(); ++j)
        os << (j ? ", " : "") << f->names[j]->name;
      if (!f->names.empty())
        os << " ";
      expr(f->typeExpr);
    }
  }

  void sig(const FuncTypeExpr *f) {
    os << "(";
    fields(f->params, ", ");
    os << ")";
    if (f->results.empty())
      return;
    os << " ";
    if (f->results.size() == 1 && f->results[0]->names.empty()) {
      expr(f->results[0]->typeExpr);
      return;
    }
    os << "(";
    fields(f->results, ", ");
    os << ")";
  }

  raw_ostream &os;
  const bool full;
};

void Printer::expr(const Expr *e) {
  if (!e) {
    if (full)
      os << "<nil>";
    return;
  }
  switch (e->kind) {
  case ExprKind::Bad:
    os << (full ? "_" : "<bad expr>");
    return;
  case ExprKind::Ident:
    os << llvm::cast<Ident>(e)->name;
    return;
  case ExprKind::BasicLit:
    os << llvm::cast<BasicLit>(e)->text;
    return;
  case ExprKind::CompositeLit: {
    auto *c = llvm::cast<CompositeLit>(e);
    if (c->typeExpr)
      expr(c->typeExpr);
    os << (c->elts.empty() ? "{}" : "{…}");
    return;
  }
  case ExprKind::FuncLit: {
    auto *f = llvm::cast<FuncLit>(e);
    os << "func";
    sig(f->sig);
    // gc's full form elides every body; the short form shows an empty one.
    os << (full || (f->body && !f->body->stmts.empty()) ? " {…}" : " {}");
    return;
  }
  case ExprKind::Paren:
    os << "(";
    expr(llvm::cast<ParenExpr>(e)->x);
    os << ")";
    return;
  case ExprKind::Selector: {
    auto *s = llvm::cast<SelectorExpr>(e);
    expr(s->x);
    os << ".";
    expr(s->sel);
    return;
  }
  case ExprKind::Index: {
    auto *x = llvm::cast<IndexExpr>(e);
    expr(x->x);
    os << "[";
    expr(x->index);
    os << "]";
    return;
  }
  case ExprKind::Slice: {
    auto *s = llvm::cast<SliceExpr>(e);
    expr(s->x);
    os << "[";
    if (s->lo)
      expr(s->lo);
    os << ":";
    if (s->hi)
      expr(s->hi);
    // After a syntax error a 3-index slice may lack its max: the full
    // form shows it missing ("<nil>").
    if (full ? s->slice3 : s->max != nullptr) {
      os << ":";
      expr(s->max);
    }
    os << "]";
    return;
  }
  case ExprKind::TypeAssert: {
    auto *t = llvm::cast<TypeAssertExpr>(e);
    expr(t->x);
    os << ".(";
    if (t->typeExpr)
      expr(t->typeExpr);
    else
      os << "type";
    os << ")";
    return;
  }
  case ExprKind::Call: {
    auto *c = llvm::cast<CallExpr>(e);
    expr(c->fun);
    os << "(";
    list(c->args);
    if (c->hasEllipsis)
      os << "...";
    os << ")";
    return;
  }
  case ExprKind::Star:
    os << "*";
    expr(llvm::cast<StarExpr>(e)->x);
    return;
  case ExprKind::Unary: {
    auto *u = llvm::cast<UnaryExpr>(e);
    os << tokSpelling(u->op);
    expr(u->x);
    return;
  }
  case ExprKind::Binary: {
    auto *b = llvm::cast<BinaryExpr>(e);
    expr(b->x);
    os << " " << tokSpelling(b->op) << " ";
    expr(b->y);
    return;
  }
  case ExprKind::KeyValue: {
    auto *kv = llvm::cast<KeyValueExpr>(e);
    expr(kv->key);
    os << ": ";
    expr(kv->value);
    return;
  }
  case ExprKind::ArrayType: {
    auto *a = llvm::cast<ArrayTypeExpr>(e);
    os << "[";
    if (a->dots)
      os << "...";
    else if (a->len)
      expr(a->len);
    os << "]";
    expr(a->elem);
    return;
  }
  case ExprKind::FuncType:
    os << "func";
    sig(llvm::cast<FuncTypeExpr>(e));
    return;
  case ExprKind::ChanType: {
    auto *c = llvm::cast<ChanTypeExpr>(e);
    if (c->dir == ChanDir::Recv)
      os << "<-";
    os << "chan";
    if (c->dir == ChanDir::Send)
      os << "<-";
    os << " ";
    bool paren = full && c->dir == ChanDir::Both && llvm::isa_and_nonnull<ChanTypeExpr>(c->elem) &&
                 llvm::cast<ChanTypeExpr>(c->elem)->dir == ChanDir::Recv;
    if (paren)
      os << "(";
    expr(c->elem);
    if (paren)
      os << ")";
    return;
  }
  case ExprKind::MapType: {
    auto *m = llvm::cast<MapTypeExpr>(e);
    os << "map[";
    expr(m->key);
    os << "]";
    expr(m->value);
    return;
  }
  case ExprKind::StructType: {
    auto *s = llvm::cast<StructTypeExpr>(e);
    if (!full) {
      os << (s->fields.empty() ? "struct{}" : "struct{…}");
      return;
    }
    os << "struct{";
    fields(s->fields, "; ");
    os << "}";
    return;
  }
  case ExprKind::InterfaceType: {
    auto *it = llvm::cast<InterfaceTypeExpr>(e);
    if (!full) {
      os << (it->methods.empty() ? "interface{}" : "interface{…}");
      return;
    }
    os << "interface{";
    for (size_t i = 0; i < it->methods.size(); ++i) {
      if (i)
        os << "; ";
      const Field *f = it->methods[i];
      if (!f->names.empty() && llvm::isa_and_nonnull<FuncTypeExpr>(f->typeExpr)) {
        os << f->names[0]->name;
        sig(llvm::cast<FuncTypeExpr>(f->typeExpr));
      } else {
        expr(f->typeExpr);
      }
    }
    os << "}";
    return;
  }
  case ExprKind::Ellipsis:
    os << "...";
    expr(llvm::cast<EllipsisExpr>(e)->elem);
    return;
  }
}

} // namespace

void glc::printExpr(const Expr *e, raw_ostream &os, ExprStyle style) {
  Printer(os, style).expr(e);
}

std::string glc::exprString(const Expr *e, ExprStyle style) {
  std::string s;
  llvm::raw_string_ostream os(s);
  Printer(os, style).expr(e);
  return s;
}

std::string glc::stmtString(const Stmt *s) {
  std::string out;
  llvm::raw_string_ostream os(out);
  if (!s)
    return out;
  Printer p(os, ExprStyle::Full);
  switch (s->kind) {
  case StmtKind::Expr:
    p.expr(llvm::cast<ExprStmt>(s)->x);
    break;
  case StmtKind::Send: {
    auto *x = llvm::cast<SendStmt>(s);
    p.expr(x->chan);
    os << " <- ";
    p.expr(x->value);
    break;
  }
  case StmtKind::IncDec: {
    auto *x = llvm::cast<IncDecStmt>(s);
    p.expr(x->x);
    os << (x->inc ? "++" : "--");
    break;
  }
  case StmtKind::Assign: {
    auto *a = llvm::cast<AssignStmt>(s);
    p.list(a->lhs);
    os << " " << tokSpelling(a->tok) << " ";
    p.list(a->rhs);
    break;
  }
  case StmtKind::Range: {
    auto *r = llvm::cast<RangeStmt>(s);
    if (r->key) {
      p.expr(r->key);
      if (r->value) {
        os << ", ";
        p.expr(r->value);
      }
      os << " " << tokSpelling(r->tok) << " ";
    }
    os << "range ";
    p.expr(r->x);
    break;
  }
  default:
    os << "<stmt>";
  }
  return out;
}
