#!/usr/bin/env python3
"""Random fmt test: Printf/Sprint/Println of random values and format strings vs go1.19.

Each generated test prints one line: a random format string (flags + - # 0
space, width, precision, `*` width/precision, explicit argument indexes
[n], a verb from %v %+v %#v %T %d %b %o %O %x %X %c %q %U %s %t %e %E %f
%F %g %G, wrong verbs, missing and extra operands) applied to random
operands: every integer and float type at edge and random values, strings
with escapes and invalid UTF-8, bools, nil, byte and int slices, arrays,
structs (exported and unexported fields, nested), pointers to structs,
maps (printed with sorted keys), named types with String and Error
methods (one that panics, one with a nil receiver). Pointer values are never
printed (addresses differ between the two programs).

--count tests from --seed are packed --per-file to a program, built by go1.19
and by glc; outputs must be identical. Prints one line per program, then
"N passed, N failed" (tests). Exit status 1 iff something failed.

    python3 test/difftest/fmtgen.py --glc build/bin/glc --seed 1 --count 400
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genharness  # noqa: E402  (the build/run/compare loop)

PRELUDE = """package main

import (
	"errors"
	"fmt"
)

type Point struct {
	X, Y int
	name string
}

type Outer struct {
	P    Point
	S    []string
	M    map[string]int
	Any  any
	Next *Point
}

type Celsius float64

func (c Celsius) String() string { return fmt.Sprintf("%.1fC", float64(c)) }

type Code int

func (c Code) Error() string { return fmt.Sprint("code ", int(c)) }

type Boom struct{ n int }

func (b Boom) String() string { panic(fmt.Sprint("boom ", b.n)) }

type PS struct{ s string }

func (p *PS) String() string { return "PS:" + p.s }

type Wrap struct {
	C Celsius
	c Celsius
}

var errPlain = errors.New("plain error")
var nilPS *PS
"""

VERBS = "v v v d b o O x X c q U s t e E f F g G".split()


class Gen:
    def __init__(self, rng):
        self.r = rng

    def int_lit(self, bits, signed):
        r = self.r
        if signed:
            lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        else:
            lo, hi = 0, (1 << bits) - 1
        v = r.choice([lo, hi, 0, 1, -1 if signed else 2, 7, 42, 65, 0x263a,
                      r.randint(lo, hi), r.randint(-1000 if signed else 0, 1000)])
        return max(lo, min(hi, v))

    def float_lit(self):
        r = self.r
        return r.choice(["0.0", "1.0", "-0.5", "0.1", "1e21", "1e20", "123456.789", "1e-7",
                         "3.14159", "2.5e-310", "1.7976931348623157e308", "100.0",
                         repr(r.uniform(-1e6, 1e6)), repr(r.random()),
                         "%.17g" % (r.uniform(-10, 10) * 10 ** r.randint(-30, 30))])

    def string_lit(self):
        return self.r.choice(['"hello"', '""', '"a\\tb\\n"', '"\\xff\\xfe"', '"日本語"', '"quote\\"d"',
                              '"`back`"', '"\\u2028x"', '"\\x00\\x7f"', '"世界 ☺"'])

    def value(self, depth=0):
        r = self.r
        k = r.randrange(23 if depth < 2 else 12)
        if k == 0:
            bits, signed, name = r.choice([(64, True, "int"), (8, True, "int8"), (16, True, "int16"),
                                           (32, True, "int32"), (64, True, "int64")])
            return f"{name}({self.int_lit(bits, signed)})"
        if k == 1:
            bits, name = r.choice([(64, "uint"), (8, "uint8"), (16, "uint16"), (32, "uint32"),
                                   (64, "uint64"), (64, "uintptr")])
            return f"{name}({self.int_lit(bits, False)})"
        if k == 2:
            return f"{self.int_lit(64, True)}"
        if k in (3, 4):
            t = r.choice(["float64", "float32", "float64"])
            f = self.float_lit()
            if t == "float32" and ("308" in f or "310" in f):
                f = "1.5"
            return f"{t}({f})"
        if k in (5, 6):
            return self.string_lit()
        if k == 7:
            return r.choice(["true", "false"])
        if k == 8:
            return r.choice(["nil", "errPlain", "Code(7)", "Celsius(21.5)"])
        if k == 9:
            return f"rune({r.choice([65, 0x263a, 0x10ffff + 1, -1, 10, 0x7f])})"
        if k == 10:
            if depth > 0:  # a pointer inside a composite prints its address
                return r.choice(["Boom{3}", "nilPS", "Wrap{1.5, 2.5}"])
            return r.choice(["Boom{3}", "nilPS", "&PS{\"x\"}", "Wrap{1.5, 2.5}"])
        if k == 11:
            return f"[]byte({self.string_lit()})"
        if k == 12:
            return "[]int{" + ", ".join(str(self.int_lit(16, True)) for _ in range(r.randrange(4))) + "}"
        if k == 13:
            return "[]string{" + ", ".join(self.string_lit() for _ in range(r.randrange(3))) + "}"
        if k == 14:
            return f"[3]int8{{{self.int_lit(8, True)}, {self.int_lit(8, True)}}}"
        if k == 15:
            return f"Point{{{self.int_lit(16, True)}, {self.int_lit(16, True)}, {self.string_lit()}}}"
        if k == 16 and depth == 0:
            return f"&Point{{X: {self.int_lit(8, True)}}}"
        if k == 16:
            return f"Point{{X: {self.int_lit(8, True)}}}"
        if k == 17:
            n = r.randrange(4)
            keys = r.sample(['"hello"', '""', '"a\\tb\\n"', '"日本語"', '"z"', '"B"'], n)
            return "map[string]int{" + ", ".join(f"{key}: {i}" for i, key in enumerate(keys)) + "}"
        if k == 18:
            n = r.randrange(5)
            keys = {self.int_lit(16, True) for _ in range(n)}
            return "map[int]string{" + ", ".join(f"{key}: {self.string_lit()}" for key in sorted(keys)) + "}"
        if k == 19:
            return (f"Outer{{P: Point{{1, 2, \"p\"}}, S: []string{{{self.string_lit()}}}, "
                    f"M: map[string]int{{\"b\": 2, \"a\": 1}}, Any: {self.value(depth + 1)}}}")
        if k == 20:
            return f"[]any{{{self.value(depth + 1)}, {self.value(depth + 1)}}}"
        if k == 21:
            return "[]Celsius{1, 2.25}"
        return f"map[Celsius]bool{{{r.choice(['0.5', '-2.25', '1e9', '7.0'])}: true, 1: false}}"

    def directive(self, nargs):
        r = self.r
        s = "%"
        for fl in "+-# 0":
            if r.random() < 0.15:
                s += fl
        uses = 0
        if r.random() < 0.1:
            s += f"[{r.randint(1, nargs + 1)}]"
        if r.random() < 0.3:
            s += str(r.randint(0, 12))
        elif r.random() < 0.05:
            s += "*"
            uses += 1
        if r.random() < 0.3:
            s += "." + (str(r.randint(0, 8)) if r.random() < 0.9 else "")
        s += r.choice(VERBS + ["T", "p" if False else "v", "z", "w"]) if r.random() < 0.1 else r.choice(VERBS)
        return s, uses + 1

    def test(self, k):
        r = self.r
        kind = r.randrange(10)
        if kind == 0:
            args = [self.value() for _ in range(r.randrange(1, 4))]
            return f'\tfmt.Print({", ".join(args)})\n\tfmt.Println()'
        if kind == 1:
            args = [self.value() for _ in range(r.randrange(0, 4))]
            return f'\tfmt.Println({", ".join(args)})'
        nd = r.randrange(1, 4)
        parts, nargs = [], 0
        for _ in range(nd):
            d, n = self.directive(nd)
            parts.append(d)
            nargs += n
        if r.random() < 0.1:
            nargs += r.choice([-1, 1])
        nargs = max(0, nargs)
        args = []
        for i in range(nargs):
            args.append(str(r.randint(-3, 12)) if r.random() < 0.1 else self.value())
        fmtstr = "<" + "|".join(parts) + ">"
        call = f'fmt.Sprintf("{fmtstr}"' + "".join(", " + a for a in args) + ")"
        return f'\tfmt.Println({k}, {call})'


def source(k, tests):
    return PRELUDE + "\nfunc main() {\n" + "\n".join(tests) + "\n}\n"


def count_failed(tests, ref, bad):
    """The differing lines count as failed tests (one line per test)."""
    o = bad[0][1]
    rl, ol = ref[1].splitlines(), o[1].splitlines()
    nbad = sum(1 for i in range(max(len(rl), len(ol)))
               if (rl[i] if i < len(rl) else None) != (ol[i] if i < len(ol) else None))
    return min(max(nbad, 1), len(tests))


def main():
    ap = genharness.parser(__doc__, count=400, per_file=200)
    args = genharness.parse(ap)
    rng = random.Random(args.seed)
    gen = Gen(rng)
    programs = [[gen.test(k * 1000 + i) for i in range(n)]
                for k, n in enumerate(genharness.program_sizes(args))]
    return genharness.run(args, "fmtgen", programs, source, len, opts=("-O2",), binary=True,
                          count_failed=count_failed,
                          report=lambda k, p, bad, ref: genharness.default_report(
                              k, p, bad, ref, trunc=300))


if __name__ == "__main__":
    sys.exit(main())
