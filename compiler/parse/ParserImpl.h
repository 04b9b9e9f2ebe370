//===- ParserImpl.h - the parser's internal state ----------------------------===//
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
//
// The Parser class is split over several .cpp files along its grammar:
//   Parser.cpp      errors, recovery, and the parseFile entry point.
//   ParseDecl.cpp   files and declarations.
//   ParseExpr.cpp   expressions.
//   ParseType.cpp   types.
//   ParseStmt.cpp   statements.
//===----------------------------------------------------------------------===//
#ifndef GLC_PARSE_PARSERIMPL_H
#define GLC_PARSE_PARSERIMPL_H

#include "parse/Parser.h"

#include "lex/Lexer.h"
#include "parse/ASTUtil.h"

#include "llvm/ADT/DenseMap.h"

#include <functional>

namespace glc {

using llvm::SMLoc;

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

} // namespace glc

#endif // GLC_PARSE_PARSERIMPL_H
