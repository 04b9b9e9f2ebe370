//===- Token.cpp - token spellings and operator tables ---------------------===//
//
// Small tables over TokKind: the spelling gc uses for a token in syntax
// errors, binary-operator precedence, and op-assign -> operator mapping.
// Nothing here looks at source text.
//===----------------------------------------------------------------------===//
#include "lex/Token.h"

using namespace glc;

llvm::StringRef glc::tokSpelling(TokKind k) {
  switch (k) {
  case TokKind::Illegal: return "illegal";
  case TokKind::EOF_: return "EOF";
  case TokKind::Comment: return "comment";
  case TokKind::Ident: return "name";
  case TokKind::Int:
  case TokKind::Float:
  case TokKind::Imag:
  case TokKind::Char:
  case TokKind::String: return "literal";
  case TokKind::Add: return "+";
  case TokKind::Sub: return "-";
  case TokKind::Mul: return "*";
  case TokKind::Quo: return "/";
  case TokKind::Rem: return "%";
  case TokKind::And: return "&";
  case TokKind::Or: return "|";
  case TokKind::Xor: return "^";
  case TokKind::Shl: return "<<";
  case TokKind::Shr: return ">>";
  case TokKind::AndNot: return "&^";
  case TokKind::AddAssign: return "+=";
  case TokKind::SubAssign: return "-=";
  case TokKind::MulAssign: return "*=";
  case TokKind::QuoAssign: return "/=";
  case TokKind::RemAssign: return "%=";
  case TokKind::AndAssign: return "&=";
  case TokKind::OrAssign: return "|=";
  case TokKind::XorAssign: return "^=";
  case TokKind::ShlAssign: return "<<=";
  case TokKind::ShrAssign: return ">>=";
  case TokKind::AndNotAssign: return "&^=";
  case TokKind::LAnd: return "&&";
  case TokKind::LOr: return "||";
  case TokKind::Arrow: return "<-";
  case TokKind::Inc: return "++";
  case TokKind::Dec: return "--";
  case TokKind::Eql: return "==";
  case TokKind::Lss: return "<";
  case TokKind::Gtr: return ">";
  case TokKind::Assign: return "=";
  case TokKind::Not: return "!";
  case TokKind::Neq: return "!=";
  case TokKind::Leq: return "<=";
  case TokKind::Geq: return ">=";
  case TokKind::Define: return ":=";
  case TokKind::Ellipsis: return "...";
  case TokKind::LParen: return "(";
  case TokKind::LBrack: return "[";
  case TokKind::LBrace: return "{";
  case TokKind::Comma: return "comma";
  case TokKind::Period: return ".";
  case TokKind::RParen: return ")";
  case TokKind::RBrack: return "]";
  case TokKind::RBrace: return "}";
  case TokKind::Semicolon: return "semicolon or newline";
  case TokKind::Colon: return ":";
  case TokKind::Tilde: return "~";
  case TokKind::Break: return "break";
  case TokKind::Case: return "case";
  case TokKind::Chan: return "chan";
  case TokKind::Const: return "const";
  case TokKind::Continue: return "continue";
  case TokKind::Default: return "default";
  case TokKind::Defer: return "defer";
  case TokKind::Else: return "else";
  case TokKind::Fallthrough: return "fallthrough";
  case TokKind::For: return "for";
  case TokKind::Func: return "func";
  case TokKind::Go: return "go";
  case TokKind::Goto: return "goto";
  case TokKind::If: return "if";
  case TokKind::Import: return "import";
  case TokKind::Interface: return "interface";
  case TokKind::Map: return "map";
  case TokKind::Package: return "package";
  case TokKind::Range: return "range";
  case TokKind::Return: return "return";
  case TokKind::Select: return "select";
  case TokKind::Struct: return "struct";
  case TokKind::Switch: return "switch";
  case TokKind::Type: return "type";
  case TokKind::Var: return "var";
  }
  return "?";
}

int glc::binaryPrecedence(TokKind k) {
  switch (k) {
  case TokKind::Mul: case TokKind::Quo: case TokKind::Rem:
  case TokKind::Shl: case TokKind::Shr: case TokKind::And:
  case TokKind::AndNot:
    return 5;
  case TokKind::Add: case TokKind::Sub: case TokKind::Or:
  case TokKind::Xor:
    return 4;
  case TokKind::Eql: case TokKind::Neq: case TokKind::Lss:
  case TokKind::Leq: case TokKind::Gtr: case TokKind::Geq:
    return 3;
  case TokKind::LAnd:
    return 2;
  case TokKind::LOr:
    return 1;
  default:
    return 0;
  }
}

TokKind glc::opAssignToBinary(TokKind k) {
  switch (k) {
  case TokKind::AddAssign: return TokKind::Add;
  case TokKind::SubAssign: return TokKind::Sub;
  case TokKind::MulAssign: return TokKind::Mul;
  case TokKind::QuoAssign: return TokKind::Quo;
  case TokKind::RemAssign: return TokKind::Rem;
  case TokKind::AndAssign: return TokKind::And;
  case TokKind::OrAssign: return TokKind::Or;
  case TokKind::XorAssign: return TokKind::Xor;
  case TokKind::ShlAssign: return TokKind::Shl;
  case TokKind::ShrAssign: return TokKind::Shr;
  case TokKind::AndNotAssign: return TokKind::AndNot;
  default: return TokKind::Illegal;
  }
}
