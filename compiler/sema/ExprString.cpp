//===- ExprString.cpp - gc's short form of an expression -------------------===//
//
// Mirrors cmd/compile/internal/syntax's ShortForm printer: binary operators
// are printed with one blank on each side and no added parentheses, and the
// bodies of function and composite literals become "…".
//===----------------------------------------------------------------------===//
#include "sema/ExprString.h"

using namespace glc;

static void write(std::string &out, const Expr *e);

std::string glc::opString(TokKind k) {
  switch (k) {
  case TokKind::Add: return "+";
  case TokKind::Sub: return "-";
  case TokKind::Mul: return "*";
  case TokKind::Quo: return "/";
  case TokKind::Rem: return "%";
  case TokKind::And: return "&";
  case TokKind::Or: return "|";
  case TokKind::Xor: return "^";
  case TokKind::Shl: return "<<";
  case TokKind::Shr: return ">>";
  case TokKind::AndNot: return "&^";
  case TokKind::LAnd: return "&&";
  case TokKind::LOr: return "||";
  case TokKind::Arrow: return "<-";
  case TokKind::Inc: return "++";
  case TokKind::Dec: return "--";
  case TokKind::Eql: return "==";
  case TokKind::Neq: return "!=";
  case TokKind::Lss: return "<";
  case TokKind::Leq: return "<=";
  case TokKind::Gtr: return ">";
  case TokKind::Geq: return ">=";
  case TokKind::Not: return "!";
  default: return "?";
  }
}

static void writeList(std::string &out, const std::vector<Expr *> &xs) {
  for (size_t i = 0; i < xs.size(); ++i) {
    if (i)
      out += ", ";
    write(out, xs[i]);
  }
}

static void writeFields(std::string &out, const std::vector<Field *> &fs) {
  for (size_t i = 0; i < fs.size(); ++i) {
    if (i)
      out += ", ";
    for (size_t j = 0; j < fs[i]->names.size(); ++j) {
      if (j)
        out += ", ";
      out += fs[i]->names[j]->name;
    }
    if (!fs[i]->names.empty())
      out += " ";
    write(out, fs[i]->typeExpr);
  }
}

static void writeSig(std::string &out, const FuncTypeExpr *f) {
  out += "(";
  writeFields(out, f->params);
  out += ")";
  if (f->results.empty())
    return;
  out += " ";
  if (f->results.size() == 1 && f->results[0]->names.empty()) {
    write(out, f->results[0]->typeExpr);
    return;
  }
  out += "(";
  writeFields(out, f->results);
  out += ")";
}

static void write(std::string &out, const Expr *e) {
  if (!e) {
    return;
  }
  switch (e->kind) {
  case ExprKind::Bad:
    out += "<bad expr>";
    return;
  case ExprKind::Ident:
    out += llvm::cast<Ident>(e)->name;
    return;
  case ExprKind::BasicLit:
    out += llvm::cast<BasicLit>(e)->text;
    return;
  case ExprKind::CompositeLit: {
    auto *c = llvm::cast<CompositeLit>(e);
    write(out, c->typeExpr);
    out += c->elts.empty() ? "{}" : "{…}";
    return;
  }
  case ExprKind::FuncLit: {
    auto *f = llvm::cast<FuncLit>(e);
    out += "func";
    writeSig(out, f->sig);
    out += (f->body && !f->body->stmts.empty()) ? " {…}" : " {}";
    return;
  }
  case ExprKind::Paren:
    out += "(";
    write(out, llvm::cast<ParenExpr>(e)->x);
    out += ")";
    return;
  case ExprKind::Selector: {
    auto *s = llvm::cast<SelectorExpr>(e);
    write(out, s->x);
    out += ".";
    write(out, s->sel);
    return;
  }
  case ExprKind::Index: {
    auto *i = llvm::cast<IndexExpr>(e);
    write(out, i->x);
    out += "[";
    write(out, i->index);
    out += "]";
    return;
  }
  case ExprKind::Slice: {
    auto *s = llvm::cast<SliceExpr>(e);
    write(out, s->x);
    out += "[";
    write(out, s->lo);
    out += ":";
    write(out, s->hi);
    if (s->max) {
      out += ":";
      write(out, s->max);
    }
    out += "]";
    return;
  }
  case ExprKind::TypeAssert: {
    auto *t = llvm::cast<TypeAssertExpr>(e);
    write(out, t->x);
    out += ".(";
    if (t->typeExpr)
      write(out, t->typeExpr);
    else
      out += "type";
    out += ")";
    return;
  }
  case ExprKind::Call: {
    auto *c = llvm::cast<CallExpr>(e);
    write(out, c->fun);
    out += "(";
    writeList(out, c->args);
    if (c->hasEllipsis)
      out += "...";
    out += ")";
    return;
  }
  case ExprKind::Star:
    out += "*";
    write(out, llvm::cast<StarExpr>(e)->x);
    return;
  case ExprKind::Unary: {
    auto *u = llvm::cast<UnaryExpr>(e);
    out += opString(u->op);
    write(out, u->x);
    return;
  }
  case ExprKind::Binary: {
    auto *b = llvm::cast<BinaryExpr>(e);
    write(out, b->x);
    out += " " + opString(b->op) + " ";
    write(out, b->y);
    return;
  }
  case ExprKind::KeyValue: {
    auto *kv = llvm::cast<KeyValueExpr>(e);
    write(out, kv->key);
    out += ": ";
    write(out, kv->value);
    return;
  }
  case ExprKind::ArrayType: {
    auto *a = llvm::cast<ArrayTypeExpr>(e);
    out += "[";
    if (a->dots)
      out += "...";
    else
      write(out, a->len);
    out += "]";
    write(out, a->elem);
    return;
  }
  case ExprKind::FuncType:
    out += "func";
    writeSig(out, llvm::cast<FuncTypeExpr>(e));
    return;
  case ExprKind::ChanType: {
    auto *c = llvm::cast<ChanTypeExpr>(e);
    if (c->dir == ChanDir::Recv)
      out += "<-";
    out += "chan";
    if (c->dir == ChanDir::Send)
      out += "<-";
    out += " ";
    write(out, c->elem);
    return;
  }
  case ExprKind::MapType: {
    auto *m = llvm::cast<MapTypeExpr>(e);
    out += "map[";
    write(out, m->key);
    out += "]";
    write(out, m->value);
    return;
  }
  case ExprKind::StructType:
    out += llvm::cast<StructTypeExpr>(e)->fields.empty() ? "struct{}" : "struct{…}";
    return;
  case ExprKind::InterfaceType:
    out += llvm::cast<InterfaceTypeExpr>(e)->methods.empty() ? "interface{}" : "interface{…}";
    return;
  case ExprKind::Ellipsis:
    out += "...";
    write(out, llvm::cast<EllipsisExpr>(e)->elem);
    return;
  }
}

std::string glc::shortExprString(const Expr *e) {
  std::string s;
  write(s, e);
  return s;
}
