#!/usr/bin/env python3
"""Writes a big GL (Go) program to stdout, for lit tests of long chains,
deep nesting and big literals that are too large to check in.

    gen.py KIND N

Chains (one term per line where Go allows, so a diagnostic's source line
stays short):
  add     y := x + x + ... (N terms of an int)          prints N
  land    y := x && x && ... (N terms of a bool)        prints true
  const   y := 1 + 1 + ... (N untyped constants)        prints N
  sel     t.p.p....p.v (N selectors through *T)         prints 7
  idx     s[0][0]...[0] (N indexes of type S []S)       prints 1
  paren   ((...(x)...)) N deep                          (rejected past 1000)
Literals (N elements):
  arrlit  a global and a local [N]int literal, and a struct literal
  slicelit a []int literal evaluated in a loop, mutated each time
  mixlit  an [N]int literal with a few non-constant elements
"""
import sys


def chain(kind, n):
    if kind == "add":
        return "x := 1\n\ty := " + " +\n\t\t".join(["x"] * n) + "\n\tprintln(y)"
    if kind == "land":
        return "x := true\n\ty := " + " &&\n\t\t".join(["x"] * n) + "\n\tprintln(y)"
    if kind == "const":
        return "y := " + " +\n\t\t".join(["1"] * n) + "\n\tprintln(y)"
    if kind == "sel":
        return "t := &T{v: 7}\n\tt.p = t\n\tprintln(t." + "p.\n\t\t" * n + "v)"
    if kind == "idx":
        return "s := S{nil}\n\ts[0] = s\n\tprintln(len(s" + "[0]" * n + "))"
    if kind == "paren":
        return "x := 1\n\tprintln(" + "(" * n + "x" + ")" * n + ")"
    raise SystemExit("unknown kind " + kind)


def lit_elems(n, f):
    lines = []
    for i in range(0, n, 16):
        lines.append("\t" + " ".join(f(j) + "," for j in range(i, min(n, i + 16))))
    return "\n".join(lines)


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    out = ["package main", ""]
    if kind in ("add", "land", "const", "sel", "idx", "paren"):
        out += ["type T struct {", "\tp *T", "\tv int", "}", "", "type S []S", "",
                "func main() {", "\t" + chain(kind, n), "}"]
    elif kind == "arrlit":
        # Every element differs (i*7%1000), so the data cannot be folded
        # into a splat; the sums tell whether every element arrived.
        elems = lit_elems(n, lambda j: str(j * 7 % 1000))
        out += ["var g = [%d]int{" % n, elems, "}", "",
                "type P struct {", "\ta [%d]int" % n, "\ts string", "\tf float64", "\tb bool", "}", "",
                "func sum(a *[%d]int) int {" % n, "\ts := 0", "\tfor _, v := range a {",
                "\t\ts += v", "\t}", "\treturn s", "}", "",
                "func main() {", "\tl := [%d]int{" % n, elems, "\t}",
                "\tp := P{a: [%d]int{1: 5, 7}, s: \"str\", f: 2.5, b: true}" % n,
                "\tprintln(sum(&g), sum(&l), g[%d], l[%d], sum(&p.a), p.a[2], p.s, p.f, p.b)" % (n - 1, n - 1),
                "\tl[0] = 99",
                "\tm := [%d]int{" % n, elems, "\t}",
                "\tprintln(l[0], m[0], g[1], m[1])",
                "}"]
    elif kind == "slicelit":
        # Every evaluation of a slice literal makes a new backing array:
        # the writes of one iteration must not show in the next.
        elems = lit_elems(n, lambda j: str(j % 1000))
        out += ["func main() {", "\tvar keep [][]int", "\tfor i := 0; i < 3; i++ {",
                "\t\ts := []int{", elems.replace("\t", "\t\t\t"), "\t\t}",
                "\t\tprintln(i, len(s), cap(s), s[0], s[1], s[%d])" % (n - 1),
                "\t\ts[0] = 100 + i", "\t\ts[%d] = -i" % (n - 1), "\t\tkeep = append(keep, s)", "\t}",
                "\tprintln(keep[0][0], keep[1][0], keep[2][0], keep[0][%d], keep[2][%d])" % (n - 1, n - 1),
                "\tss := []string{\"a\", \"bc\", \"\", \"d\"}",
                "\tbs := []bool{true, false, true}",
                "\tfs := []float64{1.5, -2, 0}",
                "\tps := []*int{nil, nil}",
                "\tprintln(len(ss), ss[1], ss[3], bs[0], bs[1], fs[0], fs[1], ps[1] == nil)",
                "}"]
    elif kind == "mixlit":
        # Constant elements everywhere except every 1000th, a call.
        def e(j):
            return "f(%d)" % j if j % 1000 == 0 else str(j % 100)
        elems = lit_elems(n, e)
        out += ["var calls int", "",
                "func f(i int) int {", "\tcalls++", "\treturn i + 1", "}", "",
                "func main() {", "\ta := [%d]int{" % n, elems, "\t}",
                "\ts := []int{", elems, "\t}",
                "\tt := 0",
                "\tfor i := range a {", "\t\tt += a[i] + s[i]", "\t}",
                "\tprintln(calls, t, a[0], a[1], a[1000], s[2000], s[%d])" % (n - 1),
                "}"]
    else:
        raise SystemExit("unknown kind " + kind)
    print("\n".join(out))


main()
