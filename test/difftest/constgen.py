#!/usr/bin/env python3
"""Random constant-expression test: untyped constant arithmetic vs go1.19.

Go's untyped constants are exact (integers of at least 256 bits, floats
with at least 256-bit mantissas: gc keeps exact rationals); a constant is
rounded only when it is converted to a typed float (to nearest, ties to
even, once, from the exact value) and must fit when converted to a typed
integer. Each generated test declares `const c = <random expression>` over
int, rune, decimal, hexadecimal and huge/tiny float literals with + - * /
% & | ^ &^ << >>, unary - and ^, parentheses, and typed float32/float64
constants; it then prints the value exactly: integers (directly when they fit
int64, else their residues and shifted parts), floats as float64 and float32
mantissa/exponent pairs computed at run time (`fb`, exact float arithmetic),
comparisons between the constants, and conversions of integers to floats.

Python's Fraction evaluates each expression first, only to keep the programs
legal (no division by zero, no integer beyond gc's 512 bits, no float that
overflows its conversion); the reference for every printed value is go1.19.

--count tests from --seed are packed --per-file to a program, built by go1.19
and by glc (-O2 and -O0); outputs must be identical. Prints one line per
program, then "N passed, N failed" (tests). Exit status 1 iff something failed.

    python3 test/difftest/constgen.py --glc build/bin/glc --seed 1 --count 400
    python3 test/difftest/constgen.py --seed 7 --count 50 --keep /tmp/kg   # keep sources
"""
import os
import random
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genharness  # noqa: E402  (the build/run/compare loop)

PRELUDE = """package main

// fb prints x exactly: sign, 53-bit integer mantissa m and exponent e with
// |x| = m * 2^e (every step is exact float64 arithmetic); 0 as "0", with
// the sign of a zero told by 1/x.
func fb(x float64) {
	if x == 0 {
		println("0", 1/x)
		return
	}
	neg := x < 0
	if neg {
		x = -x
	}
	e := 0
	for x >= 1<<53 {
		x /= 2
		e++
	}
	for x < 1<<52 {
		x *= 2
		e--
	}
	println(neg, int64(x), e)
}

func fb32(x float32) { fb(float64(x)) }
"""

MAX_INT = 1 << 480     # gc rejects untyped integers beyond 512 bits
F64_MAX = Fraction(2) ** 1023 * 1.9
F32_MAX = Fraction(3.4e38)


def go_quo(a, b):  # Go's truncated integer division
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


class Gen:
    def __init__(self, rng):
        self.rng = rng

    def leaf(self):
        r = self.rng
        k = r.randrange(14)
        if k < 3:
            v = r.choice([0, 1, 2, 3, 7, 10, 255, 1000, 1 << 20, 123456789])
            return str(v), Fraction(v), "int"
        if k == 3:
            v = r.choice([62, 63, 64, 100, 200, 300])
            return f"(1 << {v})", Fraction(1 << v), "int"
        if k == 4:
            v = r.randrange(1 << 64)
            return hex(v), Fraction(v), "int"
        if k == 5:
            c = r.choice("a0Z\u00e9\u4e16")
            return f"'{c}'", Fraction(ord(c)), "int"
        if k < 10:
            s = r.choice(["0.1", "0.2", "0.3", "0.5", "2.5", "1.0", "3.0", "1e10", "1e-5",
                          "123.456", "1e100", "1e-100", "0.7", "9.999999", "1.5e300",
                          "4.9e-324", "2.2250738585072014e-308", "1e-320", "3.4028235e38",
                          "1.401298464324817e-45", "0.33333333333333333333", "6.02214076e23",
                          "1e1000", "1e-1000", "1_000.000_1", ".25", "7."])
            return s, Fraction(s.replace("_", "")), "float"
        if k == 10:
            m = r.randrange(1, 1 << 60)
            e = r.randrange(-80, 80)
            return f"0x{m:x}p{e}", Fraction(m) * Fraction(2) ** e, "float"
        if k == 11:
            # A float just beside a float64 rounding boundary (halfway cases).
            m = (1 << 52) + r.randrange(1 << 52)
            e = r.randrange(-60, 60)
            s = r.choice([0, 1, -1])
            v = (Fraction(2 * m + 1) + Fraction(s, 1 << 40)) * Fraction(2) ** (e - 1)
            return f"(({2 * m + 1} + {s}.0/(1<<40)) * 0x1p{e - 1})", v, "float"
        if k == 12:
            m = (1 << 23) + r.randrange(1 << 23)
            e = r.randrange(-30, 30)
            v = Fraction(2 * m + 1) * Fraction(2) ** (e - 1)
            return f"({2 * m + 1} * 0x1p{e - 1})", v, "float"
        return "-0.0", Fraction(0), "float"

    def expr(self, depth):
        r = self.rng
        if depth == 0 or r.random() < 0.2:
            return self.leaf()
        for _ in range(20):
            x = self.expr(depth - 1)
            k = r.randrange(10)
            if k == 0:
                op = r.choice(["-", "+"] + (["^"] if x[2] == "int" else []))
                v = -x[1] if op == "-" else x[1] if op == "+" else Fraction(~int(x[1]))
                res = (f"({op} {x[0]})", v, x[2])
            elif k == 1 and x[2] == "int":
                s = r.randrange(0, 70)
                if r.random() < 0.5:
                    res = (f"({x[0]} << {s})", Fraction(int(x[1]) << s), "int")
                else:
                    res = (f"({x[0]} >> {s})", Fraction(int(x[1]) >> s), "int")
            else:
                y = self.expr(depth - 1)
                kind = "int" if x[2] == y[2] == "int" else "float"
                ops = ["+", "-", "*", "/"] + (["%", "&", "|", "^", "&^"] if kind == "int" else [])
                op = r.choice(ops)
                a, b = x[1], y[1]
                if op in "/%" and b == 0:
                    continue
                if op == "+": v = a + b
                elif op == "-": v = a - b
                elif op == "*": v = a * b
                elif op == "/": v = Fraction(go_quo(int(a), int(b))) if kind == "int" else a / b
                elif op == "%": v = Fraction(int(a) - go_quo(int(a), int(b)) * int(b))
                elif op == "&": v = Fraction(int(a) & int(b))
                elif op == "|": v = Fraction(int(a) | int(b))
                elif op == "^": v = Fraction(int(a) ^ int(b))
                else: v = Fraction(int(a) & ~int(b))
                res = (f"({x[0]} {op} {y[0]})", v, kind)
            v = res[1]
            if abs(v.numerator) >= MAX_INT and res[2] == "int":
                continue
            # Keep rationals small enough for both compilers' exact forms
            # and exponents within what float64 scaling below can show.
            if v != 0 and (abs(v) > Fraction(10) ** 1200 or abs(v) < Fraction(1, 10 ** 1200)):
                continue
            if max(v.numerator.bit_length(), v.denominator.bit_length()) > 3800:
                continue
            return res
        return self.leaf()

    def prints(self, name, v, kind):
        out = []
        if kind == "int":
            iv = int(v)
            if -(1 << 63) <= iv < (1 << 63):
                out.append(f"\tprintln(int64({name}))")
            else:
                out.append(f"\tprintln({name} % 1000000007, {name} >> 400, ({name} >> 200) & 0xffff)")
        if abs(v) < F64_MAX:
            out.append(f"\tfb({name})")
            if kind == "int":
                out.append(f"\tfb(float64({name}))")
        else:
            k = v.numerator.bit_length() - v.denominator.bit_length() - 1000
            out.append(f"\tfb({name} * 0x1p-{k})")
        if abs(v) < F32_MAX:
            out.append(f"\tfb32({name})")
        return out

    def test(self, n, depth):
        r = self.rng
        lines = [f"func t{n}() {{"]
        a = self.expr(depth)
        b = self.expr(depth)
        lines.append(f"\tconst a = {a[0]}")
        lines.append(f"\tconst b = {b[0]}")
        lines.append(f'\tprintln("t{n}", a == b, a < b, a >= b, a != b)')
        lines += self.prints("a", a[1], a[2])
        lines += self.prints("b", b[1], b[2])
        # An exact identity: both sides are equal as exact numbers.
        if b[1] != 0:
            lines.append(f"\tprintln(a*b/b == a, (a+b)-b == a, a/b*b == a)" if a[2] == "float" or b[2] == "float"
                         else "\tprintln((a+b)-b == a, a*b-a*b == 0)")
        # Typed constants: every operation's result is rounded to the type.
        if abs(a[1]) < Fraction(10) ** 15 and abs(b[1]) < Fraction(10) ** 15 and \
                (a[1] == 0 or abs(a[1]) > Fraction(1, 10 ** 15)):
            t = r.choice(["float64", "float32"])
            f = "fb" if t == "float64" else "fb32"
            lines.append(f"\tconst ta {t} = a")
            if b[1] != 0 and (abs(b[1]) > Fraction(1, 10 ** 15)):
                lines.append(f"\t{f}(ta * b)")
                lines.append(f"\t{f}(ta / b)")
                lines.append(f"\t{f}(ta + b - ta)")
        lines.append("}")
        return "\n".join(lines)


def source(k, tests):
    return PRELUDE + "\n" + "\n\n".join(tests) + "\n\nfunc main() {\n" + \
        "".join(f"\tt{k * 1000 + i}()\n" for i in range(len(tests))) + "}\n"


def main():
    ap = genharness.parser(__doc__, count=400, per_file=200)
    ap.add_argument("--depth", type=int, default=3, help="expression nesting depth")
    args = genharness.parse(ap)
    rng = random.Random(args.seed)
    gen = Gen(rng)
    programs = [[gen.test(k * 1000 + i, args.depth) for i in range(n)]
                for k, n in enumerate(genharness.program_sizes(args))]
    return genharness.run(args, "constgen", programs, source, len,
                          report=lambda k, p, bad, ref: genharness.default_report(
                              k, p, bad, ref, trunc=300))


if __name__ == "__main__":
    sys.exit(main())
