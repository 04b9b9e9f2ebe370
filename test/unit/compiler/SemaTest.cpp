//===- SemaTest.cpp - tests for the type checker ----------------------------===//
//
// Each test parses a small GL source, runs checkFile, and asserts on the
// annotations irgen relies on (types, constant values, captures, closure
// names, init order, branch targets) or on the exact diagnostics.
//===----------------------------------------------------------------------===//
#include "parse/Parser.h"
#include "sema/Checker.h"

#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <functional>

using namespace glc;

namespace {

class SemaTest : public ::testing::Test {
protected:
  llvm::SourceMgr sm;
  ASTContext ctx;
  TypeContext types;
  std::string errors;
  File *file = nullptr;

  /// Parses and checks `src`; returns whether sema accepted it. Diagnostics
  /// (first line of each) are collected in `errors` as "line:col: msg\n".
  bool check(llvm::StringRef src) {
    unsigned id = sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(src, "t.gl"),
                                        llvm::SMLoc());
    std::string out;
    llvm::raw_string_ostream os(out);
    bool ok;
    {
      DiagEngine diags(sm, os);
      file = parseFile(sm, id, ctx, diags);
      EXPECT_TRUE(file && !diags.hasErrors()) << "parse failed";
      if (!file)
        return false;
      ok = checkFile(file, types, diags);
      diags.flush();
    }
    // Keep only "t.gl:L:C: msg" lines, without the file name.
    llvm::StringRef rest(out);
    while (!rest.empty()) {
      auto [line, tail] = rest.split('\n');
      rest = tail;
      if (line.starts_with("t.gl:"))
        errors += line.drop_front(5).str() + "\n";
    }
    return ok;
  }

  FuncDecl *func(llvm::StringRef name) {
    for (Decl *d : file->decls)
      if (auto *f = llvm::dyn_cast<FuncDecl>(d))
        if (f->name->name == name)
          return f;
    return nullptr;
  }

  /// The package-level object `name` (const or var).
  Object *global(llvm::StringRef name) {
    for (Decl *d : file->decls)
      if (auto *g = llvm::dyn_cast<GenDecl>(d))
        for (Spec *s : g->specs)
          if (auto *v = llvm::dyn_cast<ValueSpec>(s))
            for (Ident *id : v->names)
              if (id->name == name)
                return id->obj;
    return nullptr;
  }
};

// Every function literal in a statement list, in source order.
void collectFuncLits(Expr *e, std::vector<FuncLit *> &out);
void collectFuncLits(Stmt *s, std::vector<FuncLit *> &out) {
  if (!s)
    return;
  if (auto *b = llvm::dyn_cast<BlockStmt>(s)) {
    for (Stmt *c : b->stmts)
      collectFuncLits(c, out);
  } else if (auto *a = llvm::dyn_cast<AssignStmt>(s)) {
    for (Expr *e : a->rhs)
      collectFuncLits(e, out);
  } else if (auto *x = llvm::dyn_cast<ExprStmt>(s)) {
    collectFuncLits(x->x, out);
  } else if (auto *r = llvm::dyn_cast<ReturnStmt>(s)) {
    for (Expr *e : r->results)
      collectFuncLits(e, out);
  }
}
void collectFuncLits(Expr *e, std::vector<FuncLit *> &out) {
  if (!e)
    return;
  if (auto *f = llvm::dyn_cast<FuncLit>(e)) {
    out.push_back(f);
    collectFuncLits(f->body, out);
  } else if (auto *c = llvm::dyn_cast<CallExpr>(e)) {
    collectFuncLits(c->fun, out);
    for (Expr *a : c->args)
      collectFuncLits(a, out);
  } else if (auto *p = llvm::dyn_cast<ParenExpr>(e)) {
    collectFuncLits(p->x, out);
  }
}

TEST_F(SemaTest, ConstantFoldingAndIota) {
  ASSERT_TRUE(check(R"(package main
const (
	KB = 1 << (10 * (iota + 1))
	MB
	GB
)
const big = 1 << 100
const small = big >> 98
const typed int8 = -128
const str = "ab" + "c"
const q = 7 / 2
const fq = 7 / 2.0
const r = 'a' + 1
func main() {}
)")) << errors;
  EXPECT_EQ(global("KB")->constVal->asInt64(), 1024);
  EXPECT_EQ(global("MB")->constVal->asInt64(), 1024 * 1024);
  EXPECT_EQ(global("GB")->constVal->asInt64(), 1024 * 1024 * 1024);
  EXPECT_EQ(global("KB")->type->kind, TypeKind::UntypedInt);
  EXPECT_EQ(global("small")->constVal->asInt64(), 4);
  EXPECT_EQ(global("typed")->constVal->asInt64(), -128);
  EXPECT_EQ(global("typed")->type, types.basic(TypeKind::Int8));
  EXPECT_EQ(global("str")->constVal->s, "abc");
  EXPECT_EQ(global("q")->constVal->asInt64(), 3); // integer division
  EXPECT_EQ(global("fq")->constVal->kind, ConstValue::Float);
  EXPECT_DOUBLE_EQ(global("fq")->constVal->asDouble(), 3.5);
  EXPECT_EQ(global("r")->type->kind, TypeKind::UntypedRune);
  EXPECT_EQ(global("r")->constVal->asInt64(), 98);
}

TEST_F(SemaTest, OverflowErrors) {
  EXPECT_FALSE(check(R"(package main
func main() {
	var x int8
	x = 300
	y := uint8(256)
	const c = 1 << 600
	_, _ = x, y
}
)"));
  EXPECT_EQ(errors, "4:6: cannot use 300 (untyped int constant) as int8 value in assignment "
                    "(overflows)\n"
                    "5:13: cannot convert 256 (untyped int constant) to type uint8\n"
                    "6:14: constant shift overflow\n");
}

TEST_F(SemaTest, UntypedConversionToContext) {
  ASSERT_TRUE(check(R"(package main
func main() {
	var f float64 = 1
	var b byte = 'a'
	n := 1 << 3
	var s = 2.5 * 2
	_, _, _, _ = f, b, n, s
}
)")) << errors;
  auto *body = func("main")->body;
  auto *v0 = llvm::cast<ValueSpec>(llvm::cast<DeclStmt>(body->stmts[0])->decl->specs[0]);
  EXPECT_EQ(v0->values[0]->type, types.basic(TypeKind::Float64));
  EXPECT_EQ(v0->values[0]->constVal->kind, ConstValue::Float);
  auto *v1 = llvm::cast<ValueSpec>(llvm::cast<DeclStmt>(body->stmts[1])->decl->specs[0]);
  EXPECT_EQ(v1->values[0]->type, types.basic(TypeKind::Uint8));
  EXPECT_EQ(v1->values[0]->constVal->asInt64(), 97);
  auto *a = llvm::cast<AssignStmt>(body->stmts[2]);
  EXPECT_EQ(a->rhs[0]->type, types.intType());
  EXPECT_EQ(a->rhs[0]->constVal->asInt64(), 8);
  EXPECT_EQ(a->isNew, std::vector<bool>{true});
  auto *v3 = llvm::cast<ValueSpec>(llvm::cast<DeclStmt>(body->stmts[3])->decl->specs[0]);
  EXPECT_EQ(v3->names[0]->obj->type, types.basic(TypeKind::Float64));
}

TEST_F(SemaTest, NonConstantShiftTakesContextType) {
  ASSERT_TRUE(check(R"(package main
func main() {
	s := uint(3)
	var x int64 = 1 << s
	_ = x
}
)")) << errors;
  auto *d = llvm::cast<DeclStmt>(func("main")->body->stmts[1]);
  auto *shift = llvm::cast<BinaryExpr>(llvm::cast<ValueSpec>(d->decl->specs[0])->values[0]);
  EXPECT_EQ(shift->type, types.basic(TypeKind::Int64));
  EXPECT_EQ(shift->x->type, types.basic(TypeKind::Int64));
  EXPECT_EQ(shift->mode, ExprMode::Value);
}

TEST_F(SemaTest, ClosureCapturesAndNames) {
  ASSERT_TRUE(check(R"(package main
var g = func() int { return 1 }
func main() {
	x := 1
	y := 2
	f := func() int {
		h := func() int { return x + y }
		return h()
	}
	k := func() {}
	k()
	_ = f
}
)")) << errors;
  std::vector<FuncLit *> lits;
  collectFuncLits(func("main")->body, lits);
  ASSERT_EQ(lits.size(), 3u);
  EXPECT_EQ(lits[0]->info.name, "main.main.func1");
  EXPECT_EQ(lits[1]->info.name, "main.main.func1.1");
  EXPECT_EQ(lits[2]->info.name, "main.main.func2");
  EXPECT_EQ(func("main")->info.name, "main.main");
  // The inner literal refers to x and y directly, the outer through it.
  ASSERT_EQ(lits[1]->info.captures.size(), 2u);
  EXPECT_EQ(lits[1]->info.captures[0]->name, "x");
  EXPECT_EQ(lits[1]->info.captures[1]->name, "y");
  ASSERT_EQ(lits[0]->info.captures.size(), 2u);
  EXPECT_TRUE(lits[0]->info.captures[0]->captured);
  EXPECT_TRUE(lits[2]->info.captures.empty());
  EXPECT_EQ(lits[1]->info.outer, &lits[0]->info);
  EXPECT_EQ(lits[0]->info.outer, &func("main")->info);
  // h is local to func1 and not captured.
  auto *hDecl = llvm::cast<AssignStmt>(lits[0]->body->stmts[0]);
  EXPECT_FALSE(llvm::cast<Ident>(hDecl->lhs[0])->obj->captured);
  // Package-level literal.
  auto *gspec = global("g")->spec;
  EXPECT_EQ(llvm::cast<FuncLit>(gspec->values[0])->info.name, "main.glob..func1");
}

TEST_F(SemaTest, AssignmentInClosureCaptures) {
  ASSERT_TRUE(check(R"(package main
func main() {
	n := 0
	inc := func() { n = 5 }
	inc()
	println(n)
}
)")) << errors;
  std::vector<FuncLit *> lits;
  collectFuncLits(func("main")->body, lits);
  ASSERT_EQ(lits.size(), 1u);
  ASSERT_EQ(lits[0]->info.captures.size(), 1u);
  EXPECT_TRUE(lits[0]->info.captures[0]->captured);
}

TEST_F(SemaTest, InitOrderFollowsDependencies) {
  ASSERT_TRUE(check(R"(package main
var a = b + 1
var b = f()
var c = 2
var z int
func f() int { return c }
func main() { println(a, z) }
)")) << errors;
  ASSERT_EQ(file->initOrder.size(), 3u);
  EXPECT_EQ(file->initOrder[0]->names[0]->name, "c");
  EXPECT_EQ(file->initOrder[1]->names[0]->name, "b");
  EXPECT_EQ(file->initOrder[2]->names[0]->name, "a");
}

TEST_F(SemaTest, InitializationLoop) {
  EXPECT_FALSE(check(R"(package main
var x = f()
func f() int { return x }
func main() {}
)"));
  EXPECT_EQ(errors, "2:5: initialization loop for x\n");
}

TEST_F(SemaTest, MultiValueCallsAndCommaOk) {
  ASSERT_TRUE(check(R"(package main
func two() (int, string) { return 1, "a" }
func take(a int, b string) int { return a }
func main() {
	a, b := two()
	println(take(two()), a, b)
}
)")) << errors;
  auto *as = llvm::cast<AssignStmt>(func("main")->body->stmts[0]);
  EXPECT_EQ(llvm::cast<Ident>(as->lhs[1])->obj->type, types.stringType());
  EXPECT_EQ(as->rhs[0]->type->kind, TypeKind::Tuple);
}

TEST_F(SemaTest, BranchTargetsAndFallthrough) {
  ASSERT_TRUE(check(R"(package main
func main() {
outer:
	for i := 0; i < 3; i++ {
		switch i {
		case 0:
			fallthrough
		case 1:
			continue outer
		default:
			break outer
		}
	}
}
)")) << errors;
  auto *lab = llvm::cast<LabeledStmt>(func("main")->body->stmts[0]);
  auto *loop = llvm::cast<ForStmt>(lab->stmt);
  auto *sw = llvm::cast<SwitchStmt>(loop->body->stmts[0]);
  auto *ft = llvm::cast<BranchStmt>(sw->clauses[0]->body[0]);
  EXPECT_EQ(ft->target, sw->clauses[1]);
  EXPECT_EQ(llvm::cast<BranchStmt>(sw->clauses[1]->body[0])->target, loop);
  EXPECT_EQ(llvm::cast<BranchStmt>(sw->clauses[2]->body[0])->target, loop);
  EXPECT_NE(lab->obj, nullptr);
}

TEST_F(SemaTest, CallKindsAndBuiltins) {
  ASSERT_TRUE(check(R"(package main
func exit(int) {}
func main() {
	s := []byte("hi")
	s = append(s, "yo"...)
	n := len("four")
	r := []rune(string(s))
	println(n, len(r))
	exit(int(n))
}
)")) << errors;
  auto *body = func("main")->body;
  auto *conv = llvm::cast<CallExpr>(llvm::cast<AssignStmt>(body->stmts[0])->rhs[0]);
  EXPECT_EQ(conv->callKind, CallKind::Conversion);
  EXPECT_EQ(conv->type, types.sliceOf(types.basic(TypeKind::Uint8)));
  EXPECT_EQ(conv->args[0]->type, types.stringType());
  auto *ln = llvm::cast<CallExpr>(llvm::cast<AssignStmt>(body->stmts[2])->rhs[0]);
  EXPECT_EQ(ln->callKind, CallKind::Builtin);
  EXPECT_EQ(ln->mode, ExprMode::Constant);
  EXPECT_EQ(ln->constVal->asInt64(), 4);
  auto *exit = llvm::cast<CallExpr>(llvm::cast<ExprStmt>(body->stmts[5])->x);
  EXPECT_EQ(exit->callKind, CallKind::Regular);
  auto *pr = llvm::cast<CallExpr>(llvm::cast<ExprStmt>(body->stmts[4])->x);
  EXPECT_EQ(pr->callKind, CallKind::Builtin);
}

TEST_F(SemaTest, TypeStrings) {
  Type *i = types.intType();
  EXPECT_EQ(typeString(types.sliceOf(types.stringType())), "[]string");
  EXPECT_EQ(typeString(types.arrayOf(i, 3)), "[3]int");
  EXPECT_EQ(typeString(types.funcOf({i, types.sliceOf(i)}, {i, types.boolType()}, true)),
            "func(int, ...int) (int, bool)");
  EXPECT_EQ(typeString(types.chanOf(i, ChanDir::Send)), "chan<- int");
  EXPECT_EQ(typeString(types.chanOf(types.chanOf(i, ChanDir::Recv), ChanDir::Both)),
            "chan (<-chan int)");
  EXPECT_EQ(typeString(types.basic(TypeKind::UntypedFloat)), "untyped float");
  // Interning: identical types are the same pointer.
  EXPECT_EQ(types.sliceOf(i), types.sliceOf(i));
  EXPECT_EQ(types.funcOf({i}, {}, false), types.funcOf({i}, {}, false));
  EXPECT_EQ(types.sliceOf(i)->size(), 24u);
  EXPECT_EQ(types.arrayOf(types.basic(TypeKind::Int32), 5)->size(), 20u);
}

TEST_F(SemaTest, CommonErrors) {
  EXPECT_FALSE(check(R"(package main
import "os"
import "strings"
func f() int {
	for {
		break
	}
}
func main() {
	x := 1
	var y int
	y = 2
	if x {
	}
	z := 3
	z := 4
	println(undefinedName)
}
)"));
  // checkFile runs no loader: an import is an error of its own.
  EXPECT_EQ(errors, "2:8: could not import os (package not loaded)\n"
                    "3:8: could not import strings (package not loaded)\n"
                    "8:1: missing return\n"
                    "11:6: y declared but not used\n"
                    "13:5: non-boolean condition in if statement\n"
                    "15:2: z declared but not used\n"
                    "16:4: no new variables on left side of :=\n"
                    "17:10: undefined: undefinedName\n");
}

TEST_F(SemaTest, UnsupportedFeaturesDoNotCrash) {
  EXPECT_FALSE(check(R"(package main
type T struct{ a int }
type I interface{ M() }
func (t T) M() {}
func main() {
	var p *int
	m := map[int]int{}
	var z complex128 // complex numbers: still unsupported
	_ = z
	defer println()
	var v interface{} = 1
	switch v.(type) {
	}
	_, _ = p, m
}
)"));
  EXPECT_NE(errors.find("not supported by glc yet"), std::string::npos) << errors;
}

} // namespace

namespace {

// Walks every expression of a checked file and records typed-ness
// violations of the irgen contract: a non-constant expression in value
// position must not have an untyped type (nil excepted), and constants
// that irgen emits must have constVal set.
struct UntypedFinder {
  std::vector<std::string> bad;
  const File *file;

  void expr(Expr *e) {
    if (!e)
      return;
    if (e->mode == ExprMode::Constant) {
      if (!e->constVal)
        bad.push_back("constant without value");
      return; // irgen emits constVal; operands are not looked at
    }
    if ((e->mode == ExprMode::Value || e->mode == ExprMode::Variable) && e->type &&
        e->type->isUntyped() && e->type->kind != TypeKind::UntypedNil)
      bad.push_back("untyped " + typeString(e->type));
    switch (e->kind) {
    case ExprKind::Paren: expr(llvm::cast<ParenExpr>(e)->x); break;
    case ExprKind::Unary: expr(llvm::cast<UnaryExpr>(e)->x); break;
    case ExprKind::Binary:
      expr(llvm::cast<BinaryExpr>(e)->x);
      expr(llvm::cast<BinaryExpr>(e)->y);
      break;
    case ExprKind::Call:
      if (llvm::cast<CallExpr>(e)->callKind != CallKind::Conversion ||
          !llvm::cast<CallExpr>(e)->args[0]->type->isUntyped())
        for (Expr *a : llvm::cast<CallExpr>(e)->args)
          if (!llvm::isa<ArrayTypeExpr>(a) && !llvm::isa<ChanTypeExpr>(a))
            expr(a);
      break;
    case ExprKind::Index:
      expr(llvm::cast<IndexExpr>(e)->x);
      expr(llvm::cast<IndexExpr>(e)->index);
      break;
    case ExprKind::Slice:
      expr(llvm::cast<SliceExpr>(e)->x);
      expr(llvm::cast<SliceExpr>(e)->lo);
      expr(llvm::cast<SliceExpr>(e)->hi);
      expr(llvm::cast<SliceExpr>(e)->max);
      break;
    case ExprKind::CompositeLit:
      for (Expr *x : llvm::cast<CompositeLit>(e)->elts) {
        if (auto *kv = llvm::dyn_cast<KeyValueExpr>(x))
          expr(kv->value);
        else
          expr(x);
      }
      break;
    case ExprKind::FuncLit: block(llvm::cast<FuncLit>(e)->body); break;
    default: break;
    }
  }
  void block(BlockStmt *b) {
    if (b)
      for (Stmt *s : b->stmts)
        stmt(s);
  }
  void stmt(Stmt *s) {
    if (!s)
      return;
    switch (s->kind) {
    case StmtKind::Expr: expr(llvm::cast<ExprStmt>(s)->x); break;
    case StmtKind::Assign:
      for (Expr *e : llvm::cast<AssignStmt>(s)->lhs)
        if (!llvm::isa<Ident>(e))
          expr(e);
      for (Expr *e : llvm::cast<AssignStmt>(s)->rhs)
        expr(e);
      break;
    case StmtKind::IncDec: expr(llvm::cast<IncDecStmt>(s)->x); break;
    case StmtKind::Send:
      expr(llvm::cast<SendStmt>(s)->chan);
      expr(llvm::cast<SendStmt>(s)->value);
      break;
    case StmtKind::Return:
      for (Expr *e : llvm::cast<ReturnStmt>(s)->results)
        expr(e);
      break;
    case StmtKind::Block: block(llvm::cast<BlockStmt>(s)); break;
    case StmtKind::Labeled: stmt(llvm::cast<LabeledStmt>(s)->stmt); break;
    case StmtKind::If: {
      auto *i = llvm::cast<IfStmt>(s);
      stmt(i->init);
      expr(i->cond);
      block(i->then);
      stmt(i->els);
      break;
    }
    case StmtKind::For: {
      auto *f = llvm::cast<ForStmt>(s);
      stmt(f->init);
      expr(f->cond);
      stmt(f->post);
      block(f->body);
      break;
    }
    case StmtKind::Range:
      expr(llvm::cast<RangeStmt>(s)->x);
      block(llvm::cast<RangeStmt>(s)->body);
      break;
    case StmtKind::Switch: {
      auto *sw = llvm::cast<SwitchStmt>(s);
      stmt(sw->init);
      expr(sw->tag);
      for (CaseClause *c : sw->clauses) {
        for (Expr *e : c->list)
          expr(e);
        for (Stmt *b : c->body)
          stmt(b);
      }
      break;
    }
    case StmtKind::Go: expr(llvm::cast<GoStmt>(s)->call); break;
    case StmtKind::Decl:
      for (Spec *sp : llvm::cast<DeclStmt>(s)->decl->specs)
        if (auto *v = llvm::dyn_cast<ValueSpec>(sp))
          if (llvm::cast<DeclStmt>(s)->decl->tok == TokKind::Var)
            for (Expr *e : v->values)
              expr(e);
      break;
    default: break;
    }
  }
};

TEST_F(SemaTest, NoUntypedOperandsReachIrgen) {
  ASSERT_TRUE(check(R"(package main
var g = 1 << 3
func f(x float64, n uint) float64 { return x * 2 }
func main() {
	s := uint(2)
	var a int64 = 1 << s
	b := 1 << s
	c := []float64{1, 2.5}
	d := f(3, 1)
	e := 2 * d
	var ok bool = a > 3 && b < 10
	cond := 1 < b
	var arr [4]byte
	arr[1] = 'x'
	str := "ab" + string(arr[1])
	sl := append([]int{}, 1, 2)
	sl = append(sl, 3)
	ch := make(chan int, 1)
	ch <- 4
	for i := 0; i < 2; i++ {
		b += 1
	}
	switch b {
	case 1, 2:
	}
	if !ok || cond {
		println(1.5, 'r', "s", g, c[0], e, str, sl[0], <-ch, arr[1:2], 1<<s)
	}
}
)")) << errors;
  UntypedFinder uf{{}, file};
  for (Decl *d : file->decls)
    if (auto *f = llvm::dyn_cast<FuncDecl>(d))
      uf.block(f->body);
  for (ValueSpec *v : file->initOrder)
    for (Expr *e : v->values)
      uf.expr(e);
  EXPECT_TRUE(uf.bad.empty()) << uf.bad.size() << " violations, first: "
                              << (uf.bad.empty() ? "" : uf.bad[0]);
}

} // namespace
