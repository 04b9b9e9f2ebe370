//===- ParseDecl.cpp - files and declarations -------------------------------===//
//
// Part of the parser; its state and conventions are in ParserImpl.h.
//===----------------------------------------------------------------------===//
#include "parse/ParserImpl.h"

using namespace glc;
using llvm::SMLoc;

//===----------------------------------------------------------------------===//
// Files and declarations
//===----------------------------------------------------------------------===//

// SourceFile = PackageClause ";" { ImportDecl ";" } { TopLevelDecl ";" } .
File *Parser::file() {
  File *f = make<File>(pos());

  // PackageClause = "package" PackageName .
  if (!got(TokKind::Package)) {
    syntaxError("package statement must be first");
    return f;
  }
  f->packageName = name();
  want(TokKind::Semicolon);
  if (anyErrors())
    return f; // don't bother continuing if the package clause has errors

  // ImportDecl = "import" ( ImportSpec | "(" { ImportSpec ";" } ")" ) .
  while (is(TokKind::Import)) {
    GenDecl *d = genDecl(TokKind::Import);
    f->decls.push_back(d);
    for (Spec *s : d->specs)
      f->imports.push_back(llvm::cast<ImportSpec>(s));
    want(TokKind::Semicolon);
  }

  // TopLevelDecl = Declaration | FunctionDecl | MethodDecl .
  const char *last = nullptr;
  while (!is(TokKind::EOF_)) {
    progress(last);
    if (is(TokKind::EOF_))
      break;
    switch (tok_.kind) {
    case TokKind::Const:
    case TokKind::Type:
    case TokKind::Var:
      f->decls.push_back(genDecl(tok_.kind));
      break;
    case TokKind::Func: {
      SMLoc p = pos();
      next();
      if (FuncDecl *d = funcDeclOrNil(p))
        f->decls.push_back(d);
      break;
    }
    default: {
      FuncDecl *prev = f->decls.empty() ? nullptr : llvm::dyn_cast<FuncDecl>(f->decls.back());
      if (is(TokKind::LBrace) && prev && !prev->body)
        syntaxError("unexpected semicolon or newline before {");
      else
        syntaxError("non-declaration statement outside function body");
      advance({TokKind::Const, TokKind::Type, TokKind::Var, TokKind::Func});
      continue;
    }
    }
    if (!is(TokKind::EOF_) && !got(TokKind::Semicolon)) {
      syntaxError("after top level declaration");
      advance({TokKind::Const, TokKind::Type, TokKind::Var, TokKind::Func});
    }
  }
  return f;
}

// Declaration = ConstDecl | TypeDecl | VarDecl | ImportDecl .
// XxxDecl     = "xxx" ( XxxSpec | "(" { XxxSpec ";" } ")" ) .
GenDecl *Parser::genDecl(TokKind keyword) {
  GenDecl *d = make<GenDecl>(pos());
  d->tok = keyword;
  next(); // keyword
  ValueSpec *prev = nullptr;
  int64_t iota = 0;
  auto one = [&]() -> Spec * {
    switch (keyword) {
    case TokKind::Import:
      return importSpec();
    case TokKind::Const: {
      ValueSpec *s = constSpec(prev, iota++);
      prev = s;
      return s;
    }
    case TokKind::Var:
      return varSpec();
    default:
      return typeSpec();
    }
  };
  if (is(TokKind::LParen)) {
    next();
    list("grouped declaration", TokKind::Semicolon, TokKind::RParen, [&] {
      if (Spec *s = one())
        d->specs.push_back(s);
      return false;
    });
  } else if (Spec *s = one()) {
    d->specs.push_back(s);
  }
  return d;
}

// ImportSpec = [ "." | PackageName ] ImportPath .
// ImportPath = string_lit .
Spec *Parser::importSpec() {
  ImportSpec *s = make<ImportSpec>(pos());
  if (is(TokKind::Ident)) {
    s->name = name();
  } else if (is(TokKind::Period)) {
    s->name = newIdent(pos(), ".");
    next();
  }
  s->pathPos = pos();
  BasicLit *lit = oliteral();
  if (!lit) {
    syntaxError("missing import path");
    advance({TokKind::Semicolon, TokKind::RParen});
    return s;
  }
  if (lit->litKind != TokKind::String) {
    syntaxError("import path must be a string");
    return s;
  }
  unquoteString(lit->text, s->path);
  return s;
}

// ConstSpec = IdentifierList [ [ Type ] "=" ExpressionList ] .
ValueSpec *Parser::constSpec(ValueSpec *prev, int64_t iota) {
  ValueSpec *s = make<ValueSpec>(pos());
  s->iota = iota;
  s->names.push_back(name());
  while (got(TokKind::Comma))
    s->names.push_back(name());
  if (!is(TokKind::EOF_) && !is(TokKind::Semicolon) && !is(TokKind::RParen)) {
    s->typeExpr = typeOrNil();
    if (gotAssign())
      s->values = exprList();
  }
  if (!s->typeExpr && s->values.empty() && prev) {
    // Implicit repetition of the previous spec's type and values.
    s->implicit = true;
    s->typeExpr = prev->typeExpr;
    s->values = prev->values;
  }
  return s;
}

// VarSpec = IdentifierList ( Type [ "=" ExpressionList ] | "=" ExpressionList ) .
ValueSpec *Parser::varSpec() {
  ValueSpec *s = make<ValueSpec>(pos());
  s->names.push_back(name());
  while (got(TokKind::Comma))
    s->names.push_back(name());
  if (gotAssign()) {
    s->values = exprList();
  } else {
    s->typeExpr = type_();
    if (gotAssign())
      s->values = exprList();
  }
  return s;
}

// TypeSpec = AliasDecl | TypeDef .
// AliasDecl = identifier "=" Type .
// TypeDef   = identifier Type .
TypeSpec *Parser::typeSpec() {
  TypeSpec *s = make<TypeSpec>(pos());
  s->name = name();
  s->alias = gotAssign();
  s->typeExpr = typeOrNil();
  if (!s->typeExpr) {
    s->typeExpr = badExpr();
    syntaxError("in type declaration");
    advance({TokKind::Semicolon, TokKind::RParen});
  }
  return s;
}

// FunctionDecl = "func" FunctionName Signature [ FunctionBody ] .
// MethodDecl   = "func" Receiver MethodName Signature [ FunctionBody ] .
// Receiver     = Parameters .
FuncDecl *Parser::funcDeclOrNil(SMLoc funcPos) {
  FuncDecl *f = make<FuncDecl>(funcPos);
  if (is(TokKind::LParen)) {
    next();
    std::vector<Field *> rcvr = paramList(TokKind::RParen);
    SMLoc rp = pos(); // gc reports receiver errors after the ')'

    size_t n = 0;
    for (Field *fl : rcvr)
      n += fl->names.empty() ? 1 : fl->names.size();
    if (n == 0) {
      errorAt(rp, "method has no receiver");
    } else {
      if (n > 1)
        errorAt(rp, "method has multiple receivers");
      f->recv = rcvr[0];
    }
  }
  if (!is(TokKind::Ident)) {
    syntaxError("expecting name or (");
    advance({TokKind::LBrace, TokKind::Semicolon});
    return nullptr;
  }
  f->name = name();
  f->sig = funcType(funcPos);
  if (is(TokKind::LBrace))
    f->body = funcBody();
  return f;
}

// FunctionBody = Block .
BlockStmt *Parser::funcBody() {
  ++fnest_;
  int outer = xnest_;
  xnest_ = 0;
  BlockStmt *b = blockStmt("");
  xnest_ = outer;
  --fnest_;
  return b;
}
