//===- ASTDump.cpp - printing the AST ----------------------------------------===//
//
// dumpAST: an indented S-expression, one node per line, used by tests. It
// only reads the tree; sema annotations are not printed. Null children print
// as "nil" so a partial tree (after syntax errors) can still be dumped. The
// Go-syntax printer (exprString, stmtString) is in ASTUtil.cpp.
//===----------------------------------------------------------------------===//
#include "parse/ASTDump.h"

using namespace glc;
using llvm::raw_ostream;

namespace {

class Dumper {
public:
  explicit Dumper(raw_ostream &os) : os_(os) {}

  void line(unsigned ind) { os_ << '\n' << std::string(ind, ' '); }

  void expr(const Expr *e, unsigned ind);
  void stmt(const Stmt *s, unsigned ind);
  void fields(const char *tag, const std::vector<Field *> &fs, unsigned ind);
  void field(const Field *f, unsigned ind);
  void spec(const Spec *s, unsigned ind);
  void decl(const Decl *d, unsigned ind);
  void stmts(const std::vector<Stmt *> &l, unsigned ind) {
    for (const Stmt *s : l) {
      line(ind);
      stmt(s, ind);
    }
  }
  void exprs(const std::vector<Expr *> &l, unsigned ind) {
    for (const Expr *e : l) {
      line(ind);
      expr(e, ind);
    }
  }
  void child(const Expr *e, unsigned ind) {
    line(ind);
    expr(e, ind);
  }
  void child(const Stmt *s, unsigned ind) {
    line(ind);
    stmt(s, ind);
  }

private:
  raw_ostream &os_;
};

const char *chanDir(ChanDir d) {
  switch (d) {
  case ChanDir::Both: return "both";
  case ChanDir::Send: return "send";
  case ChanDir::Recv: return "recv";
  }
  return "?";
}

const char *litKindName(TokKind k) {
  switch (k) {
  case TokKind::Int: return "Int";
  case TokKind::Float: return "Float";
  case TokKind::Imag: return "Imag";
  case TokKind::Char: return "Char";
  case TokKind::String: return "String";
  default: return "?";
  }
}

void Dumper::expr(const Expr *e, unsigned ind) {
  if (!e) {
    os_ << "nil";
    return;
  }
  unsigned in = ind + 2;
  switch (e->kind) {
  case ExprKind::Bad:
    os_ << "(Bad)";
    return;
  case ExprKind::Ident:
    os_ << "(Ident " << llvm::cast<Ident>(e)->name << ")";
    return;
  case ExprKind::BasicLit: {
    auto *b = llvm::cast<BasicLit>(e);
    os_ << "(BasicLit " << litKindName(b->litKind) << " " << b->text << ")";
    return;
  }
  case ExprKind::CompositeLit: {
    auto *c = llvm::cast<CompositeLit>(e);
    os_ << "(CompositeLit";
    child(c->typeExpr, in);
    exprs(c->elts, in);
    break;
  }
  case ExprKind::FuncLit: {
    auto *f = llvm::cast<FuncLit>(e);
    os_ << "(FuncLit";
    child(f->sig, in);
    child(f->body, in);
    break;
  }
  case ExprKind::Paren:
    os_ << "(Paren";
    child(llvm::cast<ParenExpr>(e)->x, in);
    break;
  case ExprKind::Selector: {
    auto *s = llvm::cast<SelectorExpr>(e);
    os_ << "(Selector " << (s->sel ? s->sel->name : "?");
    child(s->x, in);
    break;
  }
  case ExprKind::Index: {
    auto *x = llvm::cast<IndexExpr>(e);
    os_ << "(Index";
    child(x->x, in);
    child(x->index, in);
    break;
  }
  case ExprKind::Slice: {
    auto *s = llvm::cast<SliceExpr>(e);
    os_ << (s->slice3 ? "(Slice3" : "(Slice");
    child(s->x, in);
    child(s->lo, in);
    child(s->hi, in);
    if (s->slice3)
      child(s->max, in);
    break;
  }
  case ExprKind::TypeAssert: {
    auto *t = llvm::cast<TypeAssertExpr>(e);
    os_ << "(TypeAssert";
    child(t->x, in);
    if (t->typeExpr)
      child(t->typeExpr, in);
    else {
      line(in);
      os_ << "type";
    }
    break;
  }
  case ExprKind::Call: {
    auto *c = llvm::cast<CallExpr>(e);
    os_ << (c->hasEllipsis ? "(Call..." : "(Call");
    child(c->fun, in);
    exprs(c->args, in);
    break;
  }
  case ExprKind::Star:
    os_ << "(Star";
    child(llvm::cast<StarExpr>(e)->x, in);
    break;
  case ExprKind::Unary: {
    auto *u = llvm::cast<UnaryExpr>(e);
    os_ << "(Unary " << tokSpelling(u->op);
    child(u->x, in);
    break;
  }
  case ExprKind::Binary: {
    auto *b = llvm::cast<BinaryExpr>(e);
    os_ << "(Binary " << tokSpelling(b->op);
    child(b->x, in);
    child(b->y, in);
    break;
  }
  case ExprKind::KeyValue: {
    auto *kv = llvm::cast<KeyValueExpr>(e);
    os_ << "(KeyValue";
    child(kv->key, in);
    child(kv->value, in);
    break;
  }
  case ExprKind::ArrayType: {
    auto *a = llvm::cast<ArrayTypeExpr>(e);
    if (a->isSlice()) {
      os_ << "(SliceType";
    } else if (a->dots) {
      os_ << "(ArrayType ...";
    } else {
      os_ << "(ArrayType";
      child(a->len, in);
    }
    child(a->elem, in);
    break;
  }
  case ExprKind::FuncType: {
    auto *f = llvm::cast<FuncTypeExpr>(e);
    os_ << "(FuncType";
    fields("Params", f->params, in);
    fields("Results", f->results, in);
    break;
  }
  case ExprKind::ChanType: {
    auto *c = llvm::cast<ChanTypeExpr>(e);
    os_ << "(ChanType " << chanDir(c->dir);
    child(c->elem, in);
    break;
  }
  case ExprKind::MapType: {
    auto *m = llvm::cast<MapTypeExpr>(e);
    os_ << "(MapType";
    child(m->key, in);
    child(m->value, in);
    break;
  }
  case ExprKind::StructType:
    os_ << "(StructType";
    for (const Field *f : llvm::cast<StructTypeExpr>(e)->fields) {
      line(in);
      field(f, in);
    }
    break;
  case ExprKind::InterfaceType:
    os_ << "(InterfaceType";
    for (const Field *f : llvm::cast<InterfaceTypeExpr>(e)->methods) {
      line(in);
      field(f, in);
    }
    break;
  case ExprKind::Ellipsis:
    os_ << "(Ellipsis";
    child(llvm::cast<EllipsisExpr>(e)->elem, in);
    break;
  }
  os_ << ")";
}

void Dumper::fields(const char *tag, const std::vector<Field *> &fs, unsigned ind) {
  if (fs.empty())
    return;
  line(ind);
  os_ << "(" << tag;
  for (const Field *f : fs) {
    line(ind + 2);
    field(f, ind + 2);
  }
  os_ << ")";
}

void Dumper::field(const Field *f, unsigned ind) {
  os_ << (f->embedded ? "(Embedded" : "(Field");
  for (const Ident *n : f->names)
    os_ << " " << n->name;
  if (!f->tag.empty()) {
    os_ << " tag=\"";
    os_.write_escaped(f->tag);
    os_ << "\"";
  }
  child(f->typeExpr, ind + 2);
  os_ << ")";
}

void Dumper::stmt(const Stmt *s, unsigned ind) {
  if (!s) {
    os_ << "nil";
    return;
  }
  unsigned in = ind + 2;
  switch (s->kind) {
  case StmtKind::Bad:
    os_ << "(BadStmt)";
    return;
  case StmtKind::Decl:
    os_ << "(DeclStmt";
    line(in);
    decl(llvm::cast<DeclStmt>(s)->decl, in);
    break;
  case StmtKind::Empty:
    os_ << "(Empty)";
    return;
  case StmtKind::Labeled: {
    auto *l = llvm::cast<LabeledStmt>(s);
    os_ << "(Labeled " << l->label->name;
    child(l->stmt, in);
    break;
  }
  case StmtKind::Expr:
    os_ << "(ExprStmt";
    child(llvm::cast<ExprStmt>(s)->x, in);
    break;
  case StmtKind::Send: {
    auto *x = llvm::cast<SendStmt>(s);
    os_ << "(Send";
    child(x->chan, in);
    child(x->value, in);
    break;
  }
  case StmtKind::IncDec: {
    auto *x = llvm::cast<IncDecStmt>(s);
    os_ << (x->inc ? "(Inc" : "(Dec");
    child(x->x, in);
    break;
  }
  case StmtKind::Assign: {
    auto *a = llvm::cast<AssignStmt>(s);
    os_ << "(Assign " << tokSpelling(a->tok);
    line(in);
    os_ << "(Lhs";
    exprs(a->lhs, in + 2);
    os_ << ")";
    line(in);
    os_ << "(Rhs";
    exprs(a->rhs, in + 2);
    os_ << ")";
    break;
  }
  case StmtKind::Go:
    os_ << "(Go";
    child(llvm::cast<GoStmt>(s)->call, in);
    break;
  case StmtKind::Defer:
    os_ << "(Defer";
    child(llvm::cast<DeferStmt>(s)->call, in);
    break;
  case StmtKind::Return:
    os_ << "(Return";
    exprs(llvm::cast<ReturnStmt>(s)->results, in);
    break;
  case StmtKind::Branch: {
    auto *b = llvm::cast<BranchStmt>(s);
    os_ << "(Branch " << tokSpelling(b->tok);
    if (b->label)
      os_ << " " << b->label->name;
    break;
  }
  case StmtKind::Block:
    os_ << "(Block";
    stmts(llvm::cast<BlockStmt>(s)->stmts, in);
    break;
  case StmtKind::If: {
    auto *x = llvm::cast<IfStmt>(s);
    os_ << "(If";
    if (x->init) {
      line(in);
      os_ << "(Init ";
      stmt(x->init, in + 2);
      os_ << ")";
    }
    child(x->cond, in);
    child(x->then, in);
    if (x->els) {
      line(in);
      os_ << "(Else ";
      stmt(x->els, in + 2);
      os_ << ")";
    }
    break;
  }
  case StmtKind::CaseClause: {
    auto *c = llvm::cast<CaseClause>(s);
    os_ << (c->isDefault() ? "(Default" : "(Case");
    exprs(c->list, in);
    if (!c->body.empty()) {
      line(in);
      os_ << "(Body";
      stmts(c->body, in + 2);
      os_ << ")";
    }
    break;
  }
  case StmtKind::Switch: {
    auto *x = llvm::cast<SwitchStmt>(s);
    os_ << "(Switch";
    if (x->init) {
      line(in);
      os_ << "(Init ";
      stmt(x->init, in + 2);
      os_ << ")";
    }
    if (x->tag)
      child(x->tag, in);
    for (const CaseClause *c : x->clauses)
      child(c, in);
    break;
  }
  case StmtKind::TypeSwitch: {
    auto *x = llvm::cast<TypeSwitchStmt>(s);
    os_ << "(TypeSwitch";
    if (x->binding)
      os_ << " " << x->binding->name;
    if (x->init) {
      line(in);
      os_ << "(Init ";
      stmt(x->init, in + 2);
      os_ << ")";
    }
    child(x->x, in);
    for (const CaseClause *c : x->clauses)
      child(c, in);
    break;
  }
  case StmtKind::CommClause: {
    auto *c = llvm::cast<CommClause>(s);
    if (c->comm) {
      os_ << "(CommCase";
      child(c->comm, in);
    } else {
      os_ << "(CommDefault";
    }
    if (!c->body.empty()) {
      line(in);
      os_ << "(Body";
      stmts(c->body, in + 2);
      os_ << ")";
    }
    break;
  }
  case StmtKind::Select:
    os_ << "(Select";
    for (const CommClause *c : llvm::cast<SelectStmt>(s)->clauses)
      child(c, in);
    break;
  case StmtKind::For: {
    auto *f = llvm::cast<ForStmt>(s);
    os_ << "(For";
    line(in);
    os_ << "(Init ";
    stmt(f->init, in + 2);
    os_ << ")";
    line(in);
    os_ << "(Cond ";
    expr(f->cond, in + 2);
    os_ << ")";
    line(in);
    os_ << "(Post ";
    stmt(f->post, in + 2);
    os_ << ")";
    child(f->body, in);
    break;
  }
  case StmtKind::Range: {
    auto *r = llvm::cast<RangeStmt>(s);
    os_ << "(Range";
    if (r->tok != TokKind::Illegal)
      os_ << " " << tokSpelling(r->tok);
    line(in);
    os_ << "(Key ";
    expr(r->key, in + 2);
    os_ << ")";
    line(in);
    os_ << "(Value ";
    expr(r->value, in + 2);
    os_ << ")";
    child(r->x, in);
    child(r->body, in);
    break;
  }
  }
  os_ << ")";
}

void Dumper::spec(const Spec *s, unsigned ind) {
  unsigned in = ind + 2;
  switch (s->kind) {
  case SpecKind::Import: {
    auto *i = llvm::cast<ImportSpec>(s);
    os_ << "(ImportSpec";
    if (i->name)
      os_ << " " << i->name->name;
    os_ << " \"" << i->path << "\")";
    return;
  }
  case SpecKind::Value: {
    auto *v = llvm::cast<ValueSpec>(s);
    os_ << "(ValueSpec";
    for (const Ident *n : v->names)
      os_ << " " << n->name;
    if (v->iota)
      os_ << " iota=" << v->iota;
    if (v->implicit)
      os_ << " implicit";
    if (v->typeExpr) {
      line(in);
      os_ << "(Type ";
      expr(v->typeExpr, in + 2);
      os_ << ")";
    }
    exprs(v->values, in);
    os_ << ")";
    return;
  }
  case SpecKind::Type: {
    auto *t = llvm::cast<TypeSpec>(s);
    os_ << "(TypeSpec " << t->name->name << (t->alias ? " alias" : "");
    child(t->typeExpr, in);
    os_ << ")";
    return;
  }
  }
}

void Dumper::decl(const Decl *d, unsigned ind) {
  unsigned in = ind + 2;
  if (auto *g = llvm::dyn_cast<GenDecl>(d)) {
    os_ << "(GenDecl " << tokSpelling(g->tok);
    for (const Spec *s : g->specs) {
      line(in);
      spec(s, in);
    }
    os_ << ")";
    return;
  }
  auto *f = llvm::cast<FuncDecl>(d);
  os_ << "(FuncDecl " << (f->name ? f->name->name : "?");
  if (f->recv) {
    line(in);
    os_ << "(Recv ";
    field(f->recv, in + 2);
    os_ << ")";
  }
  child(f->sig, in);
  if (f->body)
    child(f->body, in);
  os_ << ")";
}

} // namespace

void glc::dumpExpr(const Expr *e, raw_ostream &os, unsigned indent) {
  Dumper(os).expr(e, indent);
}

void glc::dumpStmt(const Stmt *s, raw_ostream &os, unsigned indent) {
  Dumper(os).stmt(s, indent);
}

void glc::dumpAST(const File *f, raw_ostream &os) {
  Dumper d(os);
  os << "(File " << (f->packageName ? f->packageName->name : "?");
  for (const Decl *x : f->decls) {
    d.line(2);
    d.decl(x, 2);
  }
  os << ")\n";
}
