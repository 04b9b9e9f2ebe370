//===- ParseType.cpp - types ------------------------------------------------===//
//
// Part of the parser; its state and conventions are in ParserImpl.h.
//===----------------------------------------------------------------------===//
#include "parse/ParserImpl.h"

using namespace glc;
using llvm::SMLoc;

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

Expr *Parser::type_() {
  Expr *t = typeOrNil();
  if (!t) {
    t = badExpr();
    syntaxError("expecting type");
    advance({TokKind::Comma, TokKind::Colon, TokKind::Semicolon, TokKind::RParen,
             TokKind::RBrack, TokKind::RBrace});
  }
  return t;
}

// Type     = TypeName | TypeLit | "(" Type ")" .
// TypeName = identifier | QualifiedIdent .
// TypeLit  = ArrayType | StructType | PointerType | FunctionType | InterfaceType
//          | SliceType | MapType | ChannelType .
Expr *Parser::typeOrNil() {
  NestGuard guard(*this);
  if (!nestingOK())
    return badExpr();
  SMLoc p = pos();
  switch (tok_.kind) {
  case TokKind::Mul: { // PointerType = "*" BaseType .
    next();
    StarExpr *s = make<StarExpr>(p);
    s->x = type_();
    return s;
  }
  case TokKind::Arrow: { // "<-" "chan" ElementType
    next();
    want(TokKind::Chan);
    ChanTypeExpr *c = make<ChanTypeExpr>(p);
    c->dir = ChanDir::Recv;
    c->elem = chanElem();
    return c;
  }
  case TokKind::Func: // FunctionType = "func" Signature .
    next();
    return funcType(p);
  case TokKind::LBrack: { // "[" [ ArrayLength | "..." ] "]" ElementType
    next();
    if (got(TokKind::RBrack)) {
      ArrayTypeExpr *a = make<ArrayTypeExpr>(p);
      a->elem = type_();
      return a;
    }
    return arrayType(p, nullptr);
  }
  case TokKind::Chan: { // "chan" [ "<-" ] ElementType
    next();
    ChanTypeExpr *c = make<ChanTypeExpr>(p);
    if (got(TokKind::Arrow))
      c->dir = ChanDir::Send;
    c->elem = chanElem();
    return c;
  }
  case TokKind::Map: { // MapType = "map" "[" KeyType "]" ElementType .
    next();
    want(TokKind::LBrack);
    MapTypeExpr *m = make<MapTypeExpr>(p);
    m->key = type_();
    want(TokKind::RBrack);
    m->value = type_();
    return m;
  }
  case TokKind::Struct:
    return structType();
  case TokKind::Interface:
    return interfaceType();
  case TokKind::Ident:
    return qualifiedName(nullptr);
  case TokKind::LParen: {
    next();
    Expr *t = type_();
    want(TokKind::RParen);
    return t;
  }
  default:
    return nullptr;
  }
}

// Signature = Parameters [ Result ] .
// Like gc, the FuncTypeExpr sits at its "(" (gc reports `func(int)` used as
// a value there); `p`, the "func" keyword or the name, is unused.
FuncTypeExpr *Parser::funcType(SMLoc p) {
  FuncTypeExpr *f = make<FuncTypeExpr>(pos());
  want(TokKind::LParen);
  f->params = paramList(TokKind::RParen);
  f->results = funcResult();
  return f;
}

// ArrayType = "[" ArrayLength "]" ElementType . ("[" consumed)
Expr *Parser::arrayType(SMLoc p, Expr *len) {
  ArrayTypeExpr *a = make<ArrayTypeExpr>(p);
  if (!len) {
    if (got(TokKind::Ellipsis)) {
      a->dots = true;
    } else {
      ++xnest_;
      len = expr();
      --xnest_;
    }
  }
  a->len = len;
  if (is(TokKind::Comma)) {
    syntaxError("unexpected comma; expecting ]");
    next();
  }
  want(TokKind::RBrack);
  a->elem = type_();
  return a;
}

Expr *Parser::chanElem() {
  Expr *t = typeOrNil();
  if (!t) {
    t = badExpr();
    syntaxError("missing channel element type");
  }
  return t;
}

// After a name in a field or parameter list, "[" starts either an array or
// slice type (`a [4]int`, `a []int`) or a generic instantiation (`T[int]`,
// not GL but parsed as gc does so errors match). Returns an ArrayTypeExpr,
// or an IndexExpr whose `x` the caller fills in.
Expr *Parser::arrayOrTArgs() {
  SMLoc p = pos();
  want(TokKind::LBrack);
  if (got(TokKind::RBrack)) {
    ArrayTypeExpr *a = make<ArrayTypeExpr>(p);
    a->elem = type_();
    return a;
  }
  ++xnest_;
  Expr *n = expr();
  bool comma = false;
  while (got(TokKind::Comma)) {
    comma = true;
    if (!typeOrNil())
      break;
  }
  --xnest_;
  want(TokKind::RBrack);
  if (!comma) {
    if (Expr *elem = typeOrNil()) {
      ArrayTypeExpr *a = make<ArrayTypeExpr>(p);
      a->len = n;
      a->elem = elem;
      return a;
    }
  }
  IndexExpr *ix = make<IndexExpr>(p);
  ix->lbrack = p;
  ix->index = n;
  return ix;
}

// StructType = "struct" "{" { FieldDecl ";" } "}" .
StructTypeExpr *Parser::structType() {
  StructTypeExpr *st = make<StructTypeExpr>(pos());
  want(TokKind::Struct);
  want(TokKind::LBrace);
  list("struct type", TokKind::Semicolon, TokKind::RBrace, [&] {
    fieldDecl(st);
    return false;
  });
  return st;
}

// FieldDecl     = (IdentifierList Type | EmbeddedField) [ Tag ] .
// EmbeddedField = [ "*" ] TypeName .
// Tag           = string_lit .
void Parser::fieldDecl(StructTypeExpr *st) {
  Field *f = make<Field>(pos());
  auto tag = [&] {
    if (BasicLit *l = oliteral()) {
      if (l->litKind == TokKind::String)
        unquoteString(l->text, f->tag);
    }
  };
  switch (tok_.kind) {
  case TokKind::Ident: {
    Ident *n = name();
    if (is(TokKind::Period) || is(TokKind::String) || is(TokKind::Semicolon) ||
        is(TokKind::RBrace)) {
      f->embedded = true;
      f->typeExpr = qualifiedName(n);
      tag();
      break;
    }
    f->names.push_back(n);
    while (got(TokKind::Comma))
      f->names.push_back(name());
    if (f->names.size() == 1 && is(TokKind::LBrack)) {
      Expr *t = arrayOrTArgs();
      if (auto *ix = llvm::dyn_cast<IndexExpr>(t)) { // embedded T[...]
        ix->x = n;
        ix->pos = n->pos;
        f->names.clear();
        f->embedded = true;
      }
      f->typeExpr = t;
    } else {
      f->typeExpr = type_();
    }
    tag();
    break;
  }
  case TokKind::Mul: {
    SMLoc p = pos();
    next();
    StarExpr *s = make<StarExpr>(p);
    if (is(TokKind::LParen)) {
      syntaxError("cannot parenthesize embedded type");
      next();
      s->x = qualifiedName(nullptr);
      got(TokKind::RParen);
    } else {
      s->x = qualifiedName(nullptr);
    }
    f->embedded = true;
    f->typeExpr = s;
    tag();
    break;
  }
  case TokKind::LParen: {
    syntaxError("cannot parenthesize embedded type");
    next();
    if (is(TokKind::Mul)) {
      StarExpr *s = make<StarExpr>(pos());
      next();
      s->x = qualifiedName(nullptr);
      f->typeExpr = s;
    } else {
      f->typeExpr = qualifiedName(nullptr);
    }
    got(TokKind::RParen);
    f->embedded = true;
    tag();
    break;
  }
  default:
    syntaxError("expecting field name or embedded type");
    advance({TokKind::Semicolon, TokKind::RBrace});
    return;
  }
  st->fields.push_back(f);
}

// InterfaceType = "interface" "{" { ( MethodSpec | InterfaceTypeName ) ";" } "}" .
// MethodSpec    = MethodName Signature .
InterfaceTypeExpr *Parser::interfaceType() {
  InterfaceTypeExpr *it = make<InterfaceTypeExpr>(pos());
  want(TokKind::Interface);
  want(TokKind::LBrace);
  list("interface type", TokKind::Semicolon, TokKind::RBrace, [&] {
    Field *f = make<Field>(pos());
    if (is(TokKind::Ident)) {
      Ident *n = name();
      if (is(TokKind::LParen)) {
        f->names.push_back(n);
        f->typeExpr = funcType(n->pos);
      } else {
        f->embedded = true;
        f->typeExpr = qualifiedName(n);
      }
    } else {
      Expr *t = typeOrNil();
      if (!t) {
        t = badExpr();
        syntaxError("expecting ~ term or type");
        advance({TokKind::Semicolon, TokKind::RParen, TokKind::RBrack, TokKind::RBrace});
      }
      f->embedded = true;
      f->typeExpr = t;
    }
    it->methods.push_back(f);
    return false;
  });
  return it;
}

// Result = Parameters | Type .
std::vector<Field *> Parser::funcResult() {
  if (got(TokKind::LParen))
    return paramList(TokKind::RParen);
  SMLoc p = pos();
  if (Expr *t = typeOrNil()) {
    Field *f = make<Field>(p);
    f->typeExpr = t;
    return {f};
  }
  return {};
}

// Parameters    = "(" [ ParameterList [ "," ] ] ")" .   ("(" consumed)
// ParameterList = ParameterDecl { "," ParameterDecl } .
// ParameterDecl = [ IdentifierList ] [ "..." ] Type .
//
// Each entry is parsed as [name] [type]; afterwards either no entry has both
// (then every name is really a type) or the types are distributed leftwards
// over the bare names (`a, b int`), which form one Field.
std::vector<Field *> Parser::paramList(TokKind close) {
  struct Entry {
    SMLoc pos;
    Ident *name = nullptr;
    Expr *type = nullptr;
  };
  std::vector<Entry> es;
  int named = 0;
  list("parameter list", TokKind::Comma, close, [&] {
    Entry e;
    e.pos = pos();
    if (is(TokKind::Ident)) {
      Ident *n = name();
      if (is(TokKind::Period)) {
        e.type = qualifiedName(n);
        es.push_back(e);
        return false;
      }
      if (is(TokKind::LBrack)) {
        Expr *t = arrayOrTArgs();
        if (auto *ix = llvm::dyn_cast<IndexExpr>(t)) { // T[...] (a type)
          ix->x = n;
          ix->pos = n->pos;
        } else { // name [N]E
          e.name = n;
          ++named;
        }
        e.type = t;
        es.push_back(e);
        return false;
      }
      e.name = n;
    }
    if (is(TokKind::Ellipsis)) {
      EllipsisExpr *d = make<EllipsisExpr>(pos());
      next();
      d->elem = typeOrNil();
      if (!d->elem) {
        d->elem = badExpr();
        syntaxError("... is missing type");
      }
      e.type = d;
    } else {
      e.type = typeOrNil();
    }
    if (e.name || e.type) {
      if (e.name && e.type)
        ++named;
      es.push_back(e);
      return false;
    }
    syntaxError("expecting " + tokString(close));
    advance({TokKind::Comma, close});
    return false;
  });

  std::vector<Field *> fields;
  if (es.empty())
    return fields;
  if (named == 0) {
    for (Entry &e : es) {
      Field *f = make<Field>(e.pos);
      f->typeExpr = e.type ? e.type : e.name;
      fields.push_back(f);
    }
    return fields;
  }
  if (named != (int)es.size()) {
    SMLoc errPos;
    Expr *typ = nullptr;
    for (size_t i = es.size(); i-- > 0;) {
      Entry &e = es[i];
      if (e.type) {
        typ = e.type;
        if (!e.name) {
          errPos = e.type->pos;
          e.name = newIdent(errPos, "_");
        }
      } else if (typ) {
        e.type = typ;
      } else {
        errPos = e.name->pos;
        e.type = make<BadExpr>(errPos);
      }
    }
    if (errPos.isValid())
      syntaxErrorAt(errPos, "mixed named and unnamed parameters");
  }
  // Group runs sharing one type expression into one Field.
  Field *cur = nullptr;
  for (Entry &e : es) {
    if (!cur || cur->typeExpr != e.type) {
      cur = make<Field>(e.pos);
      cur->typeExpr = e.type;
      fields.push_back(cur);
    }
    cur->names.push_back(e.name);
  }
  return fields;
}
