//===- ParseStmt.cpp - statements -------------------------------------------===//
//
// Part of the parser; its state and conventions are in ParserImpl.h.
//===----------------------------------------------------------------------===//
#include "parse/ParserImpl.h"

using namespace glc;
using llvm::SMLoc;

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

// SimpleStmt = EmptyStmt | ExpressionStmt | SendStmt | IncDecStmt
//            | Assignment | ShortVarDecl .
// With keyword == For, also RangeClause.
Stmt *Parser::simpleStmt(std::vector<Expr *> lhs, TokKind keyword) {
  if (keyword == TokKind::For && is(TokKind::Range))
    return rangeClause({}, TokKind::Illegal, pos());
  if (lhs.empty())
    lhs = exprList();

  if (lhs.size() == 1 && !is(TokKind::Assign) && !is(TokKind::Define)) {
    SMLoc p = pos();
    switch (tok_.kind) {
    case TokKind::AddAssign: case TokKind::SubAssign: case TokKind::MulAssign:
    case TokKind::QuoAssign: case TokKind::RemAssign: case TokKind::AndAssign:
    case TokKind::OrAssign: case TokKind::XorAssign: case TokKind::ShlAssign:
    case TokKind::ShrAssign: case TokKind::AndNotAssign: {
      AssignStmt *a = make<AssignStmt>(p);
      a->tok = tok_.kind;
      next();
      a->lhs = lhs;
      a->rhs.push_back(expr());
      return a;
    }
    case TokKind::Inc:
    case TokKind::Dec: {
      IncDecStmt *s = make<IncDecStmt>(p);
      s->inc = is(TokKind::Inc);
      s->x = lhs[0];
      next();
      return s;
    }
    case TokKind::Arrow: {
      SendStmt *s = make<SendStmt>(p);
      next();
      s->chan = lhs[0];
      s->value = expr();
      return s;
    }
    default: {
      ExprStmt *s = make<ExprStmt>(lhs[0]->pos);
      s->x = lhs[0];
      return s;
    }
    }
  }

  if (is(TokKind::Assign) || is(TokKind::Define)) {
    SMLoc p = pos();
    TokKind op = tok_.kind;
    next();
    if (keyword == TokKind::For && is(TokKind::Range))
      return rangeClause(std::move(lhs), op, p);
    AssignStmt *a = make<AssignStmt>(p);
    a->tok = op;
    a->lhs = std::move(lhs);
    a->rhs = exprList();
    // switch v := x.(type)
    if (keyword == TokKind::Switch && op == TokKind::Define && a->rhs.size() == 1 &&
        a->lhs.size() == 1) {
      auto *ta = llvm::dyn_cast<TypeAssertExpr>(a->rhs[0]);
      auto *id = llvm::dyn_cast<Ident>(a->lhs[0]);
      if (ta && !ta->typeExpr && id) {
        typeSwitchBinding_[ta] = id;
        ExprStmt *s = make<ExprStmt>(ta->pos);
        s->x = ta;
        return s;
      }
    }
    return a;
  }

  syntaxError("expecting := or = or comma");
  advance({TokKind::Semicolon, TokKind::RBrace});
  ExprStmt *s = make<ExprStmt>(lhs[0]->pos);
  s->x = lhs[0];
  return s;
}

// RangeClause = [ ExpressionList "=" | IdentifierList ":=" ] "range" Expression .
RangeStmt *Parser::rangeClause(std::vector<Expr *> lhs, TokKind tok, SMLoc p) {
  RangeStmt *r = make<RangeStmt>(p);
  next(); // range
  r->tok = tok;
  if (lhs.size() > 0)
    r->key = lhs[0];
  if (lhs.size() > 1)
    r->value = lhs[1];
  if (lhs.size() > 2)
    errorAt(lhs[2]->pos, "range clause permits at most two iteration variables");
  r->x = expr();
  return r;
}

// LabeledStmt = Label ":" Statement .
Stmt *Parser::labeledStmtOrNil(Ident *label) {
  LabeledStmt *s = make<LabeledStmt>(label->pos);
  s->label = label;
  SMLoc colon = pos();
  want(TokKind::Colon);
  if (is(TokKind::RBrace)) {
    s->stmt = make<EmptyStmt>(pos());
    return s;
  }
  s->stmt = stmtOrNil();
  if (s->stmt)
    return s;
  syntaxErrorAt(colon, "missing statement after label");
  return nullptr;
}

// Block = "{" StatementList "}" .
BlockStmt *Parser::blockStmt(const char *context) {
  BlockStmt *b = make<BlockStmt>(pos());
  if (!got(TokKind::LBrace)) {
    syntaxError(std::string("expecting { after ") + context);
    advance({TokKind::Ident, TokKind::RBrace});
    b->rbrace = pos();
    if (got(TokKind::RBrace))
      return b;
  }
  b->stmts = stmtList();
  b->rbrace = pos();
  want(TokKind::RBrace);
  return b;
}

DeclStmt *Parser::declStmt() {
  DeclStmt *s = make<DeclStmt>(pos());
  s->decl = genDecl(tok_.kind);
  return s;
}

// The header of if/for/switch: [ init ";" ] cond [ ";" post ] (for only).
void Parser::header(TokKind keyword, Stmt *&init, Stmt *&cond, Stmt *&post) {
  init = cond = post = nullptr;
  want(keyword);
  if (is(TokKind::LBrace)) {
    if (keyword == TokKind::If) {
      syntaxError("missing condition in if statement");
      ExprStmt *s = make<ExprStmt>(pos());
      s->x = badExpr();
      cond = s;
    }
    return;
  }

  int outer = xnest_;
  xnest_ = -1;

  if (!is(TokKind::Semicolon)) {
    if (got(TokKind::Var))
      syntaxError(std::string("var declaration not allowed in ") + tokString(keyword) +
                  " initializer");
    init = simpleStmt({}, keyword);
    if (llvm::isa<RangeStmt>(init)) {
      xnest_ = outer;
      return;
    }
  }

  Stmt *condStmt = nullptr;
  bool haveSemi = false;
  SMLoc semiPos;
  std::string semiLit;
  if (!is(TokKind::LBrace)) {
    if (is(TokKind::Semicolon)) {
      haveSemi = true;
      semiPos = pos();
      semiLit = curTokString();
      next();
    } else {
      want(TokKind::LBrace);
      if (!is(TokKind::LBrace))
        advance({TokKind::LBrace, TokKind::RBrace});
    }
    if (keyword == TokKind::For) {
      if (!is(TokKind::Semicolon)) {
        if (is(TokKind::LBrace)) {
          syntaxError("expecting for loop condition");
          goto done;
        }
        condStmt = simpleStmt({}, TokKind::Illegal);
      }
      want(TokKind::Semicolon);
      if (!is(TokKind::LBrace)) {
        post = simpleStmt({}, TokKind::Illegal);
        if (auto *a = llvm::dyn_cast<AssignStmt>(post))
          if (a->tok == TokKind::Define)
            syntaxErrorAt(a->pos, "cannot declare in post statement of for loop");
      }
    } else if (!is(TokKind::LBrace)) {
      condStmt = simpleStmt({}, keyword);
    }
  } else {
    condStmt = init;
    init = nullptr;
  }

done:
  if (!condStmt) {
    if (keyword == TokKind::If && haveSemi) {
      if (semiLit != "semicolon")
        syntaxErrorAt(semiPos, "unexpected " + semiLit + ", expecting { after if clause");
      else
        syntaxErrorAt(semiPos, "missing condition in if statement");
      ExprStmt *s = make<ExprStmt>(semiPos);
      s->x = make<BadExpr>(semiPos);
      condStmt = s;
    }
  } else if (!llvm::isa<ExprStmt>(condStmt)) {
    std::string str;
    auto *as = llvm::dyn_cast<AssignStmt>(condStmt);
    if (as && as->tok == TokKind::Assign) {
      std::string l, r;
      for (size_t i = 0; i < as->lhs.size(); ++i)
        l += (i ? ", " : "") + exprString(as->lhs[i]);
      for (size_t i = 0; i < as->rhs.size(); ++i)
        r += (i ? ", " : "") + exprString(as->rhs[i]);
      str = "assignment (" + l + ") = (" + r + ")";
    } else {
      str = stmtString(condStmt);
    }
    SMLoc p = condStmt->pos;
    if (as)
      p = as->pos;
    syntaxErrorAt(p, "cannot use " + str + " as value");
  }
  cond = condStmt;
  xnest_ = outer;
}

// ForStmt = "for" [ Condition | ForClause | RangeClause ] Block .
// ForClause = [ InitStmt ] ";" [ Condition ] ";" [ PostStmt ] .
Stmt *Parser::forStmt() {
  SMLoc p = pos();
  Stmt *init, *cond, *post;
  header(TokKind::For, init, cond, post);
  if (auto *r = llvm::dyn_cast_or_null<RangeStmt>(init)) {
    r->pos = p;
    r->body = blockStmt("for clause");
    return r;
  }
  ForStmt *f = make<ForStmt>(p);
  f->init = init;
  if (auto *es = llvm::dyn_cast_or_null<ExprStmt>(cond))
    f->cond = es->x;
  else if (cond)
    f->cond = make<BadExpr>(cond->pos);
  f->post = post;
  f->body = blockStmt("for clause");
  return f;
}

// IfStmt = "if" [ SimpleStmt ";" ] Expression Block [ "else" ( IfStmt | Block ) ] .
IfStmt *Parser::ifStmt() {
  IfStmt *s = make<IfStmt>(pos());
  Stmt *init, *cond, *post;
  header(TokKind::If, init, cond, post);
  s->init = init;
  if (auto *es = llvm::dyn_cast_or_null<ExprStmt>(cond))
    s->cond = es->x;
  else
    s->cond = make<BadExpr>(cond ? cond->pos : s->pos);
  s->then = blockStmt("if clause");
  if (got(TokKind::Else)) {
    if (is(TokKind::If)) {
      s->els = ifStmt();
    } else if (is(TokKind::LBrace)) {
      s->els = blockStmt("");
    } else {
      syntaxError("else must be followed by if or statement block");
      advance({TokKind::Ident, TokKind::RBrace});
    }
  }
  return s;
}

// ExprSwitchStmt = "switch" [ SimpleStmt ";" ] [ Expression ] "{" { ExprCaseClause } "}" .
// TypeSwitchStmt = "switch" [ SimpleStmt ";" ] TypeSwitchGuard "{" { TypeCaseClause } "}" .
// TypeSwitchGuard = [ identifier ":=" ] PrimaryExpr "." "(" "type" ")" .
Stmt *Parser::switchStmt() {
  SMLoc p = pos();
  Stmt *init, *cond, *post;
  header(TokKind::Switch, init, cond, post);
  std::vector<CaseClause *> clauses;
  if (!got(TokKind::LBrace)) {
    syntaxError("missing { after switch clause");
    advance({TokKind::Case, TokKind::Default, TokKind::RBrace});
  }
  const char *last = nullptr;
  while (!is(TokKind::EOF_) && !is(TokKind::RBrace)) {
    progress(last);
    if (is(TokKind::EOF_) || is(TokKind::RBrace))
      break;
    clauses.push_back(caseClause());
  }
  want(TokKind::RBrace);

  Expr *tag = nullptr;
  if (auto *es = llvm::dyn_cast_or_null<ExprStmt>(cond))
    tag = es->x;
  else if (cond)
    tag = make<BadExpr>(cond->pos);
  if (auto *ta = llvm::dyn_cast_or_null<TypeAssertExpr>(tag)) {
    if (!ta->typeExpr) {
      TypeSwitchStmt *ts = make<TypeSwitchStmt>(p);
      ts->init = init;
      ts->binding = typeSwitchBinding_.lookup(ta);
      ts->x = ta->x;
      ts->clauses = std::move(clauses);
      return ts;
    }
  }
  SwitchStmt *s = make<SwitchStmt>(p);
  s->init = init;
  s->tag = tag;
  s->clauses = std::move(clauses);
  return s;
}

// SelectStmt = "select" "{" { CommClause } "}" .
SelectStmt *Parser::selectStmt() {
  SelectStmt *s = make<SelectStmt>(pos());
  want(TokKind::Select);
  if (!got(TokKind::LBrace)) {
    syntaxError("missing { after select clause");
    advance({TokKind::Case, TokKind::Default, TokKind::RBrace});
  }
  const char *last = nullptr;
  while (!is(TokKind::EOF_) && !is(TokKind::RBrace)) {
    progress(last);
    if (is(TokKind::EOF_) || is(TokKind::RBrace))
      break;
    s->clauses.push_back(commClause());
  }
  want(TokKind::RBrace);
  return s;
}

// ExprCaseClause = ExprSwitchCase ":" StatementList .
// ExprSwitchCase = "case" ExpressionList | "default" .
// (type switch cases: "case" TypeList, parsed as expressions)
CaseClause *Parser::caseClause() {
  CaseClause *c = make<CaseClause>(pos());
  switch (tok_.kind) {
  case TokKind::Case:
    next();
    c->list = exprList();
    break;
  case TokKind::Default:
    next();
    break;
  default:
    syntaxError("expecting case or default or }");
    advance({TokKind::Colon, TokKind::Case, TokKind::Default, TokKind::RBrace});
  }
  want(TokKind::Colon);
  c->body = stmtList();
  return c;
}

// CommClause = CommCase ":" StatementList .
// CommCase   = "case" ( SendStmt | RecvStmt ) | "default" .
// RecvStmt   = [ ExpressionList "=" | IdentifierList ":=" ] RecvExpr .
CommClause *Parser::commClause() {
  CommClause *c = make<CommClause>(pos());
  switch (tok_.kind) {
  case TokKind::Case:
    next();
    c->comm = simpleStmt({}, TokKind::Illegal);
    break;
  case TokKind::Default:
    next();
    break;
  default:
    syntaxError("expecting case or default or }");
    advance({TokKind::Colon, TokKind::Case, TokKind::Default, TokKind::RBrace});
  }
  want(TokKind::Colon);
  c->body = stmtList();
  return c;
}

// The position gc's syntax tree gives x (what gc's parser reports for it):
// the operator or opening token of compound expressions, not their start.
static SMLoc gcPos(Expr *x) {
  switch (x->kind) {
  case ExprKind::Index: return llvm::cast<IndexExpr>(x)->lbrack;
  case ExprKind::Slice: return llvm::cast<SliceExpr>(x)->lbrack;
  case ExprKind::Call: return llvm::cast<CallExpr>(x)->lparen;
  case ExprKind::Binary: return llvm::cast<BinaryExpr>(x)->opPos;
  case ExprKind::CompositeLit: return llvm::cast<CompositeLit>(x)->lbrace;
  case ExprKind::Selector: {
    // The '.' (normally just before the selector name).
    const char *p = llvm::cast<SelectorExpr>(x)->sel->pos.getPointer();
    return SMLoc::getFromPointer(p - 1);
  }
  default: return x->pos;
  }
}

// GoStmt = "go" Expression .   DeferStmt = "defer" Expression .
Stmt *Parser::callStmt() {
  SMLoc p = pos();
  TokKind kw = tok_.kind;
  next();
  Expr *x = pexpr(nullptr);
  Expr *t = unparen(x);
  if (t != x) {
    errorAt(x->pos, "expression in " + tokString(kw) + " must not be parenthesized");
    x = t;
  }
  auto *call = llvm::dyn_cast<CallExpr>(x);
  if (!call) {
    errorAt(gcPos(x), "expression in " + tokString(kw) + " must be function call");
    call = make<CallExpr>(x->pos);
    call->fun = x;
    call->lparen = call->rparen = x->pos;
  }
  if (kw == TokKind::Go) {
    GoStmt *s = make<GoStmt>(p);
    s->call = call;
    return s;
  }
  DeferStmt *s = make<DeferStmt>(p);
  s->call = call;
  return s;
}

// Statement = Declaration | LabeledStmt | SimpleStmt | GoStmt | ReturnStmt
//           | BreakStmt | ContinueStmt | GotoStmt | FallthroughStmt | Block
//           | IfStmt | SwitchStmt | SelectStmt | ForStmt | DeferStmt .
Stmt *Parser::stmtOrNil() {
  NestGuard guard(*this);
  if (!nestingOK())
    return nullptr;
  if (is(TokKind::Ident)) {
    std::vector<Expr *> lhs = exprList();
    if (lhs.size() == 1 && is(TokKind::Colon))
      if (auto *label = llvm::dyn_cast<Ident>(lhs[0]))
        return labeledStmtOrNil(label);
    return simpleStmt(std::move(lhs), TokKind::Illegal);
  }
  switch (tok_.kind) {
  case TokKind::Var:
  case TokKind::Const:
  case TokKind::Type:
    return declStmt();
  case TokKind::LBrace:
    return blockStmt("");
  case TokKind::Add: case TokKind::Sub: case TokKind::Mul: case TokKind::And:
  case TokKind::Xor: case TokKind::Not:
  case TokKind::Int: case TokKind::Float: case TokKind::Imag: case TokKind::Char:
  case TokKind::String: case TokKind::Func: case TokKind::LParen: case TokKind::LBrack:
  case TokKind::Struct: case TokKind::Map: case TokKind::Chan: case TokKind::Interface:
  case TokKind::Arrow:
    return simpleStmt({}, TokKind::Illegal);
  case TokKind::For:
    return forStmt();
  case TokKind::Switch:
    return switchStmt();
  case TokKind::Select:
    return selectStmt();
  case TokKind::If:
    return ifStmt();
  case TokKind::Fallthrough: {
    BranchStmt *s = make<BranchStmt>(pos());
    s->tok = TokKind::Fallthrough;
    next();
    return s;
  }
  case TokKind::Break:
  case TokKind::Continue: {
    BranchStmt *s = make<BranchStmt>(pos());
    s->tok = tok_.kind;
    next();
    if (is(TokKind::Ident))
      s->label = name();
    return s;
  }
  case TokKind::Go:
  case TokKind::Defer:
    return callStmt();
  case TokKind::Goto: {
    BranchStmt *s = make<BranchStmt>(pos());
    s->tok = TokKind::Goto;
    next();
    s->label = name();
    return s;
  }
  case TokKind::Return: {
    ReturnStmt *s = make<ReturnStmt>(pos());
    next();
    if (!is(TokKind::Semicolon) && !is(TokKind::RBrace))
      s->results = exprList();
    return s;
  }
  case TokKind::Semicolon:
    return make<EmptyStmt>(pos());
  default:
    return nullptr;
  }
}

// StatementList = { Statement ";" } .
std::vector<Stmt *> Parser::stmtList() {
  std::vector<Stmt *> l;
  const char *last = nullptr;
  while (!is(TokKind::EOF_) && !is(TokKind::RBrace) && !is(TokKind::Case) &&
         !is(TokKind::Default)) {
    if (tok_.pos.getPointer() == last)
      break; // no progress: let the caller report and recover
    last = tok_.pos.getPointer();
    Stmt *s = stmtOrNil();
    if (!s)
      break;
    l.push_back(s);
    // ";" is optional before "}"
    if (!got(TokKind::Semicolon) && !is(TokKind::RBrace)) {
      syntaxError("at end of statement");
      advance({TokKind::Semicolon, TokKind::RBrace, TokKind::Case, TokKind::Default});
      got(TokKind::Semicolon);
    }
  }
  return l;
}
