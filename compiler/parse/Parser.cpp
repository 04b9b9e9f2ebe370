//===- Parser.cpp - GL (Go) recursive-descent parser -------------------------===//
//
// One function per grammar production, each with its Go grammar rule above
// it. The structure follows gc's parser (cmd/compile/internal/syntax) because
// gc's diagnostics are the reference: which token is "unexpected", what is
// "expecting", and where recovery resumes all fall out of that structure.
//
// State:
//  - tok_: the current token (one token of lookahead is all Go needs).
//  - xnest_: expression nesting. Inside the header of if/for/switch it is -1,
//    so `T{` is not taken as a composite literal there (Go spec: "a parsing
//    ambiguity arises when a composite literal ... appears ... between the
//    keyword and the opening brace"); parentheses/brackets raise it again.
//  - fnest_: function nesting; inside a function, error recovery also stops
//    at statement keywords (gc's stopset).
//
// Error discipline (gc's): syntaxError(msg) formats "syntax error: unexpected
// TOK<msg>" for msgs starting "expecting"/"in"/"at"/"after", else
// "syntax error: msg". Only the first syntax error of a line is kept, and
// once any error was reported, errors at EOF are dropped. Recovery uses
// advance(follow...), which skips tokens until one of `follow` (plus EOF and,
// inside functions, the statement keywords); with no follow set it skips one.
//
// Termination: every loop either consumes a token or exits; loops that could
// spin on an unexpected token go through progress(), which forcibly skips a
// token if the previous iteration consumed none.
//===----------------------------------------------------------------------===//
#include "parse/Parser.h"

#include "lex/Lexer.h"
#include "parse/ASTDump.h"

#include "llvm/ADT/DenseMap.h"

#include <functional>

using namespace glc;
using llvm::SMLoc;

namespace {

class Parser {
public:
  Parser(llvm::SourceMgr &sm, unsigned bufferID, ASTContext &ctx, DiagEngine &diags)
      : sm_(sm), lex_(sm, bufferID, diags), ctx_(ctx), diags_(diags),
        errorsAtStart_(diags.errorCount()) {
    next();
  }

  File *file();
  unsigned syntaxErrors() const { return syntaxErrors_; }

private:
  // --- tokens ---------------------------------------------------------------
  void next() {
    prevEnd_ = tok_.text.empty() ? tok_.pos.getPointer() : tok_.text.end();
    tok_ = lex_.next();
  }
  bool is(TokKind k) const { return tok_.kind == k; }
  bool got(TokKind k) {
    if (tok_.kind == k) {
      next();
      return true;
    }
    return false;
  }
  void want(TokKind k) {
    if (!got(k)) {
      syntaxError("expecting " + tokString(k));
      advance({});
    }
  }
  bool gotAssign() {
    if (is(TokKind::Define)) {
      syntaxError("expecting =");
      next();
      return true;
    }
    return got(TokKind::Assign);
  }
  SMLoc pos() const { return tok_.pos; }
  template <typename T> T *make(SMLoc p) { return ctx_.make<T>(p); }

  // Ensures a loop makes progress: if the token did not move since the last
  // call with the same marker, skip one token.
  void progress(const char *&last) {
    if (tok_.pos.getPointer() == last && !is(TokKind::EOF_))
      next();
    last = tok_.pos.getPointer();
  }

  // --- nesting limit ----------------------------------------------------------
  // Recursive descent uses the C++ stack; bound the nesting of expressions,
  // types and statements so absurd input ("((((...") is an error, not a
  // stack overflow. Go code never comes near the limit.
  static constexpr int kMaxNesting = 1000;
  struct NestGuard {
    Parser &p;
    explicit NestGuard(Parser &p) : p(p) { ++p.depth_; }
    ~NestGuard() { --p.depth_; }
  };
  // False (after reporting once and skipping to EOF) if nested too deeply.
  bool nestingOK() {
    if (depth_ <= kMaxNesting)
      return true;
    if (!tooDeep_) {
      tooDeep_ = true;
      errorAt(pos(), "syntax error: nesting too deep (more than " + std::to_string(kMaxNesting) +
                         " levels)");
    }
    while (!is(TokKind::EOF_))
      next();
    return false;
  }

  // --- expression height -------------------------------------------------------
  // Left-to-right chains (x + x + ..., t.p.p..., s[0][0]..., f()()...) are
  // built by loops, not recursion, so kMaxNesting does not bound them: the
  // tree of an n-term chain is n deep, and sema, irgen and LLVM recurse over
  // it. Go accepts such chains (gc compiles 100,000 terms), so every phase
  // runs on a large stack (driver/main.cpp, 1 GiB), and the parser measures
  // the height of every expression it builds (seal) and rejects one higher
  // than kMaxHeight: the deepest recursion of any later phase is then at
  // most kMaxHeight expression levels (a function literal's height includes
  // the expressions of its body) plus kMaxNesting statement levels. At
  // under 1 KB of stack per expression level in every phase (measured:
  // 750 B for x+x+..., the worst), 250,000 levels need under 256 MB.
  static constexpr unsigned kMaxHeight = 250000;
  unsigned seal(Expr *e);
  unsigned checkHeight(Expr *e);
  unsigned bodyHeight_ = 0; // the greatest height sealed in the current function body

  // --- errors ---------------------------------------------------------------
  static std::string tokString(TokKind k) { return tokSpelling(k).str(); }
  std::string curTokString() const;
  void errorAt(SMLoc p, const std::string &msg);
  void syntaxErrorAt(SMLoc p, const std::string &msg);
  void syntaxError(const std::string &msg) { syntaxErrorAt(pos(), msg); }
  void advance(std::initializer_list<TokKind> follow);
  bool anyErrors() const { return diags_.errorCount() > errorsAtStart_; }

  // --- declarations -----------------------------------------------------------
  GenDecl *genDecl(TokKind keyword);
  Spec *importSpec();
  ValueSpec *constSpec(ValueSpec *prev, int64_t iota);
  ValueSpec *varSpec();
  TypeSpec *typeSpec();
  FuncDecl *funcDeclOrNil(SMLoc funcPos);
  BlockStmt *funcBody();

  // --- expressions ------------------------------------------------------------
  Expr *expr() {
    Expr *x = binaryExpr(nullptr, 0);
    seal(x);
    return x;
  }
  Expr *binaryExpr(Expr *x, int prec);
  Expr *unaryExpr();
  Expr *operand();
  Expr *pexpr(Expr *x);
  Expr *bareComplitExpr();
  CompositeLit *complitExpr();
  std::vector<Expr *> exprList();
  SMLoc argList(std::vector<Expr *> &args, bool &hasDots);
  SMLoc list(const char *context, TokKind sep, TokKind close, const std::function<bool()> &f);
  Ident *name();
  Ident *newIdent(SMLoc p, llvm::StringRef n) {
    Ident *id = make<Ident>(p);
    id->name = n.str();
    return id;
  }
  Expr *qualifiedName(Ident *n);
  BadExpr *badExpr() { return make<BadExpr>(pos()); }
  BasicLit *oliteral();

  // --- types ----------------------------------------------------------------
  Expr *type_();
  Expr *typeOrNil();
  FuncTypeExpr *funcType(SMLoc p);
  Expr *arrayType(SMLoc p, Expr *len);
  Expr *chanElem();
  Expr *arrayOrTArgs();
  StructTypeExpr *structType();
  InterfaceTypeExpr *interfaceType();
  std::vector<Field *> funcResult();
  std::vector<Field *> paramList(TokKind close);
  void fieldDecl(StructTypeExpr *st);

  // --- statements -------------------------------------------------------------
  Stmt *stmtOrNil();
  std::vector<Stmt *> stmtList();
  BlockStmt *blockStmt(const char *context);
  Stmt *simpleStmt(std::vector<Expr *> lhs, TokKind keyword);
  RangeStmt *rangeClause(std::vector<Expr *> lhs, TokKind tok, SMLoc p);
  Stmt *labeledStmtOrNil(Ident *label);
  DeclStmt *declStmt();
  void header(TokKind keyword, Stmt *&init, Stmt *&cond, Stmt *&post);
  Expr *condExpr(TokKind keyword, Stmt *condStmt, SMLoc semiPos, bool semiIsNewline,
                 bool haveSemi);
  Stmt *forStmt();
  IfStmt *ifStmt();
  Stmt *switchStmt();
  SelectStmt *selectStmt();
  CaseClause *caseClause();
  CommClause *commClause();
  Stmt *callStmt();

  llvm::SourceMgr &sm_;
  Lexer lex_;
  ASTContext &ctx_;
  DiagEngine &diags_;
  unsigned errorsAtStart_;
  Token tok_;
  const char *prevEnd_ = nullptr;
  int xnest_ = 0;
  int fnest_ = 0;
  unsigned lastSyntaxErrorLine_ = 0;
  int depth_ = 0;
  bool tooDeep_ = false;
  unsigned syntaxErrors_ = 0; // "syntax error: ..." reports (incl. dropped ones)
  // `v := x.(type)` in a switch header: the TypeAssertExpr -> v.
  llvm::DenseMap<Expr *, Ident *> typeSwitchBinding_;
};

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

std::string Parser::curTokString() const {
  switch (tok_.kind) {
  case TokKind::Ident:
    return tok_.text.str();
  case TokKind::Semicolon:
    if (lex_.isEOFSemi(tok_))
      return "EOF";
    return tok_.text == "\n" ? "newline" : "semicolon";
  case TokKind::Int:
  case TokKind::Float:
  case TokKind::Imag:
  case TokKind::Char:
  case TokKind::String:
    return "literal " + tok_.text.str();
  default:
    return tokString(tok_.kind);
  }
}

void Parser::errorAt(SMLoc p, const std::string &msg) {
  if (llvm::StringRef(msg).starts_with("syntax error")) {
    ++syntaxErrors_;
    // gc keeps only the first syntax error of a line.
    unsigned line = sm_.getLineAndColumn(p).first;
    if (line == lastSyntaxErrorLine_)
      return;
    lastSyntaxErrorLine_ = line;
  }
  diags_.error(p, msg);
}

void Parser::syntaxErrorAt(SMLoc p, const std::string &msg) {
  if (is(TokKind::EOF_) && anyErrors())
    return; // avoid meaningless follow-up errors
  llvm::StringRef m(msg);
  std::string suffix;
  if (m.empty()) {
  } else if (m.starts_with("in ") || m.starts_with("at ") || m.starts_with("after ")) {
    suffix = " " + msg;
  } else if (m.starts_with("expecting ")) {
    suffix = ", " + msg;
  } else {
    errorAt(p, "syntax error: " + msg);
    return;
  }
  errorAt(p, "syntax error: unexpected " + curTokString() + suffix);
}

static bool inStopset(TokKind k) {
  switch (k) {
  case TokKind::Break: case TokKind::Const: case TokKind::Continue: case TokKind::Defer:
  case TokKind::Fallthrough: case TokKind::For: case TokKind::Go: case TokKind::Goto:
  case TokKind::If: case TokKind::Return: case TokKind::Select: case TokKind::Switch:
  case TokKind::Type: case TokKind::Var:
    return true;
  default:
    return false;
  }
}

void Parser::advance(std::initializer_list<TokKind> follow) {
  if (follow.size() == 0) {
    if (!is(TokKind::EOF_))
      next();
    return;
  }
  for (;;) {
    if (is(TokKind::EOF_))
      return;
    if (fnest_ > 0 && inStopset(tok_.kind))
      return;
    for (TokKind k : follow)
      if (is(k))
        return;
    next();
  }
}

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

static Expr *unparen(Expr *x) {
  while (auto *p = llvm::dyn_cast<ParenExpr>(x))
    x = p->x;
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
  auto sub = [&](Expr *x) { h = std::max(h, seal(x)); };
  auto fields = [&](const std::vector<Field *> &fs) {
    for (Field *f : fs)
      if (f)
        sub(f->typeExpr);
  };
  switch (e->kind) {
  case ExprKind::Bad:
  case ExprKind::Ident:
  case ExprKind::BasicLit:
  case ExprKind::FuncLit: // operand() measures it, body included
    break;
  case ExprKind::CompositeLit: {
    auto *c = llvm::cast<CompositeLit>(e);
    sub(c->typeExpr);
    for (Expr *x : c->elts)
      sub(x);
    break;
  }
  case ExprKind::Paren:
    sub(llvm::cast<ParenExpr>(e)->x);
    break;
  case ExprKind::Selector:
    sub(llvm::cast<SelectorExpr>(e)->x);
    break;
  case ExprKind::Index:
    sub(llvm::cast<IndexExpr>(e)->x);
    sub(llvm::cast<IndexExpr>(e)->index);
    break;
  case ExprKind::Slice: {
    auto *x = llvm::cast<SliceExpr>(e);
    sub(x->x);
    sub(x->lo);
    sub(x->hi);
    sub(x->max);
    break;
  }
  case ExprKind::TypeAssert:
    sub(llvm::cast<TypeAssertExpr>(e)->x);
    sub(llvm::cast<TypeAssertExpr>(e)->typeExpr);
    break;
  case ExprKind::Call:
    sub(llvm::cast<CallExpr>(e)->fun);
    for (Expr *x : llvm::cast<CallExpr>(e)->args)
      sub(x);
    break;
  case ExprKind::Star:
    sub(llvm::cast<StarExpr>(e)->x);
    break;
  case ExprKind::Unary:
    sub(llvm::cast<UnaryExpr>(e)->x);
    break;
  case ExprKind::Binary:
    sub(llvm::cast<BinaryExpr>(e)->x);
    sub(llvm::cast<BinaryExpr>(e)->y);
    break;
  case ExprKind::KeyValue:
    sub(llvm::cast<KeyValueExpr>(e)->key);
    sub(llvm::cast<KeyValueExpr>(e)->value);
    break;
  case ExprKind::ArrayType:
    sub(llvm::cast<ArrayTypeExpr>(e)->len);
    sub(llvm::cast<ArrayTypeExpr>(e)->elem);
    break;
  case ExprKind::FuncType:
    fields(llvm::cast<FuncTypeExpr>(e)->params);
    fields(llvm::cast<FuncTypeExpr>(e)->results);
    break;
  case ExprKind::ChanType:
    sub(llvm::cast<ChanTypeExpr>(e)->elem);
    break;
  case ExprKind::MapType:
    sub(llvm::cast<MapTypeExpr>(e)->key);
    sub(llvm::cast<MapTypeExpr>(e)->value);
    break;
  case ExprKind::StructType:
    fields(llvm::cast<StructTypeExpr>(e)->fields);
    break;
  case ExprKind::InterfaceType:
    fields(llvm::cast<InterfaceTypeExpr>(e)->methods);
    break;
  case ExprKind::Ellipsis:
    sub(llvm::cast<EllipsisExpr>(e)->elem);
    break;
  }
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

} // namespace

File *glc::parseFile(llvm::SourceMgr &sm, unsigned bufferID, ASTContext &ctx,
                     DiagEngine &diags, unsigned *numSyntaxErrors) {
  Parser p(sm, bufferID, ctx, diags);
  File *f = p.file();
  if (numSyntaxErrors)
    *numSyntaxErrors = p.syntaxErrors();
  f->filename = sm.getMemoryBuffer(bufferID)->getBufferIdentifier().str();
  return f;
}
