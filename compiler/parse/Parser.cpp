//===- Parser.cpp - GL (Go) recursive-descent parser: errors, entry point ---===//
//
// The parser's state, error discipline and termination rules are described
// in ParserImpl.h, which lists the files the grammar productions are in.
//===----------------------------------------------------------------------===//
#include "parse/ParserImpl.h"

using namespace glc;
using llvm::SMLoc;

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

File *glc::parseFile(llvm::SourceMgr &sm, unsigned bufferID, ASTContext &ctx,
                     DiagEngine &diags, unsigned *numSyntaxErrors) {
  Parser p(sm, bufferID, ctx, diags);
  File *f = p.file();
  if (numSyntaxErrors)
    *numSyntaxErrors = p.syntaxErrors();
  f->filename = sm.getMemoryBuffer(bufferID)->getBufferIdentifier().str();
  return f;
}
