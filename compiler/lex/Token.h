//===- Token.h - GL tokens --------------------------------------------------===//
//
// Token kinds follow go/token's names. The lexer (Lexer.h) produces them,
// inserting automatic semicolons as the Go spec says ("Semicolons"): after a
// line's final token if it is an identifier, a literal, one of the keywords
// break continue fallthrough return, or one of ++ -- ) ] }.
//===----------------------------------------------------------------------===//
#ifndef GLC_LEX_TOKEN_H
#define GLC_LEX_TOKEN_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

namespace glc {

enum class TokKind {
  Illegal,
  EOF_,
  Comment,

  // Literals
  Ident,
  Int,    // 12345, 0x1f, 0o17, 0b101, 1_000
  Float,  // 1.5, 1e9, 0x1p-2
  Imag,   // 2i
  Char,   // 'a'
  String, // "abc" or `abc`

  // Operators and delimiters
  Add,    // +
  Sub,    // -
  Mul,    // *
  Quo,    // /
  Rem,    // %
  And,    // &
  Or,     // |
  Xor,    // ^
  Shl,    // <<
  Shr,    // >>
  AndNot, // &^

  AddAssign,    // +=
  SubAssign,    // -=
  MulAssign,    // *=
  QuoAssign,    // /=
  RemAssign,    // %=
  AndAssign,    // &=
  OrAssign,     // |=
  XorAssign,    // ^=
  ShlAssign,    // <<=
  ShrAssign,    // >>=
  AndNotAssign, // &^=

  LAnd,  // &&
  LOr,   // ||
  Arrow, // <-
  Inc,   // ++
  Dec,   // --

  Eql,    // ==
  Lss,    // <
  Gtr,    // >
  Assign, // =
  Not,    // !

  Neq,      // !=
  Leq,      // <=
  Geq,      // >=
  Define,   // :=
  Ellipsis, // ...

  LParen, // (
  LBrack, // [
  LBrace, // {
  Comma,  // ,
  Period, // .

  RParen,    // )
  RBrack,    // ]
  RBrace,    // }
  Semicolon, // ; (explicit, or automatic: then text is "\n")
  Colon,     // :
  Tilde,     // ~

  // Keywords
  Break,
  Case,
  Chan,
  Const,
  Continue,
  Default,
  Defer,
  Else,
  Fallthrough,
  For,
  Func,
  Go,
  Goto,
  If,
  Import,
  Interface,
  Map,
  Package,
  Range,
  Return,
  Select,
  Struct,
  Switch,
  Type,
  Var,
};

struct Token {
  TokKind kind = TokKind::Illegal;
  llvm::SMLoc pos;     // first character
  llvm::StringRef text; // source text (for an automatic ';', "\n")
};

/// The spelling of a token kind as Go's parser prints it in diagnostics
/// ("+", "<-", "func", "name", "literal", "newline", "EOF").
llvm::StringRef tokSpelling(TokKind k);

/// Binary operator precedence per the Go spec (5: * / % << >> & &^,
/// 4: + - | ^, 3: == != < <= > >=, 2: &&, 1: ||); 0 if not a binary op.
int binaryPrecedence(TokKind k);

/// For op-assign tokens (+= ...), the binary operator (+ ...); Illegal
/// otherwise.
TokKind opAssignToBinary(TokKind k);

} // namespace glc

#endif // GLC_LEX_TOKEN_H
