#!/usr/bin/env python3
"""Random non-constant computation test: integer, float, bool and string expressions and statements, vs go1.19.

constgen covers constant expressions; this generator covers what is
computed at run time. Each test declares typed variables of random kinds
(int8..int64, int, uint8..uint64, uint, uintptr, byte, rune, float32,
float64, bool, string), an array [4]T, a struct and a slice, loads them
from package-level slices of edge values (0, +-1, min, max, powers of two
+-1, -0, +-Inf, NaN, 2^53+1, strings with invalid UTF-8) and random ones,
indexed by the iteration counter, so neither compiler can fold them; and
runs random statement groups on them, three iterations of each:

  expressions  + - * / % & | ^ &^ << >> on every integer kind (shift counts
               of every kind, counts >= width, negative signed counts: Go's
               panic), unary - ^ !, division by zero and MinInt / -1,
               conversions between all numeric kinds (float -> int only
               in range, through guards: out of range is implementation-
               defined), float32 rounding, comparisons (NaN, -0), && and ||
               with side effects, string +, s[i], s[i:j], len, cap,
               string(rune), string([]byte), []byte(s), []rune(s),
               untyped constants shifted by a variable (1 << s)
  statements   =, op= (every operator), ++/--, swaps (a, b = b, a+b),
               i, a[i] = ..., loops with break/continue, switch with
               fallthrough, arrays copied, assigned and passed by value,
               slices of arrays with append aliasing and overlapping copy,
               struct copies, pointers to elements and fields, range over
               strings (invalid UTF-8), map stores (=, op=, comma-ok,
               ++, delete) with keys of every integer kind, string and
               float64 (NaN)

After each group every variable is printed (floats as their bits, NaN as
one value: its bits are not specified); a runtime panic ends the iteration
and is printed by the test's recover, so one program runs all its tests.

--count tests are packed --per-file to a program, built by go1.19 and by
glc at -O2 and -O0; glc's -O0 build also runs at GOMAXPROCS=1 and, for
--stress-share of the programs, its -O2 build under
GODEBUG=gcstress=1,gcpoison=1. Every run must print what go's build did.
Prints one line per program, then "N passed, N failed" (tests). Exit
status 1 iff something failed.

    python3 test/difftest/exprgen.py --glc build/bin/glc --seed 1 --count 200
    python3 test/difftest/exprgen.py --seed 7 --count 20 --keep /tmp/eg   # keep sources
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genharness  # noqa: E402  (the build/run/compare loop)

# kind -> (bits, signed); byte is uint8 and rune is int32 (the same types).
INTS = {"int8": (8, True), "int16": (16, True), "int32": (32, True), "int64": (64, True),
        "int": (64, True), "uint8": (8, False), "uint16": (16, False), "uint32": (32, False),
        "uint64": (64, False), "uint": (64, False), "uintptr": (64, False),
        "byte": (8, False), "rune": (32, True)}
CANON = {"byte": "uint8", "rune": "int32"}
FLOATS = ["float32", "float64"]
NUMS = list(INTS) + FLOATS


def canon(t):
    return CANON.get(t, t)


def span(t):
    bits, signed = INTS[t]
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)


PRELUDE = """package main

import "math"

var negz = math.Copysign(0, -1)

// tr records the calls of se, so && and || evaluation order is printed.
var tr int

func se(n int, b bool) bool {
	tr = tr*7 + n
	return b
}

func fb64(x float64) uint64 {
	if x != x {
		return 1
	}
	return math.Float64bits(x)
}

func fb32(x float32) uint32 {
	if x != x {
		return 1
	}
	return math.Float32bits(x)
}

func try(name string, it int, f func()) {
	defer func() {
		if r := recover(); r != nil {
			println(name, it, "panic:", r.(error).Error())
		}
	}()
	f()
}
"""


def f2i_helpers():
    """f2<kind>(x float64): the conversion where Go defines it, else 0."""
    out = []
    for t in INTS:
        if t in CANON:
            continue
        bits, signed = INTS[t]
        if signed:
            cond = f"x >= -{float(1 << (bits - 1))!r} && x < {float(1 << (bits - 1))!r}"
        else:
            cond = f"x > -1 && x < {float(1 << bits)!r}"
        out.append(f"func f2{t}(x float64) {t} {{\n\tif {cond} {{\n\t\treturn {t}(x)\n\t}}\n\treturn 0\n}}")
    return "\n\n".join(out)


FLOAT_EDGES = ["0", "1", "-1", "0.5", "-0.5", "1.5", "2.5", "-2.5", "0.1", "3", "255", "256", "-129",
               "65535.9", "1e10", "-1e10", "2147483647.5", "4294967296", "9007199254740993",
               "9.223372036854775807e18", "-9.223372036854775808e18", "1.8446744073709551615e19",
               "16777217", "1e-310", "5e-324", "1.7976931348623157e308", "3.4028234663852886e38",
               "1.401298464324817e-45", "1e38", "123456.789", "-7.25", "0.3333333333333333"]
STRING_EDGES = ['""', '"a"', '"abc"', '"héllo"', '"日本語"', '"\\xff"', '"a\\xffb\\xfe"', '"\\xe6\\x97"',
                '"\\xed\\xa0\\x80"', '"\\U0010ffff"', '"\\xf4\\x90\\x80\\x80"', '"\\x00z"', '"xyzzy"', '"€uro"']


class Gen:
    def __init__(self, rng):
        self.r = rng
        # While set, expressions cannot panic. A multiple assignment whose
        # operands could panic twice would test which panic comes first,
        # and gc's order there depends on its escape analysis (walk's
        # ascompatee copies an operand early only if an earlier store may
        # alias it): glc does not reproduce that (README, "Not yet").
        self.nopanic = False

    # ----------------------------------------------------------- values
    def int_edges(self, t):
        lo, hi = span(t)
        bits, signed = INTS[t]
        vals = {0, 1, hi, hi - 1, lo, lo + 1}
        if signed:
            vals.add(-1)
        for _ in range(3):
            p = 1 << self.r.randrange(bits - (1 if signed else 0))
            vals.update(v for v in (p, p - 1, p + 1, -p, -p + 1) if lo <= v <= hi)
        for _ in range(3):
            vals.add(self.r.randint(lo, hi))
            vals.add(self.r.randint(max(lo, -300), min(hi, 300)))
        vals = sorted(vals)
        self.r.shuffle(vals)
        return [str(v) for v in vals]

    def pkg_values(self):
        """Package-level slices V_<kind> of edge and random values."""
        out = []
        for t in INTS:
            if t in CANON:
                continue
            out.append(f"var V_{t} = []{t}{{{', '.join(self.int_edges(t))}}}")
        for t in FLOATS:
            vals = list(FLOAT_EDGES)
            if t == "float32":
                vals = [v for v in vals if abs(float(v)) < 3.5e38]
            vals += [repr(self.r.uniform(-1e6, 1e6)), repr(self.r.uniform(-1, 1)),
                     repr(self.r.uniform(-1e20, 1e20))]
            self.r.shuffle(vals)
            out.append(f"var V_{t} = []{t}{{{', '.join(vals)}}}")
        out.append("var V_bool = []bool{true, false, false, true, true}")
        strs = list(STRING_EDGES)
        self.r.shuffle(strs)
        out.append(f"var V_string = []string{{{', '.join(strs)}}}")
        out.append("func init() {\n"
                   "\tV_float64 = append(V_float64, negz, math.Inf(1), math.Inf(-1), math.NaN(), negz)\n"
                   "\tV_float32 = append(V_float32, float32(negz), float32(math.Inf(1)), float32(math.Inf(-1)), "
                   "float32(math.NaN()))\n}")
        out.append(f2i_helpers())
        return "\n".join(out)

    def load(self, t):
        """A load of V_<t> indexed by the iteration counter."""
        t = canon(t) if t in INTS else t
        return f"V_{t}[(it*{self.r.randint(1, 13)}+{self.r.randint(0, 40)})%len(V_{t})]"

    def lit(self, t, nonzero=False):
        """An untyped constant representable in t."""
        r = self.r
        if t in INTS:
            lo, hi = span(t)
            v = r.choice([0, 1, 1, 2, 3, 7, hi, lo, -1, r.randint(lo, hi), r.randint(-10, 10)])
            v = v if lo <= v <= hi else 1
            if nonzero and v == 0:
                v = 1
            return str(v)
        if t in FLOATS:
            return r.choice(["0.5", "1", "-1", "3", "0.1", "2.5", "1e10", "-7.25", "1e-5", "1024"])
        if t == "string":
            return r.choice(STRING_EDGES)
        return r.choice(["true", "false"])

    # ------------------------------------------------------ expressions
    # Each returns (text, constant): no operator gets two constant
    # operands (a constant overflow would not compile), no constant
    # divisor is zero, constant operands are only literal leaves.
    def vars_of(self, t):
        if t in INTS:
            return [n for n, vt in self.vars if vt in INTS and canon(vt) == canon(t)]
        return [n for n, vt in self.vars if vt == t]

    def nc_leaf(self, t):
        """A non-constant expression of type t."""
        r = self.r
        vs = self.vars_of(t)
        if vs and r.random() < 0.8:
            return r.choice(vs)
        if t in INTS:
            c = r.random()
            if canon(t) == canon(self.ak) and c < 0.3:
                return f"ar[{self.safe_idx(4)}]"
            if canon(t) == "uint8" and c < 0.5 and not self.nopanic:
                return f"{self.svar()}[{self.idx_for(self.svar())}]"
            if canon(t) == "int" and c < 0.6:
                return r.choice([f"len({self.svar()})", "len(sl)", "cap(sl)"])
            if c < 0.7:
                return f"st.{r.choice(['a', 'b'])}" if canon(t) == canon(self.sk) else f"{t}({self.any_num_var(t)})"
        return f"{t}({self.any_num_var(t)})"

    def any_num_var(self, t):
        ns = [(n, vt) for n, vt in self.vars if vt in INTS or (vt in FLOATS and t in FLOATS)]
        n, vt = self.r.choice(ns)
        if vt in FLOATS and t in INTS:
            return n  # not used: ints only from int vars here
        return n

    def svar(self):
        return self.r.choice(self.vars_of("string"))

    def safe_idx(self, n):
        """An index that is mostly, not always, in 0..n-1."""
        r = self.r
        e, _ = self.iexpr(r.choice(list(INTS)), 1, nonconst=True)
        if r.random() < 0.95 or self.nopanic:
            return f"{e}&{n - 1}" if n in (1, 2, 4, 8) else f"int(uint8({e}))%{n}"
        return e

    def idx_for(self, s):
        r = self.r
        e, _ = self.iexpr(r.choice(list(INTS)), 1, nonconst=True)
        if r.random() < 0.95:
            return f"int(uint8({e}))%(len({s})+1)" if r.random() < 0.3 else f"int(uint16({e}))%(len({s})+{r.randint(1, 3)})"
        return e

    def iexpr(self, t, d, nonconst=False):
        r = self.r
        if d <= 0 or r.random() < 0.2:
            if nonconst or r.random() < 0.75:
                return self.nc_leaf(t), False
            return self.lit(t), True
        c = r.random()
        if c < 0.5:
            op = r.choice(["+", "-", "*", "&", "|", "^", "&^", "+", "-", "*", "/", "%"])
            a, ac = self.iexpr(t, d - 1)
            if op in "/%":
                if r.random() < 0.7:
                    b, bc = self.iexpr(t, d - 1, nonconst=True)
                    b = f"({b}|{r.choice(['1', '1', '3'])})" if r.random() < 0.75 or self.nopanic else b
                else:
                    b, bc = self.lit(t, nonzero=True), True
            else:
                b, bc = self.iexpr(t, d - 1)
            if ac and bc:
                b, bc = self.nc_leaf(t), False
            return f"({a} {op} {b})", False
        if c < 0.65:
            op = r.choice(["<<", ">>"])
            a, ac = self.iexpr(t, d - 1)
            if ac:
                a = f"{t}({a})"
            if r.random() < 0.25:
                s = r.choice(["0", "1", "3", "7", "8", "15", "16", "31", "32", "33", "63", "64", "65", "200"])
                if ac:
                    a = self.nc_leaf(t)
            else:
                ck = r.choice(list(INTS))
                s, _ = self.iexpr(ck, d - 1, nonconst=True)
                if INTS[ck][1] and (r.random() < 0.7 or self.nopanic):
                    s = f"uint{r.choice(['8', '16', '32', '64', ''])}({s})"
            return f"({a} {op} {s})", False
        if c < 0.72:
            a, ac = self.iexpr(t, d - 1, nonconst=True)
            return f"({r.choice(['-', '^', '+'])} {a})", False
        if c < 0.85:
            u = r.choice(list(INTS))
            a, _ = self.iexpr(u, d - 1, nonconst=True)
            return f"{t}({a})", False
        if c < 0.92:
            f = r.choice(FLOATS)
            a, _ = self.fexpr(f, d - 1, nonconst=True)
            if f == "float32":
                a = f"float64({a})"
            return f"{t}(f2{canon(t)}({a}))", False
        if canon(t) == "int" and c < 0.96:
            s, _ = self.sexpr(d - 1)
            return f"len({s})", False  # never constant: sexpr(nonconst) below
        return self.nc_leaf(t), False

    def fexpr(self, t, d, nonconst=False):
        r = self.r
        if d <= 0 or r.random() < 0.2:
            if nonconst or r.random() < 0.8:
                return self.nc_leaf(t), False
            return self.lit(t), True
        c = r.random()
        if c < 0.55:
            op = r.choice("+-*/")
            a, ac = self.fexpr(t, d - 1)
            b, bc = self.fexpr(t, d - 1)
            if ac and bc:
                b, bc = self.nc_leaf(t), False
            return f"({a} {op} {b})", False
        if c < 0.65:
            a, _ = self.fexpr(t, d - 1, nonconst=True)
            return f"(- {a})", False
        if c < 0.85:
            u = r.choice(list(INTS))
            a, _ = self.iexpr(u, d - 1, nonconst=True)
            return f"{t}({a})", False
        o = "float64" if t == "float32" else "float32"
        a, _ = self.fexpr(o, d - 1, nonconst=True)
        return f"{t}({a})", False

    def bexpr(self, d):
        r = self.r
        c = r.random()
        if d <= 0 or c < 0.15:
            return r.choice(self.vars_of("bool"))
        if c < 0.55:
            t = r.choice(NUMS + ["string", "string"])
            op = r.choice(["==", "!=", "<", "<=", ">", ">="])
            if t in INTS:
                a, ac = self.iexpr(t, d - 1)
                b, bc = self.iexpr(t, d - 1, nonconst=ac)
            elif t in FLOATS:
                a, ac = self.fexpr(t, d - 1)
                b, bc = self.fexpr(t, d - 1, nonconst=ac)
            else:
                a, b = self.sexpr(d - 1)[0], self.sexpr(d - 1)[0]
            return f"({a} {op} {b})"
        if c < 0.65:
            return f"!{self.bexpr(d - 1)}"
        if c < 0.9:
            op = r.choice(["&&", "||"])
            return f"(se({r.randint(1, 6)}, {self.bexpr(d - 1)}) {op} se({r.randint(1, 6)}, {self.bexpr(d - 1)}))"
        return f"({self.bexpr(d - 1)} {r.choice(['==', '!='])} {self.bexpr(d - 1)})"

    def sexpr(self, d):
        """A non-constant string expression."""
        r = self.r
        c = r.random()
        if d <= 0 or c < 0.3:
            return self.svar(), False
        if c < 0.5:
            a = self.sexpr(d - 1)[0]
            b = self.sexpr(d - 1)[0] if r.random() < 0.7 else self.lit("string")
            return f"({a} + {b})", False
        if c < 0.7 and not self.nopanic:
            s = self.svar()
            lo, hi = self.idx_for(s), self.idx_for(s)
            form = r.randrange(3)
            if form == 0:
                return f"{s}[{lo}:]", False
            if form == 1:
                return f"{s}[:{hi}]", False
            return f"{s}[{lo}:{hi}]", False
        if c < 0.8:
            u = r.choice(["rune", "byte", "int32", "int", "uint16", "int64", "uint64"])
            a, _ = self.iexpr(u, d - 1, nonconst=True)
            return f"string({u}({a}))", False
        if c < 0.9:
            return f"string([]byte({self.sexpr(d - 1)[0]}))", False
        return f"string([]rune({self.sexpr(d - 1)[0]}))", False

    def expr(self, t, d):
        if t in INTS:
            return self.iexpr(t, d)[0]
        if t in FLOATS:
            return self.fexpr(t, d)[0]
        if t == "bool":
            return self.bexpr(d)
        return self.sexpr(d)[0]

    # ------------------------------------------------------- statements
    def show(self, k, g):
        parts = []
        for n, t in self.vars:
            parts.append(f"fb64({n})" if t == "float64" else f"fb32({n})" if t == "float32" else n)
        parts += [f"ar[{i}]" for i in range(4)] + ["st.a", "st.b", "st.c[0]", "st.c[1]", "len(sl)", "cap(sl)", "tr",
                                                   "len(mp)"]
        return f'println("t{k}", it, "g{g}", {", ".join(parts)})'

    def stmt(self, d):
        r = self.r
        num = [(n, t) for n, t in self.vars if t in INTS or t in FLOATS]
        ints = [(n, t) for n, t in self.vars if t in INTS]
        c = r.randrange(21)
        n, t = r.choice(self.vars)
        if c == 20:  # map stores: gc orders a key and the value by the map's kind
            k = self.expr(self.mk, d - 1)
            v = self.expr("int", d - 1)
            form = r.randrange(4)
            if form == 0:
                return f"mp[{k}] = {v}"
            if form == 1:  # a constant v could divide by 0 or shift by < 0: not compiled
                v, _ = self.iexpr("int", d - 1, nonconst=True)
                return f"mp[{k}] {r.choice(['+', '-', '*', '/', '<<', '|'])}= {v}"
            if form == 2:
                if self.ak == "int":
                    return f"{{\n\tvar ok bool\n\tar[{self.safe_idx(4)}], ok = mp[{k}]\n\tprintln(\"map\", ok, len(mp))\n}}"
                return f"{{\n\tx, ok := mp[{k}]\n\tprintln(\"map\", x, ok, len(mp))\n}}"
            return f"mp[{k}]++\ndelete(mp, {self.expr(self.mk, d - 1)})\nprintln(\"map\", len(mp))"
        if c <= 2:
            return f"{n} = {self.expr(t, d)}"
        if c <= 5:
            n, t = r.choice(num + [(x, "string") for x in self.vars_of("string")])
            if t == "string":
                return f"{n} += {self.expr(t, d)}"
            if t in FLOATS:
                return f"{n} {r.choice('+-*/')}= {self.expr(t, d)}"
            op = r.choice(["+", "-", "*", "/", "%", "&", "|", "^", "&^", "<<", ">>"])
            if op in ("<<", ">>"):
                ck = r.choice(list(INTS))
                s, _ = self.iexpr(ck, d - 1, nonconst=True)
                if INTS[ck][1] and r.random() < 0.8:
                    s = f"uint8({s})"
                return f"{n} {op}= {s}"
            if op in ("/", "%"):
                b, _ = self.iexpr(t, d - 1, nonconst=True)
                return f"{n} {op}= {b}|1" if r.random() < 0.75 else f"{n} {op}= {b}"
            return f"{n} {op}= {self.expr(t, d)}"
        if c == 6:
            n, t = r.choice(num)
            return f"{n}{r.choice(['++', '--'])}"
        if c in (7, 8):
            self.nopanic = True
            try:
                return self.multi_assign(c, d, num, ints)
            finally:
                self.nopanic = False
        return self.stmt_other(c, d, num, ints)

    def multi_assign(self, c, d, num, ints):
        r = self.r
        if c == 7:  # swaps and parallel assignment
            n, t = r.choice(num)
            same = [m for m, u in self.vars if (u == t or (u in INTS and t in INTS and canon(u) == canon(t))) and m != n]
            if same:
                m = r.choice(same)
                return r.choice([f"{n}, {m} = {m}, {n}", f"{n}, {m} = {m}, {n}+{m}",
                                 f"{n}, {m}, ar[0] = {m}, {self.expr(t, d - 1)}, ar[1]"])
            return f"{n}, ar[{self.safe_idx(4)}] = {self.expr(t, d)}, {self.expr(self.ak, d - 1)}"
        if c == 8:  # i, a[i] = ...: the index is evaluated before either store
            n, t = r.choice(ints)
            if r.random() < 0.5:
                return f"{n}, ar[{n}&3] = {self.expr(t, d - 1)}, {self.expr(self.ak, d - 1)}"
            return f"ar[{n}&3], {n} = {self.expr(self.ak, d - 1)}, {self.expr(t, d - 1)}"

    def stmt_other(self, c, d, num, ints):
        r = self.r
        if c == 9:  # a loop with continue and break
            n, t = r.choice(num)
            body = [f"if {self.bexpr(d - 1)} {{\n\t\tcontinue\n\t}}",
                    f"{n} += {t}(j) * {self.expr(t, d - 1)}" if t in INTS else f"{n} += {t}(j)",
                    f"if {self.bexpr(d - 1)} {{\n\t\tbreak\n\t}}"]
            r.shuffle(body)
            return f"for j := 0; j < {r.randint(0, 6)}; j++ {{\n\t" + "\n\t".join(body) + "\n}"
        if c == 10:  # switch with fallthrough
            tk = r.choice(list(INTS))
            e, _ = self.iexpr(tk, d - 1, nonconst=True)
            cases = []
            for v in range(4):
                s = self.simple_assign(d - 1)
                ft = "\n\tfallthrough" if v < 3 and r.random() < 0.4 else ""
                lab = f"case {v}:" if v < 3 else "default:"
                cases.append(f"{lab}\n\t{s}{ft}")
            return f"switch {e} & 3 {{\n" + "\n".join(cases) + "\n}"
        if c == 11:  # arrays are values
            i = self.safe_idx(4)
            return (f"{{\n\tb := ar\n\tb[{i}] = {self.expr(self.ak, d - 1)}\n"
                    f"\tx := func(a [4]{self.ak}) {self.ak} {{\n\t\ta[1]++\n\t\ta[2] = a[3]\n\t\treturn a[1] + a[2]\n\t}}(b)\n"
                    f"\tprintln(\"arr\", b[0], b[1], b[2], b[3], x)\n"
                    f"\tif {self.bexpr(d - 1)} {{\n\t\tar = b\n\t}}\n}}")
        if c == 12:  # slices of ar: append aliasing, copy overlap
            lo = r.choice(["0", "1", f"{self.safe_idx(4)}"])
            form = r.randrange(4)
            if form == 0:
                return f"sl = ar[{lo}:{r.choice(['2', '3', '4'])}]\nsl = append(sl, {self.expr(self.ak, d - 1)})"
            if form == 1:
                return f"sl = ar[{r.choice(['0', '1'])}:2:{r.choice(['2', '3', '4'])}]\nsl = append(sl, {self.expr(self.ak, d - 1)}, ar[3])\nsl[0] = {self.expr(self.ak, d - 1)}"
            if form == 2:
                return f"sl = ar[:]\nprintln(\"copy\", copy(sl[{r.randint(0, 2)}:], sl[{r.randint(0, 3)}:]))"
            return f"if len(sl) > 0 {{\n\tsl[len(sl)-1] {r.choice(['+', '-', '^'])}= {self.expr(self.ak, d - 1)}\n}}\nsl = append(sl[:0], sl...)"
        if c == 13:  # struct copies and pointers to fields and elements
            form = r.randrange(3)
            if form == 0:
                return (f"{{\n\ts2 := st\n\ts2.c[{r.randint(0, 1)}] = {self.expr(self.sk, d - 1)}\n"
                        f"\ts2.a {r.choice(['+', '*', '^'])}= {self.expr(self.sk, d - 1)}\n"
                        f"\tprintln(\"st\", s2.a, s2.b, s2.c[0], s2.c[1])\n\tif {self.bexpr(d - 1)} {{\n\t\tst = s2\n\t}}\n}}")
            if form == 1:
                return f"{{\n\tp := &st.c[{self.safe_idx(2)}]\n\t*p += {self.expr(self.sk, d - 1)}\n\tq := &st\n\tq.b = *p\n}}"
            return f"{{\n\tp := &ar[{self.safe_idx(4)}]\n\t*p {r.choice(['+', '-', '*', '|'])}= {self.expr(self.ak, d - 1)}\n\t(*p)++\n}}"
        if c == 14:  # range over a string
            s, _ = self.sexpr(d - 1)
            m, u = r.choice(ints)
            return (f"for i, c := range {s} {{\n\t{m} = {m}*31 + {u}(i)*7 + {u}(c)\n}}")
        if c == 15:  # []byte and []rune conversions copy
            s = self.svar()
            return (f"{{\n\tbs := []byte({s})\n\trs := []rune({s})\n\tif len(bs) > 0 {{\n\t\tbs[0] = {self.expr('byte', d - 1)}\n\t}}\n"
                    f"\tif len(rs) > 1 {{\n\t\trs[1] = {self.expr('rune', d - 1)}\n\t}}\n"
                    f"\tprintln(\"bytes\", {s}, len(bs), len(rs), string(bs), string(rs))\n}}")
        if c == 16:  # untyped constants shifted by a variable take the context's type
            n, t = r.choice(ints)
            ck = r.choice(list(INTS))
            s, _ = self.iexpr(ck, d - 1, nonconst=True)
            if INTS[ck][1]:
                s = f"uint({s})"
            k = r.choice(["1", "3", "127", "255"] if INTS[t][0] > 8 or not INTS[t][1] else ["1", "3", "127"])
            return r.choice([f"{n} = {k} << ({s} & 127)", f"{n} = {n} + {k}<<({s}&7)",
                             f"{n} ^= {k} >> ({s} & 15)"])
        if c == 17:  # ++ through a pointer and in an index expression
            n, t = r.choice(ints)
            return f"ar[{n}&3]++\n{n}--"
        if c == 18:
            b = r.choice(self.vars_of("bool"))
            return f"{b} = {self.bexpr(d)}"
        n, t = r.choice(num)
        return f"{n} = {self.expr(t, d)}"

    def simple_assign(self, d):
        n, t = self.r.choice(self.vars)
        return f"{n} = {self.expr(t, d)}"

    def test(self, k):
        r = self.r
        nv = r.randint(4, 8)
        kinds = [r.choice(NUMS) for _ in range(nv)] + ["int", "string", "bool", r.choice(["string", "bool"] + NUMS)]
        self.vars = [(f"v{i}", t) for i, t in enumerate(kinds)]
        self.ak = r.choice(list(INTS))
        self.sk = r.choice(list(INTS))
        self.mk = r.choice(list(INTS) + ["string", "float64"])
        decls = [f"type S{k} struct {{\n\ta, b {self.sk}\n\tc [2]{self.sk}\n}}"]
        body = [f"{n} := {self.load(t)}" for n, t in self.vars]
        body.append(f"ar := [4]{self.ak}{{{', '.join(self.load(self.ak) for _ in range(4))}}}")
        body.append(f"st := S{k}{{{self.load(self.sk)}, {self.load(self.sk)}, [2]{self.sk}{{{self.load(self.sk)}, 5}}}}")
        body.append("sl := ar[1:3]")
        body.append(f"mp := map[{self.mk}]int{{}}")
        body.append(self.show(k, 0))
        for g in range(1, r.randint(3, 7)):
            for _ in range(r.randint(1, 3)):
                body.append(self.stmt(r.randint(1, 4)))
            body.append(self.show(k, g))
        inner = "\n".join("\t\t" + ln for ln in "\n".join(body).split("\n"))
        fn = (f"func t{k}() {{\n\tfor it := 0; it < 3; it++ {{\n\t\ttr = 0\n\t\ttry(\"t{k}\", it, func() {{\n"
              f"{inner}\n\t\t}})\n\t}}\n}}")
        return "\n\n".join(decls + [fn])


def source(k, prog):
    vals, tests = prog
    return (PRELUDE + "\n" + vals + "\n\n" + "\n\n".join(tests) + "\n\nfunc main() {\n" +
            "".join(f"\tt{k * 1000 + i}()\n" for i in range(len(tests))) + "}\n")


def count_failed(prog, ref, bad):
    """The tests whose lines differ in some build (lines start "t<k> ")."""
    def per_test(text):
        m = {}
        for ln in text.splitlines():
            m.setdefault(ln.split(" ", 1)[0], []).append(ln)
        return m
    r = per_test(ref[1])
    names = set()
    for _, o in bad:
        if o[0] == "build failed":
            return len(prog[1])
        b = per_test(o[1])
        names |= {n for n in set(r) | set(b) if r.get(n) != b.get(n)}
    return max(1, min(len(prog[1]), len(names)))


def main():
    ap = genharness.parser(__doc__, count=300, per_file=25)
    ap.add_argument("--stress-share", type=float, default=0.25,
                    help="share of programs whose -O2 build also runs under GODEBUG=gcstress=1,gcpoison=1")
    args = genharness.parse(ap)
    rng = random.Random(args.seed)
    programs = []
    for k, n in enumerate(genharness.program_sizes(args)):
        gen = Gen(rng)
        programs.append((gen.pkg_values(), [gen.test(k * 1000 + i) for i in range(n)]))
    stress = set(k for k in range(len(programs))
                 if random.Random(args.seed * 7919 + k).random() < args.stress_share)

    def reruns(k):
        runs = [("-O0 GOMAXPROCS=1", "-O0", {"GOMAXPROCS": "1"})]
        if k in stress:
            runs.append(("-O2 gcstress=1,gcpoison=1", "-O2", {"GODEBUG": "gcstress=1,gcpoison=1"}))
        return runs
    return genharness.run(args, "exprgen", programs, source, lambda p: len(p[1]),
                          count_failed=count_failed, reruns=reruns, binary=True)


if __name__ == "__main__":
    sys.exit(main())
