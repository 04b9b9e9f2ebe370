#!/usr/bin/env python3
"""Random evaluation-order test: counting calls nested in every statement form.

Each generated test is a function that runs one statement whose expressions
are random trees of *counting calls*: every call site has its own id, and each
call adds 1 to `cnt`, folds its id into the hash `h` (so the order of calls is
recorded, not just their number) and adds its id to the global `g`, which the
expressions also read (Go evaluates calls and receives first, left to right
and innermost first, and loads plain operands afterwards: gc's order). After
the statement the test prints its results, `cnt`, `h` and `g`.

The statement forms cover what issue 8 names: `:=` (single, tuple, parallel),
`=` (single, parallel, through index expressions), `var x = e`, op-assign,
`if`/`switch`/`for` with init statements, composite literals (struct, slice,
array), calls of returned funcs `mk()(e)`, immediately invoked literals,
receives `<-c` and `<-<-c`, sends, select cases, `go` arguments, `&&`/`||`,
index and slice expressions, `println` arguments.

--count tests are generated from --seed and packed --per-file to a program;
each program is built by go1.19 (the reference) and by glc at -O2 and -O0,
and the outputs (stdout, stderr, exit status) must be identical. Prints one
line per program, then "N passed, N failed" where N counts tests (the tests
of a program that differs all count as failed; the first differing line is
shown with its test's source). Exit status 1 iff something failed.

    python3 test/difftest/callgen.py --glc build/bin/glc --seed 1 --count 400
    python3 test/difftest/callgen.py --seed 7 --count 50 --keep /tmp/cg   # keep sources
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genharness  # noqa: E402  (the build/run/compare loop)

PRELUDE = """package main

var cnt, h, g int

func c(id, v int) int    { cnt++; h = h*31 + id; g += id; return v }
func b(id, v int) bool   { cnt++; h = h*31 + id; g += id; return v%2 == 0 }
func idx(id, v int) int  { cnt++; h = h*31 + id; g += id; return v & 7 }
func two(id, v int) (int, int) { cnt++; h = h*31 + id; g += id; return v, v + 1 }
func mk(id int) func(int) int {
	cnt++
	h = h*31 + id
	return func(v int) int { cnt++; h = h*31 + id + 7; g += id; return v*2 + 1 }
}
func ch(id, v int) chan int {
	cnt++
	h = h*31 + id
	r := make(chan int, 2) // room for one more: `ch(id, v) <- e` does not block
	r <- v
	return r
}
func chch(id, v int) chan chan int {
	cnt++
	h = h*31 + id
	r := make(chan chan int, 1)
	r <- ch(id+1, v)
	return r
}
func sl(id int, a, b2 int) []int { cnt++; h = h*31 + id; g += id; return []int{a, b2, a + b2, 5, 6, 7, 8, 9} }

type P struct{ a, b int }

func mkp(id, v int) *P { cnt++; h = h*31 + id; return &P{v, v + 1} }

func reset() { cnt, h, g = 0, 0, 0 }
"""


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.next_id = 1

    def id(self):
        i = self.next_id
        self.next_id += 1
        return i

    def leaf(self, env):
        r = self.rng.random()
        if r < 0.35:
            return str(self.rng.randint(0, 9))
        if r < 0.55:
            return "g"
        return self.rng.choice(env)

    def expr(self, env, depth):
        """An int-valued expression."""
        if depth <= 0 or self.rng.random() < 0.2:
            return self.leaf(env)
        d = depth - 1
        k = self.rng.randrange(14)
        if k <= 3:
            return f"c({self.id()}, {self.expr(env, d)})"
        if k == 4:
            op = self.rng.choice(["+", "-", "*", "^", "&", "|"])
            return f"({self.expr(env, d)} {op} {self.expr(env, d)})"
        if k == 5:
            return f"{self.expr(env, d)} + {self.expr(env, d)}"
        if k == 6:
            return f"mk({self.id()})({self.expr(env, d)})"
        if k == 7:
            return f"<-ch({self.id()}, {self.expr(env, d)})"
        if k == 8:
            return f"<-<-chch({self.id()}, {self.expr(env, d)})"
        if k == 9:
            return f"func() int {{ return {self.expr(env, d)} }}()"
        if k == 10:
            return f"[]int{{{self.expr(env, d)}, {self.expr(env, d)}, c({self.id()}, 3)}}[idx({self.id()}, {self.expr(env, d)}) % 3]"
        if k == 11:
            return f"sl({self.id()}, {self.expr(env, d)}, {self.expr(env, d)})[idx({self.id()}, {self.expr(env, d)})]"
        if k == 12:
            return f"(P{{{self.expr(env, d)}, {self.expr(env, d)}}}).{self.rng.choice('ab')}"
        return f"mkp({self.id()}, {self.expr(env, d)}).{self.rng.choice('ab')}"

    def cond(self, env, depth):
        e = f"b({self.id()}, {self.expr(env, depth)})"
        for _ in range(self.rng.randrange(3)):
            op = self.rng.choice(["&&", "||"])
            e = f"{e} {op} b({self.id()}, {self.expr(env, depth)})"
        return e

    def stmt(self, n, depth):
        """One test function: set-up, one statement, a report line."""
        env = ["x1", "x2"]
        E = lambda: self.expr(env, depth)
        head = [f"func t{n}() {{", "\treset()", "\tx1, x2 := 3, -4", "\tvar arr [8]int",
                "\t_, _, _ = x1, x2, arr"]
        rep = f'\tprintln({n}, "|", {{vals}}, "|", cnt, h, g)'
        k = self.rng.randrange(26)
        body, vals = [], "x1, x2"
        if k == 0:
            body = [f"\tr := {E()}"]; vals = "r"
        elif k == 1:
            body = [f"\tr, s := two({self.id()}, {E()})"]; vals = "r, s"
        elif k == 2:
            body = [f"\tr, s := {E()}, {E()}"]; vals = "r, s"
        elif k == 3:
            body = [f"\tx1 = {E()}"]
        elif k == 4:
            body = [f"\tx1, x2 = {E()}, {E()}"]
        elif k == 5:
            body = [f"\tx1, x2 = two({self.id()}, {E()})"]
        elif k == 6:
            body = [f"\tvar r = {E()}"]; vals = "r"
        elif k == 7:
            body = [f"\tvar r, s int = {E()}, {E()}"]; vals = "r, s"
        elif k == 8:
            body = [f"\tx1 {self.rng.choice(['+=', '-=', '*=', '^='])} {E()}"]
        elif k == 9:
            body = [f"\tif r := {E()}; r > {self.rng.randint(-5, 20)} {{",
                    f"\t\tx1 = r + {E()}", "\t} else {", f"\t\tx2 = r - {E()}", "\t}"]
        elif k == 10:
            body = [f"\tswitch r := {E()}; r & 3 {{",
                    f"\tcase c({self.id()}, {E()}) & 3, c({self.id()}, {E()}) & 3:", f"\t\tx1 = r",
                    f"\tcase 1:", f"\t\tx2 = {E()}",
                    "\tdefault:", f"\t\tx1 = {E()}", "\t}"]
        elif k == 11:
            body = [f"\tfor i := {E()} & 3; i < c({self.id()}, 4); i++ {{",
                    f"\t\tx1 += i + {E()}", "\t}"]
        elif k == 12:
            body = [f"\tarr[idx({self.id()}, {E()})] = {E()}",
                    f"\tarr[idx({self.id()}, {E()})], arr[idx({self.id()}, {E()})] = {E()}, {E()}"]
            vals = "arr[0], arr[1], arr[2], arr[3], arr[4], arr[5], arr[6], arr[7]"
        elif k == 13:
            body = [f"\tp := P{{{E()}, {E()}}}", f"\tq := P{{a: {E()}, b: {E()}}}",
                    f"\tpp := &P{{b: {E()}, a: {E()}}}"]
            vals = "p.a, p.b, q.a, q.b, pp.a, pp.b"
        elif k == 14:
            body = [f"\ts := []int{{{E()}, {E()}, {E()}}}", f"\ta := [2]int{{{E()}, {E()}}}"]
            vals = "s[0], s[1], s[2], a[0], a[1], len(s)"
        elif k == 15:
            body = [f"\tf := mk({self.id()})", f"\tr := f({E()}) + mk({self.id()})({E()})"]
            vals = "r"
        elif k == 16:
            body = [f"\tr := <-<-chch({self.id()}, {E()}) + <-ch({self.id()}, {E()})"]; vals = "r"
        elif k == 17:
            body = [f"\tok := {self.cond(env, depth)}", "\tr := 0", "\tif ok {", "\t\tr = 1", "\t}"]
            vals = "r"
        elif k == 18:
            body = ["\tq := make(chan int, 2)", f"\tq <- {E()}", f"\tch({self.id()}, 0) <- {E()}",
                    "\tr := <-q"]
            vals = "r"
        elif k == 19:
            body = [f"\tprintln({E()}, {E()})"]
        elif k == 20:
            body = ["\tvar nilc chan int", "\tr := 0", "\tselect {",
                    f"\tcase v := <-ch({self.id()}, {E()}):", "\t\tr = v",
                    f"\tcase nilc <- {E()}:", "\t}"]
            vals = "r"
        elif k == 21:
            body = ["\tdone := make(chan int)",
                    f"\tgo func(a, b int) {{ done <- a*10 + b }}({E()}, {E()})",
                    "\tr := <-done"]
            vals = "r"
        elif k == 22:
            body = [f"\ts := sl({self.id()}, {E()}, {E()})[idx({self.id()}, {E()}) & 3 : 4+idx({self.id()}, {E()})&3]"]
            vals = "len(s), s[0]"
        elif k == 23:
            body = [f"\tr, s := func() (int, int) {{ return {E()}, {E()} }}()"]; vals = "r, s"
        elif k == 24:
            body = [f"\tarr[idx({self.id()}, {E()})] {self.rng.choice(['+=', '-=', '|='])} {E()}"]
            vals = "arr[0], arr[1], arr[2], arr[3], arr[4], arr[5], arr[6], arr[7]"
        else:
            body = [f"\tr := func(a int) int {{ return a + {E()} }}({E()})"]; vals = "r"
        return "\n".join(head + body + [rep.format(vals=vals), "}"])


def source(k, tests):
    return PRELUDE + "\n" + "\n\n".join(tests) + "\n\nfunc main() {\n" + \
        "".join(f"\tt{k * 1000 + i}()\n" for i in range(len(tests))) + "}\n"


def report(k, tests, bad, ref):
    """The first differing line of each build, with its test's source."""
    for opt, o in bad:
        if o[0] != ref[0]:
            print(f"  glc {opt}: exit {o[0]}, go: exit {ref[0]}")
        d = genharness.first_diff(ref[1], o[1])
        if d:
            i, x, y = d
            print(f"  glc {opt} line {i + 1}:\n    go:  {x}\n    glc: {y}")
            tn = x.split(" ", 1)[0] if x != "<missing>" else y.split(" ", 1)[0]
            for t in tests:
                if t.startswith(f"func t{tn}()"):
                    print("  test:\n" + "\n".join("    " + l for l in t.splitlines()))
                    break


def main():
    ap = genharness.parser(__doc__, count=400, per_file=50)
    ap.add_argument("--depth", type=int, default=3, help="expression nesting depth")
    args = genharness.parse(ap)
    rng = random.Random(args.seed)
    gen = Gen(rng)
    programs = [[gen.stmt(k * 1000 + i, args.depth) for i in range(n)]
                for k, n in enumerate(genharness.program_sizes(args))]
    return genharness.run(args, "callgen", programs, source, len, report=report)


if __name__ == "__main__":
    sys.exit(main())
