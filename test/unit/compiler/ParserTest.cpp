//===- ParserTest.cpp - tests for the GL parser -----------------------------===//
//
// Operator precedence and the `<-` corner cases, every statement and
// declaration form (checked through the AST dump), the composite-literal
// ambiguity in statement headers, gc's syntax-error texts and positions,
// recovery, and robustness (garbage, truncated programs, Go's test files).
//===----------------------------------------------------------------------===//
#include "parse/ASTDump.h"
#include "parse/Parser.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

using namespace glc;

namespace {

struct Parsed {
  File *file = nullptr;
  std::string errors; // "line:col: msg\n" lines only
  std::string dump;
};

class ParserTest : public ::testing::Test {
protected:
  llvm::SourceMgr sm;
  ASTContext ctx;

  // dump = false for trees too deep for dumpAST's recursion on this
  // thread's stack (glc itself runs on a 1 GiB one).
  Parsed parse(llvm::StringRef src, llvm::StringRef name = "t.gl", bool dump = true) {
    unsigned id = sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(src, name),
                                        llvm::SMLoc());
    std::string out;
    llvm::raw_string_ostream os(out);
    Parsed r;
    {
      DiagEngine diags(sm, os);
      r.file = parseFile(sm, id, ctx, diags);
      diags.flush();
    }
    std::string prefix = (name + ":").str();
    llvm::StringRef rest(out);
    while (!rest.empty()) {
      auto [line, tail] = rest.split('\n');
      if (line.starts_with(prefix))
        r.errors += line.drop_front(prefix.size()).str() + "\n";
      rest = tail;
    }
    llvm::raw_string_ostream ds(r.dump);
    if (r.file && dump)
      dumpAST(r.file, ds);
    return r;
  }

  // The body of `func main() { <body> }`, dumped.
  std::string stmts(llvm::StringRef body) {
    Parsed p = parse(("package main\nfunc main() {\n" + body + "\n}\n").str());
    EXPECT_EQ(p.errors, "") << body.str();
    auto *fd = llvm::dyn_cast<FuncDecl>(p.file->decls.back());
    std::string s;
    llvm::raw_string_ostream os(s);
    for (Stmt *st : fd->body->stmts) {
      dumpStmt(st, os);
      os << "\n";
    }
    return s;
  }

  // An expression in `var _ = <e>`, rendered back as Go with full
  // parenthesization of binary/unary nodes (so precedence is visible).
  std::string expr(llvm::StringRef e) {
    Parsed p = parse(("package main\nvar _ = " + e + "\n").str());
    EXPECT_EQ(p.errors, "") << e.str();
    auto *gd = llvm::cast<GenDecl>(p.file->decls.back());
    return paren(llvm::cast<ValueSpec>(gd->specs[0])->values.at(0));
  }

  static std::string paren(Expr *e) {
    if (auto *b = llvm::dyn_cast<BinaryExpr>(e))
      return "(" + paren(b->x) + " " + tokSpelling(b->op).str() + " " + paren(b->y) + ")";
    if (auto *u = llvm::dyn_cast<UnaryExpr>(e))
      return "(" + tokSpelling(u->op).str() + paren(u->x) + ")";
    if (auto *s = llvm::dyn_cast<StarExpr>(e))
      return "(*" + paren(s->x) + ")";
    return exprString(e);
  }

  std::string errors(llvm::StringRef src, bool dump = true) {
    return parse(src, "t.gl", dump).errors;
  }
};

TEST_F(ParserTest, Precedence) {
  EXPECT_EQ(expr("a + b * c"), "(a + (b * c))");
  EXPECT_EQ(expr("a * b + c"), "((a * b) + c)");
  EXPECT_EQ(expr("a - b - c"), "((a - b) - c)");
  EXPECT_EQ(expr("av|bv != 3"), "((av | bv) != 3)");
  EXPECT_EQ(expr("a || b && c"), "(a || (b && c))");
  EXPECT_EQ(expr("a == b && c < d || e"), "(((a == b) && (c < d)) || e)");
  EXPECT_EQ(expr("a << 1 + b &^ c"), "((a << 1) + (b &^ c))");
  EXPECT_EQ(expr("-x * y"), "((-x) * y)");
  EXPECT_EQ(expr("*p.f"), "(*p.f)");
  EXPECT_EQ(expr("<-c + 1"), "((<-c) + 1)");
  EXPECT_EQ(expr("!a == b"), "((!a) == b)");
  EXPECT_EQ(expr("^x % 3 ^ y"), "(((^x) % 3) ^ y)");
  EXPECT_EQ(expr("&T{1}"), "(&T{…})");
  EXPECT_EQ(expr("f(a)(b).c[d][1:2]"), "f(a)(b).c[d][1:2]");
}

TEST_F(ParserTest, BinaryPositions) {
  Parsed p = parse("package main\nvar _ = ab + c\n");
  auto *gd = llvm::cast<GenDecl>(p.file->decls.back());
  auto *b = llvm::cast<BinaryExpr>(llvm::cast<ValueSpec>(gd->specs[0])->values[0]);
  EXPECT_EQ(sm.getLineAndColumn(b->pos), std::make_pair(2u, 9u));
  EXPECT_EQ(sm.getLineAndColumn(b->opPos), std::make_pair(2u, 12u));
}

TEST_F(ParserTest, SendAndReceive) {
  // A send of (false || true), not (c <- false) || true.
  EXPECT_EQ(stmts("c <- false || true"),
            "(Send\n  (Ident c)\n  (Binary ||\n    (Ident false)\n    (Ident true)))\n");
  // Sends 2 on the channel received from cc.
  EXPECT_EQ(stmts("<-cc <- 2"),
            "(Send\n  (Unary <-\n    (Ident cc))\n  (BasicLit Int 2))\n");
  EXPECT_EQ(stmts("v, ok := <-c"),
            "(Assign :=\n  (Lhs\n    (Ident v)\n    (Ident ok))\n  (Rhs\n    (Unary <-\n"
            "      (Ident c))))\n");
}

TEST_F(ParserTest, ChanTypes) {
  EXPECT_EQ(stmts("var a chan int"),
            "(DeclStmt\n  (GenDecl var\n    (ValueSpec a\n      (Type (ChanType both\n"
            "          (Ident int))))))\n");
  EXPECT_EQ(exprString(llvm::cast<ValueSpec>(llvm::cast<GenDecl>(
                           parse("package p\nvar x <-chan int").file->decls[0])->specs[0])
                           ->typeExpr),
            "<-chan int");
  auto typeOf = [&](const char *t) {
    Parsed p = parse(std::string("package p\nvar x ") + t + "\n");
    EXPECT_EQ(p.errors, "") << t;
    return exprString(
        llvm::cast<ValueSpec>(llvm::cast<GenDecl>(p.file->decls[0])->specs[0])->typeExpr);
  };
  EXPECT_EQ(typeOf("chan<- int"), "chan<- int");
  EXPECT_EQ(typeOf("chan (<-chan int)"), "chan (<-chan int)");
  EXPECT_EQ(typeOf("chan<- chan int"), "chan<- chan int");
  EXPECT_EQ(typeOf("<-chan <-chan int"), "<-chan <-chan int");
  EXPECT_EQ(typeOf("chan<- <-chan int"), "chan<- <-chan int");
  // <-chan int(nil) in an expression: a conversion to a receive-only chan.
  EXPECT_EQ(expr("(<-chan int)(nil)"), "(<-chan int)(nil)");
  // ... but without parentheses, a receive from the conversion chan int(nil).
  EXPECT_EQ(expr("<-chan int(nil)"), "(<-chan int(nil))");
  EXPECT_EQ(errors("package p\nvar d <-chan<- int\n"),
            "2:16: syntax error: unexpected int, expecting chan\n");
  EXPECT_EQ(errors("package p\nvar d = <-chan<- int\n"),
            "2:21: syntax error: unexpected int, expecting chan\n");
}

TEST_F(ParserTest, Declarations) {
  Parsed p = parse(R"(package main

import "fmt"
import (
	m "math"
	. "os"
	_ "strings"
)

const (
	A = iota * 10
	B
	C, D = iota, "x"
	E, F
)

const G int = 1

var (
	x, y int
	z    = 3
	w    float64 = 1.5
)

type (
	T struct {
		a, b int
		*fmt.Stringer
		c string "tag"
	}
	I interface {
		M(x int) (string, error)
		fmt.Stringer
	}
	Alias = T
	Fn func(int, ...string) bool
)

func (t *T) Method(a, b int, c string) (r int) { return }
func external(int) int
func main() {}
)");
  ASSERT_EQ(p.errors, "");
  EXPECT_EQ(p.file->packageName->name, "main");
  ASSERT_EQ(p.file->imports.size(), 4u);
  EXPECT_EQ(p.file->imports[0]->path, "fmt");
  EXPECT_EQ(p.file->imports[1]->name->name, "m");
  EXPECT_EQ(p.file->imports[2]->name->name, ".");
  EXPECT_EQ(p.file->imports[3]->path, "strings");

  auto *consts = llvm::cast<GenDecl>(p.file->decls[2]);
  ASSERT_EQ(consts->specs.size(), 4u);
  auto *a = llvm::cast<ValueSpec>(consts->specs[0]);
  auto *b = llvm::cast<ValueSpec>(consts->specs[1]);
  auto *c = llvm::cast<ValueSpec>(consts->specs[2]);
  auto *e = llvm::cast<ValueSpec>(consts->specs[3]);
  EXPECT_EQ(a->iota, 0);
  EXPECT_FALSE(a->implicit);
  EXPECT_EQ(b->iota, 1);
  EXPECT_TRUE(b->implicit);
  EXPECT_EQ(b->values, a->values); // shared with the previous spec
  EXPECT_EQ(c->iota, 2);
  EXPECT_FALSE(c->implicit);
  EXPECT_EQ(e->iota, 3);
  EXPECT_TRUE(e->implicit);
  EXPECT_EQ(e->values.size(), 2u);

  auto *types = llvm::cast<GenDecl>(p.file->decls[5]);
  auto *st = llvm::cast<StructTypeExpr>(llvm::cast<TypeSpec>(types->specs[0])->typeExpr);
  ASSERT_EQ(st->fields.size(), 3u);
  EXPECT_EQ(st->fields[0]->names.size(), 2u);
  EXPECT_TRUE(st->fields[1]->embedded);
  EXPECT_EQ(st->fields[2]->tag, "tag");
  auto *it = llvm::cast<InterfaceTypeExpr>(llvm::cast<TypeSpec>(types->specs[1])->typeExpr);
  ASSERT_EQ(it->methods.size(), 2u);
  EXPECT_EQ(it->methods[0]->names[0]->name, "M");
  EXPECT_TRUE(it->methods[1]->embedded);
  EXPECT_TRUE(llvm::cast<TypeSpec>(types->specs[2])->alias);
  auto *fn = llvm::cast<FuncTypeExpr>(llvm::cast<TypeSpec>(types->specs[3])->typeExpr);
  ASSERT_EQ(fn->params.size(), 2u);
  EXPECT_TRUE(fn->params[0]->names.empty());
  EXPECT_TRUE(llvm::isa<EllipsisExpr>(fn->params[1]->typeExpr));

  auto *m = llvm::cast<FuncDecl>(p.file->decls[6]);
  ASSERT_TRUE(m->recv);
  EXPECT_EQ(m->recv->names[0]->name, "t");
  ASSERT_EQ(m->sig->params.size(), 2u); // (a, b int) (c string)
  EXPECT_EQ(m->sig->params[0]->names.size(), 2u);
  EXPECT_EQ(m->sig->results[0]->names[0]->name, "r");
  EXPECT_FALSE(llvm::cast<FuncDecl>(p.file->decls[7])->body);
}

TEST_F(ParserTest, Statements) {
  std::string d = stmts(R"(
	x := 1
	x += 2
	x++
	y--
	var z int
	const k = 1
	type T int
	go f(x)
	defer g()
	{
	}
	if a := 1; a < 2 {
	} else if b {
	} else {
	}
	switch x := f(); x {
	case 1, 2:
		fallthrough
	default:
	}
	switch {
	}
	switch v := i.(type) {
	case int, string:
	case nil:
	}
	switch i.(type) {
	}
	select {
	case v := <-c:
	case v, ok = <-c:
	case <-c:
	case c <- 1:
	default:
	}
	for {
		break
	}
	for x < 3 {
		continue
	}
	for i := 0; i < 3; i++ {
	}
	for ; ; {
	}
	for range ch {
	}
	for k, v := range m {
	}
	for k = range m {
	}
L:
	for {
		break L
	}
	goto L
	return
	;
)");
  for (const char *want :
       {"(Assign :=", "(Assign +=", "(Inc", "(Dec", "(GenDecl var", "(GenDecl const",
        "(GenDecl type", "(Go\n", "(Defer\n", "(If\n  (Init", "(Else (If", "(Switch\n  (Init",
        "(Branch fallthrough", "(Default", "(TypeSwitch v", "(TypeSwitch\n", "(Select",
        "(CommCase\n    (Assign :=", "(CommCase\n    (Assign =", "(CommCase\n    (ExprStmt",
        "(CommCase\n    (Send", "(CommDefault", "(For\n  (Init nil)\n  (Cond nil)",
        "(Branch break)", "(Branch continue)", "(Range\n  (Key nil)", "(Range :=", "(Range =",
        "(Labeled L\n  (For", "(Branch break L)", "(Branch goto L)", "(Return)", "(Empty)"})
    EXPECT_NE(d.find(want), std::string::npos) << "missing " << want << " in\n" << d;
}

TEST_F(ParserTest, CompositeLiteralAmbiguity) {
  // In headers, T{ is a block, unless parenthesized or a literal type.
  std::string d = stmts("if x == (T{}) {\n}\nfor _, v := range []int{1, 2} {\n}\n"
                        "if x == struct{ a int }{1} {\n}\nswitch (T{}) {\n}");
  EXPECT_NE(d.find("(Paren\n      (CompositeLit"), std::string::npos) << d;
  // Not a header: T{} is a literal.
  EXPECT_NE(stmts("x := T{a: 1, b: {2}}").find("(KeyValue"), std::string::npos);
  // T{} in an if header: the { opens the block, so the literal's } ends it.
  EXPECT_EQ(errors("package main\nfunc main() {\n\tif x == T{} {\n\t}\n}\n"),
            "3:14: syntax error: unexpected { at end of statement\n"
            "5:1: syntax error: non-declaration statement outside function body\n");
  // Inside parens/brackets/calls in a header, literals are allowed again.
  EXPECT_EQ(errors("package main\nfunc main() {\n\tif f(T{}) {\n\t}\n\tfor a[T{}] {\n\t}\n}\n"),
            "");
}

TEST_F(ParserTest, FuncLitAndConversions) {
  std::string d = stmts("f := func(a int) int { return a }\n_ = []byte(\"x\")\n_ = (*T)(nil)\n"
                        "_ = func() {}\n_ = x.(T)\n_ = a[:]\n_ = a[1:]\n_ = a[:2:3]\n_ = [...]int{1}");
  for (const char *want : {"(FuncLit", "(Call\n      (SliceType", "(Paren\n        (Star",
                           "(TypeAssert", "(Slice\n", "(Slice3", "(ArrayType ..."})
    EXPECT_NE(d.find(want), std::string::npos) << "missing " << want << " in\n" << d;
}

// After a name, "[" in a field or parameter is an array/slice type.
TEST_F(ParserTest, ArrayFieldsAndParams) {
  Parsed p = parse("package main\ntype S struct {\n\ta [4]int\n\tb []string\n}\n"
                   "func f(a [4]int, b []int, c [2][3]T) {}\n");
  ASSERT_EQ(p.errors, "");
  auto *st = llvm::cast<StructTypeExpr>(
      llvm::cast<TypeSpec>(llvm::cast<GenDecl>(p.file->decls[0])->specs[0])->typeExpr);
  ASSERT_EQ(st->fields.size(), 2u);
  EXPECT_EQ(exprString(st->fields[0]->typeExpr), "[4]int");
  EXPECT_EQ(st->fields[0]->names[0]->name, "a");
  EXPECT_EQ(exprString(st->fields[1]->typeExpr), "[]string");
  auto *f = llvm::cast<FuncDecl>(p.file->decls[1]);
  ASSERT_EQ(f->sig->params.size(), 3u);
  EXPECT_EQ(f->sig->params[0]->names[0]->name, "a");
  EXPECT_EQ(exprString(f->sig->params[0]->typeExpr), "[4]int");
  EXPECT_EQ(exprString(f->sig->params[2]->typeExpr), "[2][3]T");
  // gc's recovery: `s [string` then newline is one error, not two.
  EXPECT_EQ(errors("package main\ntype T struct {\n\ts [string\n}\n"),
            "3:11: syntax error: unexpected newline, expecting ]\n");
}

// gc's (go1.19) texts and positions, checked against `go tool compile`.
TEST_F(ParserTest, SyntaxErrors) {
  struct Case {
    const char *src, *want;
  } cases[] = {
      {"package main\nfunc main() {\n\tf(1,\n\t2\n)\n}\n",
       "4:3: syntax error: unexpected newline in argument list; possibly missing comma or )\n"},
      {"package main\nfunc main() {\n\tx := \n}\n",
       "4:1: syntax error: unexpected }, expecting expression\n"},
      {"package main\nx := 1\n",
       "2:1: syntax error: non-declaration statement outside function body\n"},
      {"package main\nfunc f()\n{\n}\n",
       "3:1: syntax error: unexpected semicolon or newline before {\n"},
      {"package main\nfunc main() {\n\tif x == 1\n\t{\n\t}\n}\n",
       "3:11: syntax error: unexpected newline, expecting { after if clause\n"},
      {"package main\nfunc main() {\n\tif x := 1 {\n\t}\n}\n",
       "3:7: syntax error: cannot use x := 1 as value\n"},
      {"package main\nfunc main() {\n\tif x = 1 {\n\t}\n}\n",
       "3:7: syntax error: cannot use assignment (x) = (1) as value\n"},
      {"package main\nfunc main() {\n\tfor i := 0; i < 3; j := 1 {\n\t}\n}\n",
       "3:23: syntax error: cannot declare in post statement of for loop\n"},
      {"package main\nfunc main() {\n\tfor x\n\t{\n\t}\n}\n",
       "4:2: syntax error: unexpected {, expecting for loop condition\n"},
      {"package main\nfunc main() {\n\t_ = a[1::3]\n\t_ = a[1:2:]\n}\n",
       "3:10: middle index required in 3-index slice\n"
       "4:12: final index required in 3-index slice\n"},
      {"package main\nfunc main() {\n\tgo (f())\n\tdefer f\n}\n",
       "3:5: expression in go must not be parenthesized\n"
       "4:8: expression in defer must be function call\n"},
      {"package main\nfunc main() {\n\tx := T{1, 2\n\t}\n}\n",
       "3:13: syntax error: unexpected newline in composite literal; possibly missing comma or }\n"},
      {"package main\nfunc main() {\n\tif true {\n\t} else for {\n\t}\n}\n",
       "4:9: syntax error: else must be followed by if or statement block\n"},
      {"package main\nfunc f(a int, b) {}\n",
       "2:15: syntax error: mixed named and unnamed parameters\n"},
      {"package main\nimport \"fmt\"\nvar x = 1\nimport \"os\"\n",
       "4:1: syntax error: non-declaration statement outside function body\n"},
      {"main\n", "1:1: syntax error: package statement must be first\n"},
      {"package main\nfunc main() {\n\tvar x int = \n\tx++\n}\n",
       "4:3: syntax error: unexpected ++ at end of statement\n"},
      {"package main\ntype T struct {\n\ta int,\n\tb int\n}\n",
       "3:7: syntax error: unexpected comma in struct type; possibly missing semicolon or "
       "newline or }\n"},
      {"package main\nfunc main() {\n\tselect {\n\tx\n\t}\n}\n",
       "4:2: syntax error: unexpected x, expecting case or default or }\n"
       "5:2: syntax error: unexpected }, expecting :\n"},
      {"package main\nfunc main() {\n\tfor var i = 0; i < 3; i++ {\n\t}\n}\n",
       "3:10: syntax error: var declaration not allowed in for initializer\n"},
      {"package main\nfunc main() {\n\tif ; {\n\t}\n\tif x;\n\t{\n\t}\n}\n",
       "3:5: syntax error: missing condition in if statement\n"
       "5:6: syntax error: missing condition in if statement\n"},
      {"package main\nfunc main() {\n\ta, b\n}\n",
       "3:6: syntax error: unexpected newline, expecting := or = or comma\n"},
      {"package main\nfunc main() {\n\tfunc f() {}\n}\n",
       "3:7: syntax error: unexpected f, expecting (\n"
       "4:1: syntax error: non-declaration statement outside function body\n"},
      {"package main\nfunc main()) {\n}\n",
       "2:12: syntax error: unexpected ) after top level declaration\n"},
      {"package main\nimport 42\n", "2:10: syntax error: import path must be a string\n"},
      {"package main\nfunc () x()\nfunc (a b, c d) y()\n",
       "2:9: method has no receiver\n3:17: method has multiple receivers\n"},
      {"package main\nfunc main() {\n\t_ = ~x\n}\n",
       "3:6: cannot use ~ outside of interface or type constraint\n"},
      {"package main\nfunc main() {\n\tL:\n}\n", ""},
      {"package main\nfunc main() {\n\tfor a, b, c := range x {\n\t}\n}\n",
       "3:12: range clause permits at most two iteration variables\n"},
      // gc reports a compound operand at its operator/bracket.
      {"package main\nfunc main() {\n\tgo ca[4]\n\tdefer x.f\n}\n",
       "3:7: expression in go must be function call\n"
       "4:9: expression in defer must be function call\n"},
      // T[...] is parsed as a (generic) type instance, as gc does.
      {"package main\nvar a uint6[4 = 1\n", "2:15: syntax error: unexpected =, expecting ]\n"},
      // Only one syntax error per line; none at EOF after an earlier error.
      {"package main\nfunc main() {\n\tx := ) + )\n", "3:7: syntax error: unexpected ), "
                                                       "expecting expression\n"},
      // Unterminated input: error at EOF when it is the first error.
      {"package main\nfunc main() {\n", "3:1: syntax error: unexpected EOF, expecting }\n"},
  };
  for (const Case &c : cases)
    EXPECT_EQ(errors(c.src), c.want) << c.src;
}

TEST_F(ParserTest, CountsSyntaxErrorsSeparately) {
  auto count = [&](llvm::StringRef src, unsigned &total) {
    unsigned id = sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(src, "c.gl"),
                                        llvm::SMLoc());
    std::string out;
    llvm::raw_string_ostream os(out);
    DiagEngine diags(sm, os);
    unsigned n = 99;
    parseFile(sm, id, ctx, diags, &n);
    total = diags.errorCount();
    return n;
  };
  unsigned total = 0;
  EXPECT_EQ(count("package main\nfunc main() {\n\tgo f\n\tx := 08\n}\n", total), 0u);
  EXPECT_EQ(total, 2u);
  EXPECT_GE(count("package main\nx := 1\nvar y = )\n", total), 2u); // dropped ones count too
  EXPECT_EQ(count("package main\nfunc main() {}\n", total), 0u);
  EXPECT_EQ(total, 0u);
}

TEST_F(ParserTest, RecoveryReportsSeveralErrors) {
  std::string e = errors("package main\n"
                         "func main() {\n"
                         "\tx := \n"
                         "}\n"
                         "func g() {\n"
                         "\tif x {\n"
                         "\tfoo bar\n"
                         "\t}\n"
                         "}\n"
                         "func h() { return }\n");
  EXPECT_EQ(e, "4:1: syntax error: unexpected }, expecting expression\n"
               "7:6: syntax error: unexpected bar at end of statement\n");
}

// Never crash, hang or loop, whatever the input.
TEST_F(ParserTest, GarbageNeverCrashes) {
  uint32_t seed = 12345;
  auto rnd = [&] {
    seed = seed * 1103515245 + 12345;
    return (seed >> 16) & 0x7fff;
  };
  const char *pieces[] = {"package", "main", "func", "(", ")", "{", "}", "[", "]", ",", ";",
                          "\n", "x", "1", "\"s\"", "'c'", "<-", "chan", "if", "for",
                          "range", ":=", "=", "go", "select", "case", "default", ":", "...",
                          "struct", "interface", "map", "*", "&", ".", "type", "var",
                          "const", "switch", "else", "return", "`", "/*", "\xff", "\0"};
  for (int iter = 0; iter < 300; ++iter) {
    std::string src = iter % 2 ? "package main\n" : "";
    int n = rnd() % 200;
    for (int i = 0; i < n; ++i) {
      if (rnd() % 4 == 0)
        src += (char)(rnd() % 256);
      else
        src += std::string(pieces[rnd() % (sizeof(pieces) / sizeof(*pieces))]) + " ";
    }
    Parsed p = parse(src);
    EXPECT_NE(p.file, nullptr);
  }
}

// Deep nesting is an error, not a stack overflow; moderate nesting is fine.
TEST_F(ParserTest, DeepNesting) {
  auto nest = [](const char *open, const char *mid, const char *close, int n) {
    std::string s;
    for (int i = 0; i < n; ++i)
      s += open;
    s += mid;
    for (int i = 0; i < n; ++i)
      s += close;
    return s;
  };
  EXPECT_EQ(errors("package main\nvar x = " + nest("(", "1", ")", 500) + "\n"), "");
  EXPECT_EQ(errors("package main\nfunc main() {" + nest("{", "", "}", 400) + "}\n"), "");
  for (const std::string &src :
       {"package main\nvar x = " + nest("(", "1", ")", 100000) + "\n",
        "package main\nvar x " + nest("*", "int", "", 100000) + "\n",
        "package main\nvar x = " + nest("[]T{", "", "}", 100000) + "\n",
        "package main\nfunc main() {" + nest("{", "", "}", 100000) + "}\n",
        "package main\ntype T []T\nvar x = T" + nest("{", "", "}", 100000) + "\n"}) {
    std::string e = errors(src);
    EXPECT_NE(e.find("syntax error: nesting too deep"), std::string::npos) << e;
  }
}

// Chains are built by loops, so nesting does not bound them; their height
// does (kMaxHeight, 250,000), wherever the levels come from.
TEST_F(ParserTest, ExpressionHeight) {
  auto chain = [](const std::string &first, const char *step, int n) {
    std::string s = first;
    for (int i = 0; i < n; ++i)
      s += step;
    return s;
  };
  EXPECT_EQ(errors("package main\nvar x = " + chain("1", " + 1", 100000) + "\n", false), "");
  for (const std::string &src :
       {"package main\nvar x = " + chain("f", "()", 250000) + "\n",
        // Two chains of 125,001 terms, one the first term of the other.
        "package main\nvar x = (" + chain("1", " + 1", 125000) + ")" + chain("", " + 1", 125000) + "\n",
        // A function literal is as high as the expressions in its body.
        "package main\nvar x = " + chain("func() int { return " + chain("1", " + 1", 200000) + " }()",
                                          " + 1", 50000) + "\n"}) {
    std::string e = errors(src, false);
    EXPECT_NE(e.find("expression nesting too deep (more than 250000 levels)"), std::string::npos)
        << e.substr(0, 200);
  }
}

static const char *kProgram = R"(package main

import "fmt"

type Point struct{ X, Y int }

func (p *Point) Add(q Point) Point { return Point{p.X + q.X, p.Y + q.Y} }

const (
	Zero = iota
	One
)

func worker(id int, jobs <-chan int, results chan<- int) {
	for j := range jobs {
		select {
		case results <- j * 2:
		default:
		}
	}
}

func main() {
	jobs := make(chan int, 100)
	results := make(chan int, 100)
	for w := 1; w <= 3; w++ {
		go worker(w, jobs, results)
	}
	m := map[string][]int{"a": {1, 2}, "b": nil}
	var i interface{} = m
	switch v := i.(type) {
	case map[string][]int:
		fmt.Println(len(v))
	}
	defer func() { recover() }()
	s := []int{1, 2, 3}[1:2:3]
	if p := (Point{1, 2}); p.X > 0 {
		fmt.Println(p.Add(Point{3, 4}), s, `raw`, 'x', 1.5e3, 0x1F)
	}
L:
	for {
		break L
	}
}
)";

TEST_F(ParserTest, TruncatedPrefixesNeverCrash) {
  ASSERT_EQ(errors(kProgram), "");
  std::string prog = kProgram;
  for (size_t n = 0; n < prog.size(); ++n) {
    Parsed p = parse(prog.substr(0, n));
    ASSERT_NE(p.file, nullptr);
  }
}

// Go's own test programs (read at test time if installed) must parse.
TEST_F(ParserTest, GoTestSuiteFilesParse) {
  const char *root = "/usr/share/go-1.19/test";
  if (!llvm::sys::fs::is_directory(root))
    GTEST_SKIP() << "Go test suite not installed";
  std::vector<std::string> files = {"closure1.go", "func6.go", "func7.go", "ken/litfun.go",
                                    "ken/mfunc.go", "ken/simpfun.go"};
  for (const char *dir : {"chan", "ken"}) {
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(std::string(root) + "/" + dir, ec), end;
         it != end && !ec; it.increment(ec))
      if (llvm::StringRef(it->path()).ends_with(".go"))
        files.push_back(it->path().substr(strlen(root) + 1));
  }
  int parsed = 0;
  for (const std::string &f : files) {
    auto buf = llvm::MemoryBuffer::getFile(std::string(root) + "/" + f);
    if (!buf)
      continue;
    std::string src = (*buf)->getBuffer().str();
    bool errorcheck = llvm::StringRef(src).starts_with("// errorcheck");
    Parsed p = parse(src, f);
    if (!errorcheck)
      EXPECT_EQ(p.errors, "") << f;
    ++parsed;
  }
  EXPECT_GT(parsed, 6);
}

} // namespace
