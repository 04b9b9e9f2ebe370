//===- Lexer.cpp - GL (Go) scanner ------------------------------------------===//
//
// A hand-written scanner in the shape of gc's (cmd/compile/internal/syntax):
// one current rune `ch_` (decoded UTF-8), a flag `nlsemi_` saying whether a
// newline here would end a statement, and one function per token family.
// Every loop advances ch_ or stops at end of input (ch_ == -1), so the lexer
// terminates on any bytes. Error texts are gc's, at gc's positions: errors
// "at the current character" use chPos_, errors "at the token" use its start.
//===----------------------------------------------------------------------===//
#include "lex/Lexer.h"
#include "lex/Unicode.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Unicode.h"

using namespace glc;

static const char kNewline[] = "\n";

uint32_t glc::decodeUTF8(const char *s, size_t n, unsigned &size) {
  auto u = [&](size_t i) { return (uint8_t)s[i]; };
  uint8_t c = u(0);
  size = 1;
  if (c < 0x80)
    return c;
  unsigned need;
  uint32_t r, min;
  if ((c & 0xE0) == 0xC0) { need = 1; r = c & 0x1F; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { need = 2; r = c & 0x0F; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { need = 3; r = c & 0x07; min = 0x10000; }
  else return 0xFFFD;
  if (n < need + 1)
    return 0xFFFD;
  for (unsigned i = 1; i <= need; ++i) {
    if ((u(i) & 0xC0) != 0x80)
      return 0xFFFD;
    r = (r << 6) | (u(i) & 0x3F);
  }
  if (r < min || r > 0x10FFFF || (r >= 0xD800 && r < 0xE000))
    return 0xFFFD;
  size = need + 1;
  return r;
}

void glc::appendUTF8(std::string &out, uint32_t r) {
  if (r > 0x10FFFF || (r >= 0xD800 && r < 0xE000))
    r = 0xFFFD;
  if (r < 0x80) {
    out += (char)r;
  } else if (r < 0x800) {
    out += (char)(0xC0 | (r >> 6));
    out += (char)(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += (char)(0xE0 | (r >> 12));
    out += (char)(0x80 | ((r >> 6) & 0x3F));
    out += (char)(0x80 | (r & 0x3F));
  } else {
    out += (char)(0xF0 | (r >> 18));
    out += (char)(0x80 | ((r >> 12) & 0x3F));
    out += (char)(0x80 | ((r >> 6) & 0x3F));
    out += (char)(0x80 | (r & 0x3F));
  }
}

// Go's %#U: "U+0040 '@'" (the character only if printable).
static std::string fmtU(uint32_t r) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "U+" << llvm::format_hex_no_prefix(r, 4, /*Upper=*/true);
  if (llvm::sys::unicode::isPrintable((int)r)) {
    os << " '";
    std::string u;
    appendUTF8(u, r);
    os << u << "'";
  }
  return s;
}

// Go's %q of a rune: '8', '\n', '\x01'.
static std::string fmtQ(uint32_t r) {
  std::string s = "'";
  switch (r) {
  case '\a': s += "\\a"; break;
  case '\b': s += "\\b"; break;
  case '\f': s += "\\f"; break;
  case '\n': s += "\\n"; break;
  case '\r': s += "\\r"; break;
  case '\t': s += "\\t"; break;
  case '\v': s += "\\v"; break;
  case '\\': s += "\\\\"; break;
  case '\'': s += "\\'"; break;
  default:
    if (r < 0x20 || r == 0x7F) {
      llvm::raw_string_ostream os(s);
      os << "\\x" << llvm::format_hex_no_prefix(r, 2);
    } else {
      appendUTF8(s, r);
    }
  }
  return s + "'";
}

static bool isLetter(int32_t c) {
  return ('a' <= (c | 0x20) && (c | 0x20) <= 'z') || c == '_';
}
static bool isDecimal(int32_t c) { return '0' <= c && c <= '9'; }
static bool isHex(int32_t c) {
  return isDecimal(c) || ('a' <= (c | 0x20) && (c | 0x20) <= 'f');
}
static int32_t lower(int32_t c) { return c | 0x20; }

Lexer::Lexer(llvm::SourceMgr &sm, unsigned bufferID, DiagEngine &diags)
    : diags_(diags) {
  const llvm::MemoryBuffer *buf = sm.getMemoryBuffer(bufferID);
  begin_ = buf->getBufferStart();
  end_ = buf->getBufferEnd();
  chPos_ = nextPos_ = begin_;
  // A leading byte order mark is ignored, as in gc.
  if (end_ - begin_ >= 3 && (uint8_t)begin_[0] == 0xEF && (uint8_t)begin_[1] == 0xBB &&
      (uint8_t)begin_[2] == 0xBF)
    nextPos_ = begin_ + 3;
  nextch();
}

void Lexer::error(const char *at, const llvm::Twine &msg) {
  diags_.error(llvm::SMLoc::getFromPointer(at), msg);
}

void Lexer::nextch() {
  chPos_ = nextPos_;
  if (chPos_ >= end_) {
    chPos_ = end_;
    ch_ = -1;
    return;
  }
  uint8_t c = (uint8_t)*chPos_;
  if (c < 0x80) {
    nextPos_ = chPos_ + 1;
    ch_ = c;
    if (c == 0) {
      error(chPos_, "invalid NUL character");
    }
    return;
  }
  unsigned size;
  uint32_t r = decodeUTF8(chPos_, end_ - chPos_, size);
  nextPos_ = chPos_ + size;
  ch_ = (int32_t)r;
  if (r == 0xFFFD && size == 1) {
    error(chPos_, "invalid UTF-8 encoding");
  } else if (r == 0xFEFF) {
    error(chPos_, "invalid BOM in the middle of the file");
  }
}

static TokKind keyword(llvm::StringRef s) {
  return llvm::StringSwitch<TokKind>(s)
      .Case("break", TokKind::Break)
      .Case("case", TokKind::Case)
      .Case("chan", TokKind::Chan)
      .Case("const", TokKind::Const)
      .Case("continue", TokKind::Continue)
      .Case("default", TokKind::Default)
      .Case("defer", TokKind::Defer)
      .Case("else", TokKind::Else)
      .Case("fallthrough", TokKind::Fallthrough)
      .Case("for", TokKind::For)
      .Case("func", TokKind::Func)
      .Case("go", TokKind::Go)
      .Case("goto", TokKind::Goto)
      .Case("if", TokKind::If)
      .Case("import", TokKind::Import)
      .Case("interface", TokKind::Interface)
      .Case("map", TokKind::Map)
      .Case("package", TokKind::Package)
      .Case("range", TokKind::Range)
      .Case("return", TokKind::Return)
      .Case("select", TokKind::Select)
      .Case("struct", TokKind::Struct)
      .Case("switch", TokKind::Switch)
      .Case("type", TokKind::Type)
      .Case("var", TokKind::Var)
      .Default(TokKind::Ident);
}

Token Lexer::next() {
  bool nlsemi = nlsemi_;
  nlsemi_ = false;
  Token t;

redo:
  while (ch_ == ' ' || ch_ == '\t' || (ch_ == '\n' && !nlsemi) || ch_ == '\r')
    nextch();

  const char *start = chPos_;
  t.pos = llvm::SMLoc::getFromPointer(start);
  auto finish = [&](TokKind k) {
    t.kind = k;
    t.text = llvm::StringRef(start, chPos_ - start);
    return t;
  };
  // Single-char operator then optional '=' (op-assign).
  auto opOrAssign = [&](TokKind op, TokKind asg) {
    if (ch_ == '=') {
      nextch();
      return finish(asg);
    }
    return finish(op);
  };

  // Identifiers. As in gc, any non-ASCII rune is taken into an identifier,
  // with an error unless it is a letter (or, after the first, a digit).
  if (isLetter(ch_) || (ch_ >= 0x80 && identRune(true))) {
    nextch();
    while (isLetter(ch_) || isDecimal(ch_) || (ch_ >= 0x80 && identRune(false)))
      nextch();
    llvm::StringRef s(start, chPos_ - start);
    TokKind k = keyword(s);
    nlsemi_ = k == TokKind::Ident || k == TokKind::Break || k == TokKind::Continue ||
              k == TokKind::Fallthrough || k == TokKind::Return;
    return finish(k);
  }

  switch (ch_) {
  case -1:
    if (nlsemi) {
      t.kind = TokKind::Semicolon;
      t.text = kNewline;
      return t;
    }
    return finish(TokKind::EOF_);
  case '\n':
    nextch();
    t.kind = TokKind::Semicolon;
    t.text = kNewline;
    return t;
  case '0': case '1': case '2': case '3': case '4':
  case '5': case '6': case '7': case '8': case '9':
    number(start, false);
    nlsemi_ = true;
    return finish(litKind_);
  case '"': {
    nextch();
    for (;;) {
      if (ch_ == '"') {
        nextch();
        break;
      }
      if (ch_ == '\\') {
        nextch();
        escape('"');
        continue;
      }
      if (ch_ == '\n') {
        error(chPos_, "newline in string");
        break;
      }
      if (ch_ < 0) {
        error(start, "string not terminated");
        break;
      }
      nextch();
    }
    nlsemi_ = true;
    return finish(TokKind::String);
  }
  case '`': {
    nextch();
    for (;;) {
      if (ch_ == '`') {
        nextch();
        break;
      }
      if (ch_ < 0) {
        error(start, "string not terminated");
        break;
      }
      nextch();
    }
    nlsemi_ = true;
    return finish(TokKind::String);
  }
  case '\'': {
    nextch();
    bool ok = true;
    for (int n = 0;; ++n) {
      if (ch_ == '\'') {
        if (ok) {
          if (n == 0) {
            error(chPos_, "empty rune literal or unescaped '");
          } else if (n != 1) {
            error(start, "more than one character in rune literal");
          }
        }
        nextch();
        break;
      }
      if (ch_ == '\\') {
        nextch();
        if (!escape('\''))
          ok = false;
        continue;
      }
      if (ch_ == '\n') {
        if (ok)
          error(chPos_, "newline in rune literal");
        break;
      }
      if (ch_ < 0) {
        if (ok)
          error(start, "rune literal not terminated");
        break;
      }
      nextch();
    }
    nlsemi_ = true;
    return finish(TokKind::Char);
  }
  case '(': nextch(); return finish(TokKind::LParen);
  case '[': nextch(); return finish(TokKind::LBrack);
  case '{': nextch(); return finish(TokKind::LBrace);
  case ',': nextch(); return finish(TokKind::Comma);
  case ';': nextch(); return finish(TokKind::Semicolon);
  case ')': nextch(); nlsemi_ = true; return finish(TokKind::RParen);
  case ']': nextch(); nlsemi_ = true; return finish(TokKind::RBrack);
  case '}': nextch(); nlsemi_ = true; return finish(TokKind::RBrace);
  case ':':
    nextch();
    if (ch_ == '=') {
      nextch();
      return finish(TokKind::Define);
    }
    return finish(TokKind::Colon);
  case '.':
    nextch();
    if (isDecimal(ch_)) {
      number(start, true);
      nlsemi_ = true;
      return finish(litKind_);
    }
    if (ch_ == '.' && nextPos_ < end_ && *nextPos_ == '.') {
      nextch();
      nextch();
      return finish(TokKind::Ellipsis);
    }
    return finish(TokKind::Period);
  case '+':
    nextch();
    if (ch_ == '+') {
      nextch();
      nlsemi_ = true;
      return finish(TokKind::Inc);
    }
    return opOrAssign(TokKind::Add, TokKind::AddAssign);
  case '-':
    nextch();
    if (ch_ == '-') {
      nextch();
      nlsemi_ = true;
      return finish(TokKind::Dec);
    }
    return opOrAssign(TokKind::Sub, TokKind::SubAssign);
  case '*': nextch(); return opOrAssign(TokKind::Mul, TokKind::MulAssign);
  case '/':
    nextch();
    if (ch_ == '/') {
      // Line comment: leave the '\n' for semicolon insertion.
      while (ch_ >= 0 && ch_ != '\n')
        nextch();
      goto redo;
    }
    if (ch_ == '*') {
      nextch();
      const char *line0 = start;
      skipComment();
      bool hasNewline = llvm::StringRef(line0, chPos_ - line0).contains('\n');
      if (hasNewline && nlsemi) {
        t.kind = TokKind::Semicolon;
        t.text = kNewline;
        return t;
      }
      goto redo;
    }
    return opOrAssign(TokKind::Quo, TokKind::QuoAssign);
  case '%': nextch(); return opOrAssign(TokKind::Rem, TokKind::RemAssign);
  case '&':
    nextch();
    if (ch_ == '&') {
      nextch();
      return finish(TokKind::LAnd);
    }
    if (ch_ == '^') {
      nextch();
      return opOrAssign(TokKind::AndNot, TokKind::AndNotAssign);
    }
    return opOrAssign(TokKind::And, TokKind::AndAssign);
  case '|':
    nextch();
    if (ch_ == '|') {
      nextch();
      return finish(TokKind::LOr);
    }
    return opOrAssign(TokKind::Or, TokKind::OrAssign);
  case '^': nextch(); return opOrAssign(TokKind::Xor, TokKind::XorAssign);
  case '<':
    nextch();
    if (ch_ == '-') {
      nextch();
      return finish(TokKind::Arrow);
    }
    if (ch_ == '<') {
      nextch();
      return opOrAssign(TokKind::Shl, TokKind::ShlAssign);
    }
    if (ch_ == '=') {
      nextch();
      return finish(TokKind::Leq);
    }
    return finish(TokKind::Lss);
  case '>':
    nextch();
    if (ch_ == '>') {
      nextch();
      return opOrAssign(TokKind::Shr, TokKind::ShrAssign);
    }
    if (ch_ == '=') {
      nextch();
      return finish(TokKind::Geq);
    }
    return finish(TokKind::Gtr);
  case '=':
    nextch();
    if (ch_ == '=') {
      nextch();
      return finish(TokKind::Eql);
    }
    return finish(TokKind::Assign);
  case '!':
    nextch();
    if (ch_ == '=') {
      nextch();
      return finish(TokKind::Neq);
    }
    return finish(TokKind::Not);
  case '~': nextch(); return finish(TokKind::Tilde);
  default:
    // NUL, invalid UTF-8 and BOM were already reported by nextch().
    if (ch_ != 0 && ch_ != 0xFEFF && !(ch_ == 0xFFFD && nextPos_ - chPos_ == 1))
      error(chPos_, "invalid character " + fmtU((uint32_t)ch_));
    nextch();
    goto redo;
  }
}

// For a non-ASCII ch_: whether it continues an identifier (reporting gc's
// error if it is not a letter/digit). Invalid UTF-8 and BOMs (already
// reported) end the identifier instead.
bool Lexer::identRune(bool first) {
  if (ch_ == 0xFEFF || (ch_ == 0xFFFD && nextPos_ - chPos_ == 1))
    return false;
  if (isUnicodeLetter((uint32_t)ch_))
    return true;
  if (isUnicodeDigit((uint32_t)ch_)) {
    if (first)
      error(chPos_, "identifier cannot begin with digit " + fmtU((uint32_t)ch_));
    return true;
  }
  error(chPos_, "invalid character " + fmtU((uint32_t)ch_) + " in identifier");
  return true;
}

bool Lexer::skipComment() {
  const char *start = chPos_ - 2;
  while (ch_ >= 0) {
    while (ch_ == '*') {
      nextch();
      if (ch_ == '/') {
        nextch();
        return true;
      }
    }
    if (ch_ < 0)
      break;
    nextch();
  }
  error(start, "comment not terminated");
  return false;
}

// escape = "\" ( quote | a b f n r t v \ | ooo | xhh | uhhhh | Uhhhhhhhh ).
// The backslash is consumed; reports gc's error and returns false if bad.
bool Lexer::escape(char quote) {
  int n;
  uint32_t base, max;
  switch (ch_) {
  case 'a': case 'b': case 'f': case 'n': case 'r': case 't': case 'v': case '\\':
    nextch();
    return true;
  case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
    n = 3; base = 8; max = 255;
    break;
  case 'x': nextch(); n = 2; base = 16; max = 255; break;
  case 'u': nextch(); n = 4; base = 16; max = 0x10FFFF; break;
  case 'U': nextch(); n = 8; base = 16; max = 0x10FFFF; break;
  default:
    if (ch_ == quote) {
      nextch();
      return true;
    }
    if (ch_ < 0)
      return true; // the caller reports the unterminated literal
    error(chPos_, "unknown escape");
    return false;
  }
  uint32_t x = 0;
  for (int i = n; i > 0; --i) {
    if (ch_ < 0)
      return true;
    uint32_t d = base;
    if (isDecimal(ch_))
      d = ch_ - '0';
    else if ('a' <= lower(ch_) && lower(ch_) <= 'f')
      d = lower(ch_) - 'a' + 10;
    if (d >= base) {
      error(chPos_, "invalid character " + fmtQ(ch_) + " in " +
                        (base == 8 ? "octal" : "hexadecimal") + " escape");
      return false;
    }
    x = x * base + d;
    nextch();
  }
  if (x > max && base == 8) {
    error(chPos_, "octal escape value " + llvm::Twine(x) + " > 255");
    return false;
  }
  if (x > max || (x >= 0xD800 && x < 0xE000)) {
    error(chPos_, "escape is invalid Unicode code point " + fmtU(x));
    return false;
  }
  return true;
}

// Consumes digits of `base` (and '_'); bit 0 of the result: a digit was seen,
// bit 1: a '_' was seen. For base <= 10, decimal digits beyond the base are
// consumed too and the first one is remembered in *invalid.
unsigned Lexer::digits(int base, const char **invalid) {
  unsigned digsep = 0;
  if (base <= 10) {
    int max = '0' + base;
    while (isDecimal(ch_) || ch_ == '_') {
      unsigned ds = 1;
      if (ch_ == '_')
        ds = 2;
      else if (ch_ >= max && invalid && !*invalid)
        *invalid = chPos_;
      digsep |= ds;
      nextch();
    }
  } else {
    while (isHex(ch_) || ch_ == '_') {
      digsep |= ch_ == '_' ? 2 : 1;
      nextch();
    }
  }
  return digsep;
}

static const char *baseName(int base) {
  switch (base) {
  case 2: return "binary";
  case 8: return "octal";
  case 10: return "decimal";
  default: return "hexadecimal";
  }
}

// Index of the first misplaced '_' in a number literal, or -1.
static int invalidSep(llvm::StringRef x) {
  char x1 = ' ';
  char d = '.';
  size_t i = 0;
  if (x.size() >= 2 && x[0] == '0') {
    x1 = (char)lower(x[1]);
    if (x1 == 'x' || x1 == 'o' || x1 == 'b') {
      d = '0';
      i = 2;
    }
  }
  for (; i < x.size(); ++i) {
    char p = d;
    d = x[i];
    if (d == '_') {
      if (p != '0')
        return (int)i;
    } else if (isDecimal(d) || (x1 == 'x' && isHex(d))) {
      d = '0';
    } else {
      if (p == '_')
        return (int)i - 1;
      d = '.';
    }
  }
  if (d == '_')
    return (int)x.size() - 1;
  return -1;
}

// int_lit | float_lit | imaginary_lit, with the error checks gc makes.
void Lexer::number(const char *start, bool seenPoint) {
  bool ok = true;
  TokKind kind = TokKind::Int;
  int base = 10;
  char prefix = 0;
  unsigned digsep = 0;
  const char *invalid = nullptr;

  if (!seenPoint) {
    if (ch_ == '0') {
      nextch();
      switch (lower(ch_)) {
      case 'x': nextch(); base = 16; prefix = 'x'; break;
      case 'o': nextch(); base = 8; prefix = 'o'; break;
      case 'b': nextch(); base = 2; prefix = 'b'; break;
      default: base = 8; prefix = '0'; digsep = 1; break;
      }
    }
    digsep |= digits(base, &invalid);
    if (ch_ == '.') {
      if (prefix == 'o' || prefix == 'b') {
        error(chPos_, llvm::Twine("invalid radix point in ") + baseName(base) + " literal");
        ok = false;
      }
      nextch();
      seenPoint = true;
    }
  }
  if (seenPoint) {
    kind = TokKind::Float;
    digsep |= digits(base, &invalid);
  }
  if ((digsep & 1) == 0 && ok) {
    error(chPos_, llvm::Twine(baseName(base)) + " literal has no digits");
    ok = false;
  }
  int32_t e = lower(ch_);
  if (e == 'e' || e == 'p') {
    if (ok) {
      if (e == 'e' && prefix != 0 && prefix != '0') {
        error(chPos_, fmtQ(ch_) + " exponent requires decimal mantissa");
        ok = false;
      } else if (e == 'p' && prefix != 'x') {
        error(chPos_, fmtQ(ch_) + " exponent requires hexadecimal mantissa");
        ok = false;
      }
    }
    nextch();
    kind = TokKind::Float;
    if (ch_ == '+' || ch_ == '-')
      nextch();
    unsigned ds = digits(10, nullptr);
    digsep = ds | (digsep & 2);
    if ((ds & 1) == 0 && ok) {
      error(chPos_, "exponent has no digits");
      ok = false;
    }
  } else if (prefix == 'x' && kind == TokKind::Float && ok) {
    error(chPos_, "hexadecimal mantissa requires a 'p' exponent");
    ok = false;
  }
  if (ch_ == 'i') {
    kind = TokKind::Imag;
    nextch();
  }
  litKind_ = kind;
  llvm::StringRef lit(start, chPos_ - start);
  if (kind == TokKind::Int && invalid && ok) {
    error(invalid, "invalid digit " + fmtQ((uint8_t)*invalid) + " in " + baseName(base) +
                       " literal");
    ok = false;
  }
  if ((digsep & 2) && ok) {
    int i = invalidSep(lit);
    if (i >= 0) {
      error(start + i, "'_' must separate successive digits");
      ok = false;
    }
  }
}

//===----------------------------------------------------------------------===//
// Literal decoding for sema
//===----------------------------------------------------------------------===//

// Decodes one (possibly escaped) character of an interpreted literal at s[i],
// advancing i. `isByte` is set for \x and octal escapes (a raw byte value).
static bool unquoteOne(llvm::StringRef s, size_t &i, char quote, uint32_t &r, bool &isByte) {
  isByte = false;
  if (i >= s.size())
    return false;
  if (s[i] != '\\') {
    unsigned size;
    r = decodeUTF8(s.data() + i, s.size() - i, size);
    i += size;
    return true;
  }
  if (++i >= s.size())
    return false;
  char c = s[i++];
  int n = 0;
  uint32_t base = 0, max = 0;
  switch (c) {
  case 'a': r = 7; return true;
  case 'b': r = 8; return true;
  case 'f': r = 12; return true;
  case 'n': r = 10; return true;
  case 'r': r = 13; return true;
  case 't': r = 9; return true;
  case 'v': r = 11; return true;
  case '\\': r = '\\'; return true;
  case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
    --i; n = 3; base = 8; max = 255; isByte = true; break;
  case 'x': n = 2; base = 16; max = 255; isByte = true; break;
  case 'u': n = 4; base = 16; max = 0x10FFFF; break;
  case 'U': n = 8; base = 16; max = 0x10FFFF; break;
  default:
    if (c == quote) {
      r = (uint32_t)c;
      return true;
    }
    return false;
  }
  uint32_t x = 0;
  for (int k = 0; k < n; ++k) {
    if (i >= s.size())
      return false;
    char d = s[i++];
    uint32_t v;
    if (isDecimal(d))
      v = d - '0';
    else if ('a' <= lower(d) && lower(d) <= 'f')
      v = lower(d) - 'a' + 10;
    else
      return false;
    if (v >= base)
      return false;
    x = x * base + v;
  }
  if (x > max || (!isByte && x >= 0xD800 && x < 0xE000))
    return false;
  r = x;
  return true;
}

bool glc::unquoteString(llvm::StringRef lit, std::string &out) {
  out.clear();
  if (lit.size() < 2)
    return false;
  char q = lit.front();
  if (lit.back() != q || (q != '"' && q != '`'))
    return false;
  llvm::StringRef body = lit.drop_front().drop_back();
  if (q == '`') {
    for (char c : body)
      if (c != '\r') // carriage returns are discarded from raw strings
        out += c;
    return true;
  }
  size_t i = 0;
  while (i < body.size()) {
    if (body[i] == '\n' || body[i] == '"')
      return false;
    if (body[i] != '\\') { // copy bytes verbatim (keeps invalid UTF-8 as is)
      out += body[i++];
      continue;
    }
    uint32_t r;
    bool isByte;
    if (!unquoteOne(body, i, '"', r, isByte))
      return false;
    if (isByte)
      out += (char)r;
    else
      appendUTF8(out, r);
  }
  return true;
}

bool glc::unquoteChar(llvm::StringRef lit, uint32_t &rune) {
  if (lit.size() < 3 || lit.front() != '\'' || lit.back() != '\'')
    return false;
  llvm::StringRef body = lit.drop_front().drop_back();
  size_t i = 0;
  bool isByte;
  if (body[0] == '\'' || body[0] == '\n')
    return false;
  if (!unquoteOne(body, i, '\'', rune, isByte))
    return false;
  return i == body.size();
}
