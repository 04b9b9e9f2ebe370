//===- ParseExpr.cpp - expressions ------------------------------------------===//
//
// Part of the parser; its state and conventions are in ParserImpl.h.
//===----------------------------------------------------------------------===//
#include "parse/ParserImpl.h"

using namespace glc;
using llvm::SMLoc;

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

// Expression = UnaryExpr | Expression binary_op Expression .
Expr *Parser::binaryExpr(Expr *x, int prec) {
  if (!x)
    x = unaryExpr();
  while (binaryPrecedence(tok_.kind) > prec) {
    int tprec = binaryPrecedence(tok_.kind);
    BinaryExpr *b = make<BinaryExpr>(x->pos);
    b->op = tok_.kind;
    b->opPos = pos();
    next();
    b->x = x;
    b->y = binaryExpr(nullptr, tprec);
    x = b;
    seal(b);
  }
  return x;
}


// UnaryExpr = PrimaryExpr | unary_op UnaryExpr .
// unary_op  = "+" | "-" | "!" | "^" | "*" | "&" | "<-" .
Expr *Parser::unaryExpr() {
  NestGuard guard(*this);
  if (!nestingOK())
    return badExpr();
  switch (tok_.kind) {
  case TokKind::Mul: {
    StarExpr *s = make<StarExpr>(pos());
    next();
    s->x = unaryExpr();
    return s;
  }
  case TokKind::Tilde: {
    // gc parses ~x and lets the type checker reject it; GL has no type
    // constraints, so reject it here (with types2's wording) and drop the ~.
    errorAt(pos(), "cannot use ~ outside of interface or type constraint");
    next();
    return unaryExpr();
  }
  case TokKind::Add:
  case TokKind::Sub:
  case TokKind::Not:
  case TokKind::Xor:
  case TokKind::And: {
    UnaryExpr *u = make<UnaryExpr>(pos());
    u->op = tok_.kind;
    next();
    u->x = unaryExpr();
    return u;
  }
  case TokKind::Arrow: {
    // Receive (<-x) or receive-only channel type (<-chan E): only known once
    // the operand is parsed. `<-chan E` parses as <-(chan E) and is then
    // re-associated: <-(chan E) => (<-chan E), <-(chan<- E) => (<-chan (<-E)).
    SMLoc p = pos();
    next();
    Expr *x = unaryExpr();
    if (llvm::isa<ChanTypeExpr>(x)) {
      ChanDir dir = ChanDir::Send;
      Expr *t = x;
      while (dir == ChanDir::Send) {
        auto *c = llvm::dyn_cast<ChanTypeExpr>(t);
        if (!c)
          break;
        dir = c->dir;
        if (dir == ChanDir::Recv)
          syntaxError("unexpected <-, expecting chan");
        c->dir = ChanDir::Recv;
        t = c->elem;
      }
      if (dir == ChanDir::Send)
        syntaxError("unexpected " + exprString(t) + ", expecting chan");
      x->pos = p;
      return x;
    }
    UnaryExpr *u = make<UnaryExpr>(p);
    u->op = TokKind::Arrow;
    u->x = x;
    return u;
  }
  default:
    return pexpr(nullptr);
  }
}

// Operand     = Literal | OperandName | "(" Expression ")" .
// Literal     = BasicLit | CompositeLit | FunctionLit .
// OperandName = identifier | QualifiedIdent .
Expr *Parser::operand() {
  switch (tok_.kind) {
  case TokKind::Ident:
    return name();
  case TokKind::Int:
  case TokKind::Float:
  case TokKind::Imag:
  case TokKind::Char:
  case TokKind::String:
    return oliteral();
  case TokKind::LParen: {
    ParenExpr *p = make<ParenExpr>(pos());
    next();
    ++xnest_;
    p->x = expr();
    --xnest_;
    want(TokKind::RParen);
    return p;
  }
  case TokKind::Func: {
    // FunctionLit = "func" Signature FunctionBody .
    SMLoc p = pos();
    next();
    FuncTypeExpr *ft = funcType(p);
    if (is(TokKind::LBrace)) {
      ++xnest_;
      FuncLit *f = make<FuncLit>(p);
      f->sig = ft;
      unsigned outer = bodyHeight_;
      bodyHeight_ = 0;
      f->body = funcBody();
      unsigned body = bodyHeight_;
      bodyHeight_ = outer;
      // sema and irgen reach the body's expressions through the literal.
      f->height = std::max(body, seal(ft)) + 1;
      checkHeight(f);
      --xnest_;
      return f;
    }
    return ft;
  }
  case TokKind::LBrack:
  case TokKind::Chan:
  case TokKind::Map:
  case TokKind::Struct:
  case TokKind::Interface:
    return type_();
  default: {
    Expr *x = badExpr();
    syntaxError("expecting expression");
    advance({TokKind::RParen, TokKind::RBrack, TokKind::RBrace});
    return x;
  }
  }
}

// Whether x syntactically must be a value (not a type).
static bool isValue(Expr *x) {
  switch (x->kind) {
  case ExprKind::BasicLit:
  case ExprKind::CompositeLit:
  case ExprKind::FuncLit:
  case ExprKind::Slice:
  case ExprKind::TypeAssert:
  case ExprKind::Call:
  case ExprKind::Unary:
  case ExprKind::Binary:
    return true;
  case ExprKind::Paren:
    return isValue(llvm::cast<ParenExpr>(x)->x);
  case ExprKind::Index:
    return isValue(llvm::cast<IndexExpr>(x)->x) || isValue(llvm::cast<IndexExpr>(x)->index);
  default:
    return false;
  }
}

// PrimaryExpr = Operand | Conversion | PrimaryExpr Selector | PrimaryExpr Index
//             | PrimaryExpr Slice | PrimaryExpr TypeAssertion
//             | PrimaryExpr Arguments .
// Selector      = "." identifier .
// Index         = "[" Expression "]" .
// Slice         = "[" [ Expression ] ":" [ Expression ] "]"
//               | "[" [ Expression ] ":" Expression ":" Expression "]" .
// TypeAssertion = "." "(" Type ")" .
// Arguments     = "(" [ ( ExpressionList | Type [ "," ExpressionList ] ) [ "..." ] [ "," ] ] ")" .
Expr *Parser::pexpr(Expr *x) {
  if (!x)
    x = operand();
  for (;;) {
    seal(x);
    SMLoc p = pos();
    switch (tok_.kind) {
    case TokKind::Period: {
      next();
      if (is(TokKind::Ident)) {
        SelectorExpr *s = make<SelectorExpr>(x->pos);
        s->x = x;
        s->sel = name();
        x = s;
      } else if (is(TokKind::LParen)) {
        next();
        TypeAssertExpr *t = make<TypeAssertExpr>(x->pos);
        t->x = x;
        if (!got(TokKind::Type))
          t->typeExpr = type_();
        want(TokKind::RParen);
        x = t;
      } else {
        syntaxError("expecting name or (");
        advance({TokKind::Semicolon, TokKind::RParen});
      }
      continue;
    }
    case TokKind::LBrack: {
      next();
      if (is(TokKind::RBrack)) {
        syntaxError("expecting operand");
        next();
        continue;
      }
      Expr *i = nullptr;
      if (!is(TokKind::Colon)) {
        ++xnest_;
        i = expr();
        --xnest_;
        if (is(TokKind::Comma) || is(TokKind::RBrack)) {
          // x[i] (x[i, j] would be a generic instantiation: not in GL)
          while (got(TokKind::Comma)) {
            if (is(TokKind::RBrack))
              break;
            ++xnest_;
            (void)typeOrNil();
            --xnest_;
          }
          want(TokKind::RBrack);
          IndexExpr *ix = make<IndexExpr>(x->pos);
          ix->x = x;
          ix->index = i;
          ix->lbrack = p;
          x = ix;
          continue;
        }
      }
      // x[i:...
      if (!got(TokKind::Colon)) {
        syntaxError("expecting comma, : or ]");
        advance({TokKind::Comma, TokKind::Colon, TokKind::RBrack});
        // (like gc, a ':' found here is taken as the second colon)
      }
      ++xnest_;
      SliceExpr *s = make<SliceExpr>(x->pos);
      s->x = x;
      s->lbrack = p;
      s->lo = i;
      if (!is(TokKind::Colon) && !is(TokKind::RBrack) && !is(TokKind::EOF_))
        s->hi = expr();
      if (is(TokKind::Colon)) {
        s->slice3 = true;
        if (!s->hi) {
          errorAt(pos(), "middle index required in 3-index slice");
          s->hi = badExpr();
        }
        next();
        if (!is(TokKind::RBrack)) {
          s->max = expr();
        } else {
          errorAt(pos(), "final index required in 3-index slice");
          s->max = badExpr();
        }
      }
      --xnest_;
      want(TokKind::RBrack);
      x = s;
      continue;
    }
    case TokKind::LParen: {
      CallExpr *c = make<CallExpr>(x->pos);
      c->lparen = p;
      next();
      c->fun = x;
      c->rparen = argList(c->args, c->hasEllipsis);
      x = c;
      continue;
    }
    case TokKind::LBrace: {
      // Does '{' start a composite literal or a block?
      Expr *t = unparen(x);
      bool complitOK = false;
      switch (t->kind) {
      case ExprKind::Ident:
      case ExprKind::Selector:
        complitOK = xnest_ >= 0;
        break;
      case ExprKind::Index:
        complitOK = xnest_ >= 0 && !isValue(t);
        break;
      case ExprKind::ArrayType:
      case ExprKind::StructType:
      case ExprKind::MapType:
        complitOK = true;
        break;
      default:
        break;
      }
      if (!complitOK)
        return x;
      if (t != x)
        syntaxError("cannot parenthesize type in composite literal");
      CompositeLit *n = complitExpr();
      n->typeExpr = x;
      n->pos = x->pos;
      x = n;
      continue;
    }
    default:
      return x;
    }
  }
}

// Element = Expression | LiteralValue .
Expr *Parser::bareComplitExpr() {
  if (is(TokKind::LBrace)) {
    // Elided inner literals ({{{...}}}) nest without passing unaryExpr.
    NestGuard guard(*this);
    if (!nestingOK())
      return badExpr();
    CompositeLit *c = complitExpr();
    seal(c);
    return c;
  }
  return expr();
}

// LiteralValue = "{" [ ElementList [ "," ] ] "}" .
// ElementList  = KeyedElement { "," KeyedElement } .
// KeyedElement = [ Key ":" ] Element .
CompositeLit *Parser::complitExpr() {
  CompositeLit *c = make<CompositeLit>(pos());
  c->lbrace = pos();
  ++xnest_;
  want(TokKind::LBrace);
  c->rbrace = list("composite literal", TokKind::Comma, TokKind::RBrace, [&] {
    Expr *e = bareComplitExpr();
    if (is(TokKind::Colon)) {
      KeyValueExpr *kv = make<KeyValueExpr>(e->pos);
      next();
      kv->key = e;
      kv->value = bareComplitExpr();
      e = kv;
    }
    c->elts.push_back(e);
    return false;
  });
  --xnest_;
  return c;
}

// ExpressionList = Expression { "," Expression } .
std::vector<Expr *> Parser::exprList() {
  std::vector<Expr *> l;
  l.push_back(expr());
  while (got(TokKind::Comma))
    l.push_back(expr());
  return l;
}

// Arguments = "(" [ ExpressionList [ "..." ] [ "," ] ] ")" . ("(" consumed)
SMLoc Parser::argList(std::vector<Expr *> &args, bool &hasDots) {
  ++xnest_;
  SMLoc r = list("argument list", TokKind::Comma, TokKind::RParen, [&] {
    args.push_back(expr());
    hasDots = got(TokKind::Ellipsis);
    return hasDots;
  });
  --xnest_;
  return r;
}

// list = [ f { sep f } [ sep ] ] close .
// Returns the position of the closing token.
SMLoc Parser::list(const char *context, TokKind sep, TokKind close,
                   const std::function<bool()> &f) {
  bool done = false;
  const char *last = nullptr;
  while (!is(TokKind::EOF_) && !is(close) && !done) {
    progress(last);
    if (is(TokKind::EOF_) || is(close))
      break;
    done = f();
    if (!got(sep) && !is(close)) {
      syntaxError(std::string("in ") + context + "; possibly missing " + tokString(sep) + " or " +
                  tokString(close));
      advance({TokKind::RParen, TokKind::RBrack, TokKind::RBrace});
      if (!is(close))
        return pos();
    }
  }
  SMLoc p = pos();
  want(close);
  return p;
}

Ident *Parser::name() {
  if (is(TokKind::Ident)) {
    Ident *id = newIdent(pos(), tok_.text);
    next();
    return id;
  }
  Ident *id = newIdent(pos(), "_");
  syntaxError("expecting name");
  advance({});
  return id;
}

// QualifiedIdent = PackageName "." identifier .
Expr *Parser::qualifiedName(Ident *n) {
  Expr *x;
  if (n) {
    x = n;
  } else if (is(TokKind::Ident)) {
    x = name();
  } else {
    x = newIdent(pos(), "_");
    syntaxError("expecting name");
    advance({TokKind::Period, TokKind::Semicolon, TokKind::RBrace});
  }
  if (is(TokKind::Period)) {
    SelectorExpr *s = make<SelectorExpr>(x->pos);
    next();
    s->x = x;
    s->sel = name();
    x = s;
  }
  if (is(TokKind::LBrack)) {
    // TypeName "[" TypeList "]": a generic instantiation. GL has no
    // generics, but gc parses it, so errors inside match gc's; the result is
    // an IndexExpr in type position, which sema rejects.
    IndexExpr *ix = make<IndexExpr>(x->pos);
    ix->lbrack = pos();
    ix->x = x;
    next();
    if (is(TokKind::RBrack)) {
      syntaxError("expecting type");
      ix->index = badExpr();
    } else {
      ++xnest_;
      ix->index = expr();
      while (got(TokKind::Comma)) {
        if (!typeOrNil())
          break;
      }
      --xnest_;
    }
    want(TokKind::RBrack);
    x = ix;
  }
  return x;
}

// Records the height of e's tree in e->height (and returns it). Children
// are sealed first, so the recursion only passes through nodes built since
// the last seal: a few per grammar level, bounded by kMaxNesting.
unsigned Parser::seal(Expr *e) {
  if (!e)
    return 0;
  if (e->height)
    return e->height;
  unsigned h = 0;
  // operand() measures a function literal, body included. A field counts
  // by its type (its names are leaves).
  if (!llvm::isa<FuncLit>(e))
    forEachChild(e, [&](auto *c) {
      using C = std::remove_pointer_t<decltype(c)>;
      if constexpr (std::is_same_v<C, Expr>)
        h = std::max(h, seal(c));
      else if constexpr (std::is_same_v<C, Field>)
        h = std::max(h, seal(c->typeExpr));
    });
  e->height = h + 1;
  return checkHeight(e);
}

// Notes e's height for the enclosing function literal; past kMaxHeight,
// reports the error once, at e's operator, and skips to EOF (as nestingOK
// does).
unsigned Parser::checkHeight(Expr *e) {
  bodyHeight_ = std::max(bodyHeight_, (unsigned)e->height);
  if (e->height > kMaxHeight && !tooDeep_) {
    tooDeep_ = true;
    SMLoc at = e->pos;
    if (auto *b = llvm::dyn_cast<BinaryExpr>(e))
      at = b->opPos;
    else if (auto *s = llvm::dyn_cast<SelectorExpr>(e))
      at = s->sel->pos;
    else if (auto *i = llvm::dyn_cast<IndexExpr>(e))
      at = i->lbrack;
    else if (auto *sl = llvm::dyn_cast<SliceExpr>(e))
      at = sl->lbrack;
    else if (auto *c = llvm::dyn_cast<CallExpr>(e))
      at = c->lparen;
    errorAt(at, "expression nesting too deep (more than " + std::to_string(kMaxHeight) +
                    " levels)");
    while (!is(TokKind::EOF_))
      next();
  }
  return e->height;
}

BasicLit *Parser::oliteral() {
  switch (tok_.kind) {
  case TokKind::Int:
  case TokKind::Float:
  case TokKind::Imag:
  case TokKind::Char:
  case TokKind::String: {
    BasicLit *b = make<BasicLit>(pos());
    b->litKind = tok_.kind;
    b->text = tok_.text.str();
    next();
    return b;
  }
  default:
    return nullptr;
  }
}
