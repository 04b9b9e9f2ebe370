//===- Lexer.h - GL (Go) scanner --------------------------------------------===//
//
// Turns one source buffer into Go tokens (Token.h), one at a time.
//
//  - Automatic semicolons (Go spec "Semicolons"): after a line's final token
//    if it is an identifier, a literal, break/continue/fallthrough/return, or
//    one of ++ -- ) ] }, a newline becomes a Semicolon token whose text is
//    "\n" and whose position is the newline (or, at end of input, the end of
//    the buffer: Lexer::isEOFSemi tells that case apart). A /*...*/ comment
//    that spans lines acts as a newline; its semicolon sits at the comment.
//  - Comments are skipped; they never reach the parser.
//  - Malformed input is reported through the DiagEngine with gc's wording
//    ("newline in string", "invalid character U+0040 '@'", ...); the lexer
//    then carries on, so it always terminates with EOF_ and never reads past
//    the buffer. After EOF_ every call returns EOF_ again.
//
// unquoteString/unquoteChar decode literal text for sema; they assume the
// lexer already accepted the literal and return false if it is malformed.
//===----------------------------------------------------------------------===//
#ifndef GLC_LEX_LEXER_H
#define GLC_LEX_LEXER_H

#include "basic/Diagnostics.h"
#include "lex/Token.h"

#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <string>

namespace glc {

class Lexer {
public:
  Lexer(llvm::SourceMgr &sm, unsigned bufferID, DiagEngine &diags);

  /// The next token (never Comment). Returns EOF_ forever at the end.
  Token next();

  /// Whether `t` is the automatic semicolon inserted at end of input.
  bool isEOFSemi(const Token &t) const {
    return t.kind == TokKind::Semicolon && t.pos.getPointer() == end_;
  }
  const char *bufferStart() const { return begin_; }
  const char *bufferEnd() const { return end_; }

private:
  // Current character (a decoded rune; -1 at end) and its extent.
  void nextch();
  void error(const char *at, const llvm::Twine &msg);
  bool escape(char quote);
  void number(const char *start, bool seenPoint);
  unsigned digits(int base, const char **invalid);
  bool skipComment(); // after "/*"
  bool identRune(bool first);

  DiagEngine &diags_;
  const char *begin_, *end_;
  const char *chPos_;  // position of ch_
  const char *nextPos_; // position after ch_
  int32_t ch_ = -1;
  bool nlsemi_ = false;
  TokKind litKind_ = TokKind::Illegal;
};

/// Decodes an interpreted ("...") or raw (`...`) string literal into bytes.
bool unquoteString(llvm::StringRef lit, std::string &out);

/// Decodes a rune literal ('a', '\n', '\u00e9', ...).
bool unquoteChar(llvm::StringRef lit, uint32_t &rune);

/// Appends the UTF-8 encoding of `r` (U+FFFD for invalid code points).
void appendUTF8(std::string &out, uint32_t r);

/// Decodes one UTF-8 sequence at s (n bytes available); sets `size` to the
/// bytes consumed (1 for an invalid byte, returning 0xFFFD).
uint32_t decodeUTF8(const char *s, size_t n, unsigned &size);

} // namespace glc

#endif // GLC_LEX_LEXER_H
