#!/usr/bin/env python3
"""Random comparison test: == on structs, arrays and interfaces, vs go1.19.

Each program declares random named types (structs and arrays nesting int,
string, float64, interface{}, struct{}, [0]int and earlier types) and
tests that build two values of one type, the second a random mutation of
the first, and compare them in one of several ways: directly (== and !=),
boxed in interface{} on one or both sides, inside arrays, as an expression
switch's tag against concrete and interface cases, as map[interface{}]
keys, and through the arguments of a deferred or go'd call of a variadic
func(args ...interface{}) in a loop. Interface components hold ints,
strings, NaN, nil, struct{}{}, values of other generated types and
uncomparable []int, so Go's order matters: a comparison stops at the
first differing component, and panics (comparing uncomparable type
[]int / hash of unhashable type) only when it reaches an uncomparable
value whose dynamic types are equal. NaN is never equal to itself. Every
test recovers and prints its panic, so one program runs all its tests.

--count tests are generated from --seed and packed --per-file to a
program, built by go1.19 and by glc at -O2 and -O0; outputs (stdout,
stderr, exit status) must be identical. Prints one line per program, then
"N passed, N failed" (tests). Exit status 1 iff something failed.

    python3 test/difftest/cmpgen.py --glc build/bin/glc --seed 1 --count 300
    python3 test/difftest/cmpgen.py --seed 7 --count 50 --keep /tmp/cmp   # keep sources
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genharness  # noqa: E402  (the build/run/compare loop)

PRELUDE = """package main

var zero float64
var nan = zero / zero

type E struct{}

func show(k int, args ...interface{}) {
	println(k, len(args), args[0] == args[1])
}

func try(name string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			println(name, "panic:", r.(error).Error())
		}
	}()
	f()
}
"""

LEAVES = ["int", "string", "float64", "interface{}", "E", "[0]int"]


class Gen:
    def __init__(self, rng, ntypes):
        self.rng = rng
        self.types = []  # (name, kind, parts): kind "struct" (fields) or "array" (elem, n)
        for i in range(ntypes):
            self.types.append(self.mktype(i))

    def comp(self, i):
        r = self.rng
        if i > 0 and r.random() < 0.3:
            return f"T{r.randrange(i)}"
        return r.choice(LEAVES)

    def mktype(self, i):
        r = self.rng
        if r.random() < 0.6:
            n = r.randint(1, 4)
            names = [f"f{j}" if r.random() < 0.85 else "_" for j in range(n)]
            return (f"T{i}", "struct", [(nm, self.comp(i)) for nm in names])
        return (f"T{i}", "array", (self.comp(i), r.randint(0, 3)))

    def decls(self):
        out = []
        for name, kind, parts in self.types:
            if kind == "struct":
                fields = "; ".join(f"{nm} {t}" for nm, t in parts)
                out.append(f"type {name} struct{{ {fields} }}")
            else:
                elem, n = parts
                out.append(f"type {name} [{n}]{elem}")
        return "\n".join(out)

    def tdef(self, t):
        for d in self.types:
            if d[0] == t:
                return d
        return None

    # A value is a tree: ("lit", text) for leaves, ("agg", type, [children]).
    def value(self, t, depth=0):
        r = self.rng
        if t == "int":
            return ("lit", str(r.choice([0, 1, 2, -1])))
        if t == "string":
            return ("lit", r.choice(['""', '"a"', '"b"', '"ab"']))
        if t == "float64":
            return ("lit", r.choice(["0.5", "1.0", "nan", "-zero"]))
        if t == "E":
            return ("lit", "E{}")
        if t == "[0]int":
            return ("lit", "[0]int{}")
        if t == "interface{}":
            choices = ["1", "2", '"a"', "nan", "nil", "E{}", "[]int(nil)", "0.5", "int8(1)"]
            if depth < 2 and self.types and r.random() < 0.25:
                sub = r.choice(self.types)[0]
                return ("agg", sub, self.value(sub, depth + 1)[2], True)
            return ("lit", r.choice(choices))
        d = self.tdef(t)
        if d[1] == "struct":
            return ("agg", t, [self.value(ft, depth + 1) for _, ft in d[2]])
        elem, n = d[2]
        return ("agg", t, [self.value(elem, depth + 1) for _ in range(n)])

    def mutate(self, v, t):
        """A copy of v with each leaf changed with a small probability."""
        r = self.rng
        if v[0] == "lit":
            if r.random() < 0.25:
                return self.value(t)
            return v
        d = self.tdef(v[1])
        if d[1] == "struct":
            kids = [self.mutate(k, ft) for k, (_, ft) in zip(v[2], d[2])]
        else:
            kids = [self.mutate(k, d[2][0]) for k in v[2]]
        return (v[0], v[1], kids) + v[3:]

    def render(self, v):
        if v[0] == "lit":
            return v[1]
        return f"{v[1]}{{" + ", ".join(self.render(k) for k in v[2]) + "}"

    def test(self, k):
        r = self.rng
        name, kind, parts = r.choice(self.types)
        a = self.value(name)
        b = self.mutate(a, name) if r.random() < 0.8 else self.value(name)
        sa, sb = self.render(a), self.render(b)
        form = r.randrange(9)
        body = [f"\ta := {sa}", f"\tb := {sb}"]
        if form == 0:
            body.append(f'\tprintln("t{k}", a == b, a != b, a == a)')
        elif form == 1:
            body.append(f'\tprintln("t{k}", interface{{}}(a) == interface{{}}(b), interface{{}}(b) != interface{{}}(a))')
        elif form == 2:
            body.append(f'\tvar i interface{{}} = b\n\tprintln("t{k}", a == i, i == a, i != a)')
        elif form == 3:
            body.append(f'\tx, y := [2]{name}{{a, b}}, [2]{name}{{a, a}}\n\tprintln("t{k}", x == y, x != y)')
        elif form == 4:
            body.append(f'\tswitch a {{\n\tcase b:\n\t\tprintln("t{k} b")\n\tdefault:\n\t\tprintln("t{k} default")\n\t}}')
        elif form == 5:
            body.append(f'\tvar i interface{{}} = b\n\tswitch a {{\n\tcase i:\n\t\tprintln("t{k} i")\n\tcase a:\n\t\tprintln("t{k} a")\n\t}}')
        elif form == 6:
            body.append(f'\tm := map[interface{{}}]int{{}}\n\tm[a] = 1\n\tv, ok := m[b]\n\tprintln("t{k}", v, ok, len(m))')
        elif form == 7:
            body.append(f'\tfor j := 0; j < 2; j++ {{\n\t\tdefer show({k}*10+j, a, b)\n\t}}\n\tprintln("t{k} deferring")')
        else:
            body.append(f'\tc := make(chan bool)\n\tfor j := 0; j < 2; j++ {{\n\t\tgo func(args ...interface{{}}) {{\n'
                        f'\t\t\tdefer func() {{ c <- recover() == nil }}()\n'
                        f'\t\t\tprintln("t{k} go", args[0] == args[1])\n\t\t}}(a, b)\n\t\tprintln(<-c)\n\t}}')
        fn = "\n".join("\t" + line for line in "\n".join(body).split("\n"))
        return f'func t{k}() {{\n\ttry("t{k}", func() {{\n{fn}\n\t}})\n}}'


def source(k, prog):
    decls, tests = prog
    return PRELUDE + "\n" + decls + "\n\n" + "\n\n".join(tests) + "\n\nfunc main() {\n" + \
        "".join(f"\tt{k * 1000 + i}()\n" for i in range(len(tests))) + "}\n"


def main():
    ap = genharness.parser(__doc__, count=300, per_file=75)
    ap.add_argument("--types", type=int, default=8, help="named types per program")
    args = genharness.parse(ap)
    rng = random.Random(args.seed)
    programs = []
    for k, n in enumerate(genharness.program_sizes(args)):
        gen = Gen(rng, args.types)
        programs.append((gen.decls(), [gen.test(k * 1000 + i) for i in range(n)]))
    return genharness.run(args, "cmpgen", programs, source, lambda p: len(p[1]))


if __name__ == "__main__":
    sys.exit(main())
