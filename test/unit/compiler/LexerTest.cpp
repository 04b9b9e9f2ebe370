//===- LexerTest.cpp - tests for the GL scanner -----------------------------===//
//
// Token kinds and texts, automatic semicolons, every literal form, gc's
// lexical error messages and positions, and the unquote helpers.
//===----------------------------------------------------------------------===//
#include "lex/Lexer.h"

#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

using namespace glc;

namespace {

struct Lexed {
  std::vector<Token> toks;
  std::string errors; // "line:col: msg\n"...
};

// Owns the SourceMgr so token texts stay valid for the test.
class LexerTest : public ::testing::Test {
protected:
  llvm::SourceMgr sm;

  Lexed lex(llvm::StringRef src) {
    unsigned id = sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(src, "t.gl"),
                                        llvm::SMLoc());
    std::string out;
    llvm::raw_string_ostream os(out);
    Lexed r;
    {
      DiagEngine diags(sm, os);
      Lexer lx(sm, id, diags);
      for (int i = 0; i < 10000; ++i) {
        Token t = lx.next();
        r.toks.push_back(t);
        if (t.kind == TokKind::EOF_)
          break;
      }
      diags.flush();
    }
    // Keep only the "t.gl:L:C: msg" lines (drop source line and caret).
    llvm::StringRef rest(out);
    while (!rest.empty()) {
      auto [lineText, tail] = rest.split('\n');
      if (lineText.starts_with("t.gl:"))
        r.errors += lineText.drop_front(5).str() + "\n";
      rest = tail;
    }
    return r;
  }

  std::vector<TokKind> kinds(llvm::StringRef src) {
    std::vector<TokKind> k;
    for (const Token &t : lex(src).toks)
      k.push_back(t.kind);
    return k;
  }

  // The single literal token of `src` (followed by the automatic ';').
  Token lit(llvm::StringRef src, std::string *errs = nullptr) {
    Lexed l = lex(src);
    if (errs)
      *errs = l.errors;
    else
      EXPECT_EQ(l.errors, "") << src.str();
    return l.toks.at(0);
  }
};

using K = TokKind;

TEST_F(LexerTest, OperatorsAndDelimiters) {
  auto k = kinds("+ - * / % & | ^ << >> &^ += -= *= /= %= &= |= ^= <<= >>= &^= && || <- ++ "
                 "-- == < > = ! != <= >= := ... ( [ { , . ) ] } ; : ~");
  std::vector<K> want = {
      K::Add, K::Sub, K::Mul, K::Quo, K::Rem, K::And, K::Or, K::Xor, K::Shl, K::Shr,
      K::AndNot, K::AddAssign, K::SubAssign, K::MulAssign, K::QuoAssign, K::RemAssign,
      K::AndAssign, K::OrAssign, K::XorAssign, K::ShlAssign, K::ShrAssign, K::AndNotAssign,
      K::LAnd, K::LOr, K::Arrow, K::Inc, K::Dec, K::Eql, K::Lss, K::Gtr, K::Assign, K::Not,
      K::Neq, K::Leq, K::Geq, K::Define, K::Ellipsis, K::LParen, K::LBrack, K::LBrace,
      K::Comma, K::Period, K::RParen, K::RBrack, K::RBrace, K::Semicolon, K::Colon, K::Tilde,
      K::EOF_};
  EXPECT_EQ(k, want);
}

TEST_F(LexerTest, KeywordsAndIdents) {
  auto k = kinds("break case chan const continue default defer else fallthrough for func go "
                 "goto if import interface map package range return select struct switch type "
                 "var x _y z9 héllo");
  std::vector<K> want = {K::Break, K::Case, K::Chan, K::Const, K::Continue, K::Default,
                         K::Defer, K::Else, K::Fallthrough, K::For, K::Func, K::Go, K::Goto,
                         K::If, K::Import, K::Interface, K::Map, K::Package, K::Range,
                         K::Return, K::Select, K::Struct, K::Switch, K::Type, K::Var,
                         K::Ident, K::Ident, K::Ident, K::Ident, K::Semicolon, K::EOF_};
  EXPECT_EQ(k, want);
  Lexed l = lex("héllo");
  EXPECT_EQ(l.toks[0].text, "héllo");
  l = lex("x\xc2\xb7y"); // one (erroneous) identifier, as in gc
  EXPECT_EQ(l.toks[0].kind, K::Ident);
  EXPECT_EQ(l.toks[0].text, "x\xc2\xb7y");
}

TEST_F(LexerTest, SemicolonInsertion) {
  // After ident, literal, return/break/continue/fallthrough, ++ -- ) ] }.
  EXPECT_EQ(kinds("x\n"), (std::vector<K>{K::Ident, K::Semicolon, K::EOF_}));
  EXPECT_EQ(kinds("1\n"), (std::vector<K>{K::Int, K::Semicolon, K::EOF_}));
  EXPECT_EQ(kinds("return\n"), (std::vector<K>{K::Return, K::Semicolon, K::EOF_}));
  EXPECT_EQ(kinds("break\ncontinue\nfallthrough\n"),
            (std::vector<K>{K::Break, K::Semicolon, K::Continue, K::Semicolon, K::Fallthrough,
                            K::Semicolon, K::EOF_}));
  EXPECT_EQ(kinds("x++\ny--\n"), (std::vector<K>{K::Ident, K::Inc, K::Semicolon, K::Ident,
                                                 K::Dec, K::Semicolon, K::EOF_}));
  EXPECT_EQ(kinds(")\n]\n}\n"), (std::vector<K>{K::RParen, K::Semicolon, K::RBrack,
                                                K::Semicolon, K::RBrace, K::Semicolon, K::EOF_}));
  // Not after operators, keywords like `if`, or '(' / '{'.
  EXPECT_EQ(kinds("x +\ny"), (std::vector<K>{K::Ident, K::Add, K::Ident, K::Semicolon, K::EOF_}));
  EXPECT_EQ(kinds("if\n{\n"), (std::vector<K>{K::If, K::LBrace, K::EOF_}));
  // At EOF too, with text "\n".
  Lexed l = lex("x");
  ASSERT_EQ(l.toks.size(), 3u);
  EXPECT_EQ(l.toks[1].kind, K::Semicolon);
  EXPECT_EQ(l.toks[1].text, "\n");
  // Explicit semicolons keep their text.
  EXPECT_EQ(lex("x;").toks[1].text, ";");
  // Line comment: semicolon still inserted; comment skipped.
  EXPECT_EQ(kinds("x // c\ny"),
            (std::vector<K>{K::Ident, K::Semicolon, K::Ident, K::Semicolon, K::EOF_}));
  // A multi-line /* */ comment acts as a newline; a one-line one does not.
  EXPECT_EQ(kinds("x /* a\nb */ y"),
            (std::vector<K>{K::Ident, K::Semicolon, K::Ident, K::Semicolon, K::EOF_}));
  EXPECT_EQ(kinds("x /* a */ y"),
            (std::vector<K>{K::Ident, K::Ident, K::Semicolon, K::EOF_}));
  // Blank lines produce no extra semicolons.
  EXPECT_EQ(kinds("x\n\n\ny"),
            (std::vector<K>{K::Ident, K::Semicolon, K::Ident, K::Semicolon, K::EOF_}));
}

TEST_F(LexerTest, EOFIsSticky) {
  llvm::SourceMgr sm2;
  unsigned id = sm2.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy("x", "t.gl"),
                                       llvm::SMLoc());
  std::string out;
  llvm::raw_string_ostream os(out);
  DiagEngine diags(sm2, os);
  Lexer lx(sm2, id, diags);
  EXPECT_EQ(lx.next().kind, K::Ident);
  Token semi = lx.next();
  EXPECT_TRUE(lx.isEOFSemi(semi));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(lx.next().kind, K::EOF_);
}

TEST_F(LexerTest, IntLiterals) {
  for (const char *s : {"0", "42", "1_000_000", "0x1f", "0X_1F", "0o17", "0O17", "017", "0b101",
                        "0B1_0", "0_7"}) {
    Token t = lit(s);
    EXPECT_EQ(t.kind, K::Int) << s;
    EXPECT_EQ(t.text, s);
  }
}

TEST_F(LexerTest, FloatAndImagLiterals) {
  for (const char *s : {"1.5", "1.", ".5", "1e9", "1E+9", "1e-9", "0.", "1_0.2_5", "0x1p-2",
                        "0x1.8p1", "0X.8P0", "09.5", "00.5e2"}) {
    Token t = lit(s);
    EXPECT_EQ(t.kind, K::Float) << s;
    EXPECT_EQ(t.text, s);
  }
  for (const char *s : {"2i", "1.5i", "0x1p2i", "1e3i", "0i", "0123i"}) {
    Token t = lit(s);
    EXPECT_EQ(t.kind, K::Imag) << s;
    EXPECT_EQ(t.text, s);
  }
}

TEST_F(LexerTest, RuneAndStringLiterals) {
  for (const char *s : {"'a'", "'\\n'", "'\\x41'", "'\\u00e9'", "'\\U0001F600'", "'\\101'",
                        "'\\''", "'é'", "'\\\\'"}) {
    Token t = lit(s);
    EXPECT_EQ(t.kind, K::Char) << s;
    EXPECT_EQ(t.text, s);
  }
  Token t = lit("\"a\\\"b\\n\"");
  EXPECT_EQ(t.kind, K::String);
  EXPECT_EQ(t.text, "\"a\\\"b\\n\"");
  t = lit("`raw\n\\n`");
  EXPECT_EQ(t.kind, K::String);
  EXPECT_EQ(t.text, "`raw\n\\n`");
}

TEST_F(LexerTest, Unquote) {
  std::string s;
  EXPECT_TRUE(unquoteString("\"a\\tb\\n\\x41\\101\\u00e9\\U0001F600\\\\\\\"\"", s));
  EXPECT_EQ(s, "a\tb\nAA\xC3\xA9\xF0\x9F\x98\x80\\\"");
  EXPECT_TRUE(unquoteString("`a\\n\r\nb`", s));
  EXPECT_EQ(s, "a\\n\nb"); // raw: no escapes, CR dropped
  EXPECT_TRUE(unquoteString("\"\\xff\"", s)); // \x is a byte, not a rune
  EXPECT_EQ(s, "\xff");
  EXPECT_TRUE(unquoteString("\"\"", s));
  EXPECT_EQ(s, "");
  EXPECT_FALSE(unquoteString("\"\\q\"", s));
  EXPECT_FALSE(unquoteString("\"abc", s));

  uint32_t r = 0;
  EXPECT_TRUE(unquoteChar("'a'", r));
  EXPECT_EQ(r, 'a');
  EXPECT_TRUE(unquoteChar("'\\n'", r));
  EXPECT_EQ(r, 10u);
  EXPECT_TRUE(unquoteChar("'\\x41'", r));
  EXPECT_EQ(r, 0x41u);
  EXPECT_TRUE(unquoteChar("'\\u00e9'", r));
  EXPECT_EQ(r, 0xe9u);
  EXPECT_TRUE(unquoteChar("'\\U0001F600'", r));
  EXPECT_EQ(r, 0x1F600u);
  EXPECT_TRUE(unquoteChar("'\\101'", r));
  EXPECT_EQ(r, 65u);
  EXPECT_TRUE(unquoteChar("'\\''", r));
  EXPECT_EQ(r, (uint32_t)'\'');
  EXPECT_TRUE(unquoteChar("'é'", r));
  EXPECT_EQ(r, 0xe9u);
  EXPECT_FALSE(unquoteChar("'ab'", r));
  EXPECT_FALSE(unquoteChar("''", r));
  EXPECT_FALSE(unquoteChar("'\\uD800'", r)); // surrogate
}

TEST_F(LexerTest, Errors) {
  // Each case: source, expected "line:col: message" lines (gc's wording).
  struct Case {
    const char *src, *want;
  } cases[] = {
      {"x := \"abc\ny", "1:10: newline in string\n"},
      {"x := \"abc", "1:6: string not terminated\n"},
      {"x := `abc", "1:6: string not terminated\n"},
      {"z := @", "1:6: invalid character U+0040 '@'\n"},
      {"c := 'ab'", "1:6: more than one character in rune literal\n"},
      {"c := 'a", "1:6: rune literal not terminated\n"},
      {"c := ''", "1:7: empty rune literal or unescaped '\n"},
      {"c := 'a\n'", "1:8: newline in rune literal\n2:1: rune literal not terminated\n"},
      {"d := 08", "1:7: invalid digit '8' in octal literal\n"},
      {"d := 0b102", "1:10: invalid digit '2' in binary literal\n"},
      {"d := 0x", "1:8: hexadecimal literal has no digits\n"},
      {"d := 1__0", "1:8: '_' must separate successive digits\n"},
      {"d := 0x1.5", "1:11: hexadecimal mantissa requires a 'p' exponent\n"},
      {"d := 1e", "1:8: exponent has no digits\n"},
      {"d := 0b1.0", "1:9: invalid radix point in binary literal\n"},
      {"s := \"\\q\"", "1:8: unknown escape\n"},
      {"s := \"\\xg0\"", "1:9: invalid character 'g' in hexadecimal escape\n"},
      {"s := '\\400'", "1:11: octal escape value 256 > 255\n"},
      {"s := \"\\uD800\"", "1:13: escape is invalid Unicode code point U+D800\n"},
      {"/* abc", "1:1: comment not terminated\n"},
      // Non-ASCII runes join identifiers, with an error unless letters/digits.
      {"x\xc2\xb7y", "1:2: invalid character U+00B7 '\xc2\xb7' in identifier\n"},
      {"\xe2\x82\xac", "1:1: invalid character U+20AC '\xe2\x82\xac' in identifier\n"},
      {"\xd9\xa3x", "1:1: identifier cannot begin with digit U+0663 '\xd9\xa3'\n"},
      {"x\xd9\xa3 \xcf\x80", ""},
  };
  for (const Case &c : cases)
    EXPECT_EQ(lex(c.src).errors, c.want) << c.src;
}

TEST_F(LexerTest, GarbageTerminates) {
  std::string g;
  for (int i = 0; i < 2000; ++i)
    g += (char)((i * 131 + 7) % 256);
  Lexed l = lex(g);
  ASSERT_FALSE(l.toks.empty());
  EXPECT_EQ(l.toks.back().kind, K::EOF_);
  EXPECT_LT(l.toks.size(), 10000u);
  EXPECT_NE(l.errors, "");
}

} // namespace
