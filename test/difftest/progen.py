#!/usr/bin/env python3
"""Random program test: methods, interfaces, defer/panic/recover, maps, closures, goroutines, goto, init order, vs go1.19.

Each test is one of several families, its shape and constants drawn from
the seed; a program packs --per-file tests (each recovering and printing
its own panic) plus package-level variables initialised through a random
dependency graph and several init() functions, so Go's initialisation
order is checked too:

  methods    a chain of struct types embedding the previous one by value or
             by pointer, value- and pointer-receiver methods (some shadowing
             promoted ones), calls, method values bound before the receiver
             changes, method expressions, copies that share or do not share
             the embedded pointer, interfaces holding x or &x
  iface      named int/string/struct/pointer/slice/func types behind one
             interface (with an embedded interface): dynamic calls, type
             switches (multi-type cases, nil, interface cases), assertions
             with and without ok, == between them (Go's panic for
             uncomparable dynamic types), nil versus a typed nil
  defer      a chain of functions with named results: defers that change
             them, defers in loops, recover at random depths, panics in
             deferred calls (Go's chain of panics), runtime errors (index,
             divide, nil map, nil pointer, failed assertion) as panics,
             runtime.Goexit in a goroutine running its defers
  maps       keys of kind int, string, float64 (NaN, +0/-0), bool, arrays,
             structs and interface{}; inserts, lookups, deletes, growth to
             thousands of entries, delete and insert during range, nil maps,
             unhashable interface keys; printed in sorted order only
  closures   closures capturing loop variables (go1.19: one variable per
             loop), per-iteration copies, counters, deferred and go'd closures
  goto       loops built from labels and goto, labelled break/continue
             through switch and nested loops
  misc       methods on named slices and arrays, big map values, nested
             maps, nil embedded pointers, arrays of interfaces
  conc       worker pools, a mutex-guarded map, Goexit, sync.Once, select
  conv       implicit conversions to interfaces at every assignment site

main calls each test directly, on a new goroutine (inG), or up to 300
frames down (deep), so defers, panics and recovers meet stack segment
boundaries at varying depths; one program in seven ends in an uncaught
panic, os.Exit or Goexit. Only what is deterministic is printed. The
normaliser cuts an uncaught panic's output after its "goroutine N
[running]:" line (paths and offsets differ).

--count tests are packed --per-file to a program, built by go1.19 and by
glc at -O2 and -O0. glc's -O0 build also runs with GOMAXPROCS=1, its -O2
build with GOMAXPROCS=4 and, for --stress-share of the programs, under
GODEBUG=gcstress=1,gcpoison=1 (a collection at every allocation, freed
memory poisoned). Every run must print what go's build did (stdout,
stderr, exit status). Prints one line per program, then "N passed, N
failed" (tests). Exit status 1 iff something failed.

    python3 test/difftest/progen.py --glc build/bin/glc --seed 1 --count 120
    python3 test/difftest/progen.py --seed 7 --count 20 --keep /tmp/pg   # keep sources
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genharness  # noqa: E402  (the build/run/compare loop)

PRELUDE = """package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
)

var _ = os.Exit
var _ = runtime.Gosched
var _ = sort.Ints
var _ sync.Mutex

var zero float64
var nan = zero / zero
var izero int

func desc(v interface{}) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case runtime.Error:
		return "runtime.Error:" + x.Error()
	case error:
		return "error:" + x.Error()
	case string:
		return "string:" + x
	case int:
		return fmt.Sprint("int:", x)
	}
	return fmt.Sprintf("%T:%v", v, v)
}

func try(name string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			println(name, "panic:", desc(r))
		}
	}()
	f()
}

// inG runs f on a new goroutine (a fresh, small stack) and waits; deep
// runs f n frames down, so stack segment boundaries fall at varying
// depths under f's defers and panics.
func inG(f func()) {
	c := make(chan bool)
	go func() {
		defer close(c)
		f()
	}()
	<-c
}

func deep(n int, f func()) {
	var pad [16]int
	pad[n%16] = n
	if n == 0 {
		f()
		return
	}
	deep(n-1, f)
	if pad[n%16] != n {
		panic("pad")
	}
}

type myErr struct{ code int }

func (e *myErr) Error() string { return fmt.Sprint("myErr ", e.code) }
func (e myErr) Code() int       { return e.code }

type myInt int

func (v myInt) Show(s string) { println(s, int(v)) }

type myStr string

func (v myStr) String() string { return "myStr<" + string(v) + ">" }
"""


def normalise(text):
    """An uncaught panic's output up to its 'goroutine N [running]:' line."""
    lines = text.splitlines()
    for i, ln in enumerate(lines):
        if ln.startswith("goroutine ") and ln.endswith(":"):
            return "\n".join(lines[:i + 1])
    return text


def blk(stmts):
    """stmts in a block of their own (so their := names are theirs)."""
    return "{\n" + "\n".join("\t" + ln if ln else ln for ln in stmts.split("\n")) + "\n}"


class Gen:
    def __init__(self, rng):
        self.r = rng

    def ind(self, body, n=1):
        return "\n".join(("\t" * n + ln) if ln else ln for ln in body.split("\n"))

    # ---------------------------------------------------------------- methods
    def methods(self, k):
        r = self.r
        depth = r.randint(1, 4)
        decls = []
        # L0 is the base; level j embeds level j-1 by value or pointer.
        ptr = [False] + [r.random() < 0.5 for _ in range(depth)]
        decls.append(f"type L0_{k} struct{{ n int; s string }}\n"
                     f"func (b L0_{k}) Get() int {{ return b.n }}\n"
                     f"func (b *L0_{k}) Inc(d int) {{ b.n += d; b.s += \"+\" }}\n"
                     f"func (b L0_{k}) Name() string {{ return \"L0:\" + b.s }}")
        shadow = {}
        for j in range(1, depth + 1):
            emb = ("*" if ptr[j] else "") + f"L{j - 1}_{k}"
            decls.append(f"type L{j}_{k} struct{{ {emb}; v{j} int }}")
            if r.random() < 0.3:
                shadow[j] = True
                decls.append(f"func (x L{j}_{k}) Name() string {{ return fmt.Sprint(\"L{j}:\", x.v{j}) }}")
            if r.random() < 0.2:
                decls.append(f"func (x *L{j}_{k}) Bump() {{ x.v{j}++ }}")
                shadow.setdefault(("bump", j), True)
        decls.append(f"type G{k} interface{{ Get() int; Name() string }}\n"
                     f"type GI{k} interface{{ G{k}; Inc(int) }}")

        def lit(j):
            if j == 0:
                return f"L0_{k}{{n: {r.randint(0, 9)}, s: \"b\"}}"
            inner = lit(j - 1)
            if ptr[j]:
                inner = "&" + inner
            return f"L{j}_{k}{{{inner}, {r.randint(0, 9)}}}"

        # path from the top to L0, as selectors
        path = "".join(f".L{j - 1}_{k}" for j in range(depth, 0, -1))
        body = [f"x := {lit(depth)}"]
        anyptr = any(ptr[1:])
        for i in range(r.randint(3, 9)):
            c = r.randint(1, 5)
            op = r.randrange(11)
            if op == 0:
                body.append(f"x.Inc({c})\nprintln(\"inc\", x.Get(), x.Name())")
            elif op == 1:
                body.append(f"f := x.Get\nx.Inc({c})\nprintln(\"mv\", f(), x.Get())")
            elif op == 2:
                body.append(f"g := x.Inc\ng({c})\nprintln(\"mvp\", x.Get(), x{path}.s)")
            elif op == 3:
                p0 = f"x{path}" if ptr[1] else f"&x{path}"
                body.append(f"println(\"mexpr\", L0_{k}.Get(*{p0}), (*L0_{k}).Get({p0}))\n"
                            f"(*L0_{k}).Inc({p0}, {c})\nprintln(\"mexpr2\", x.Get())")
            elif op == 4:
                body.append(f"y := x\ny.Inc({c})\nprintln(\"copy\", x.Get(), y.Get(), x.Name() == y.Name())")
            elif op == 5:
                body.append(f"var i G{k} = x\nx.Inc({c})\nprintln(\"iv\", i.Get(), i.Name(), x.Get())")
            elif op == 6:
                body.append(f"var i GI{k} = &x\ni.Inc({c})\nprintln(\"ip\", i.Get(), x.Get(), i.Name())")
            elif op == 7:
                body.append(f"h := (*L{depth}_{k}).Inc\nh(&x, {c})\nh2 := L{depth}_{k}.Name\n"
                            f"println(\"mexpr3\", x.Get(), h2(x))")
            elif op == 8:
                if anyptr:
                    body.append(f"var i GI{k} = x\ni.Inc({c})\nprintln(\"ivp\", i.Get(), x.Get())")
                else:
                    body.append(f"p := &x\np.Inc({c})\nprintln(\"pp\", p.Get(), (*p).Name())")
            elif op == 9:
                body.append(f"fs := []func() int{{}}\nfor j := 0; j < 3; j++ {{\n\tx.Inc(j)\n\tfs = append(fs, x.Get)\n}}\n"
                            f"for _, f := range fs {{\n\tprint(f(), \" \")\n}}\nprintln()")
            else:
                bumps = [j for j in range(1, depth + 1) if ("bump", j) in shadow]
                if bumps:
                    j = r.choice(bumps)
                    path_j = "".join(f".L{m - 1}_{k}" for m in range(depth, j, -1))
                    body.append(f"x{path_j}.Bump()\nb := x{path_j}.Bump\nb()\nprintln(\"bump\", x{path_j}.v{j})")
                else:
                    body.append(f"println(\"name\", x.Name(), x{path}.Name())")
        return decls, "\n".join(body[:1] + [blk(b) for b in body[1:]])

    # ---------------------------------------------------------------- iface
    def iface(self, k):
        r = self.r
        decls = [f"type Namer{k} interface{{ Name() string }}",
                 f"type Sh{k} interface{{ Namer{k}; Area() int }}",
                 f"type In{k} int\nfunc (v In{k}) Name() string {{ return fmt.Sprint(\"In\", int(v)) }}\n"
                 f"func (v In{k}) Area() int {{ return int(v) * 2 }}",
                 f"type St{k} string\nfunc (v St{k}) Name() string {{ return \"St\" + string(v) }}\n"
                 f"func (v St{k}) Area() int {{ return len(v) }}",
                 f"type Rc{k} struct{{ w, h int }}\nfunc (v Rc{k}) Name() string {{ return fmt.Sprint(\"Rc\", v.w, v.h) }}\n"
                 f"func (v Rc{k}) Area() int {{ return v.w * v.h }}",
                 f"type Pt{k} struct{{ n int }}\nfunc (v *Pt{k}) Name() string {{ if v == nil {{ return \"Pt(nil)\" }}; return fmt.Sprint(\"Pt\", v.n) }}\n"
                 f"func (v *Pt{k}) Area() int {{ return v.n }}",
                 f"type Sl{k} []int\nfunc (v Sl{k}) Name() string {{ return fmt.Sprint(\"Sl\", len(v)) }}\n"
                 f"func (v Sl{k}) Area() int {{ s := 0; for _, x := range v {{ s += x }}; return s }}",
                 f"type Fn{k} func() int\nfunc (v Fn{k}) Name() string {{ return \"Fn\" }}\n"
                 f"func (v Fn{k}) Area() int {{ return v() }}"]
        vals = []
        for _ in range(r.randint(3, 7)):
            c = r.randint(0, 4)
            vals.append(r.choice([f"In{k}({c})", f"St{k}(\"{'x' * c}\")", f"Rc{k}{{{c}, {c + 1}}}",
                                  f"&Pt{k}{{{c}}}", f"(*Pt{k})(nil)", f"Sl{k}{{{', '.join(map(str, range(c)))}}}",
                                  f"Fn{k}(func() int {{ return {c} }})", "nil", f"In{k}({c})", f"Rc{k}{{{c}, 1}}"]))
        body = [f"xs := []Sh{k}{{{', '.join(vals)}}}"]
        decls.append(f"type Wr{k} struct{{ Sh{k}; tag int }}\n"
                     f"func (w Wr{k}) Area() int {{ return w.Sh{k}.Area() + w.tag }}")
        op = r.sample(range(10), r.randint(2, 6))
        for o in op:
            if o == 0:
                body.append(f"for i, s := range xs {{\n\tif s == nil {{\n\t\tprintln(i, \"nil\")\n\t\tcontinue\n\t}}\n"
                            f"\tprintln(i, s.Name(), s.Area())\n}}")
            elif o == 1:
                cases = r.sample([f"case In{k}, St{k}:\n\tprintln(\"is\", v.Name())",
                                  f"case Rc{k}:\n\tprintln(\"rc\", v.w, v.h)",
                                  f"case *Pt{k}:\n\tprintln(\"pt\", v == nil)",
                                  "case nil:\n\tprintln(\"nil case\")",
                                  f"case Sl{k}:\n\tprintln(\"sl\", len(v))",
                                  f"case Namer{k}:\n\tprintln(\"namer\", v.Name())"], r.randint(2, 6))
                sw = "\n".join(cases)
                body.append(f"for _, s := range xs {{\n\tswitch v := s.(type) {{\n{self.ind(sw, 1)}\n\tdefault:\n"
                            f"\t\t_ = v\n\t\tprintln(\"default\")\n\t}}\n}}")
            elif o == 2:
                t = r.choice([f"In{k}", f"Rc{k}", f"*Pt{k}", f"St{k}"])
                body.append(f"for i, s := range xs {{\n\t_, ok := s.({t})\n\tvar n Namer{k} = s\n"
                            f"\t_, ok2 := n.(Sh{k})\n\tprintln(\"as\", i, ok, ok2, n == nil)\n}}")
            elif o == 3:
                i, j = r.randrange(len(vals)), r.randrange(len(vals))
                body.append(f"try(\"cmp{k}\", func() {{ println(\"eq\", xs[{i}] == xs[{j}], xs[{i}] != xs[{j}]) }})")
            elif o == 4:
                t = r.choice([f"In{k}", f"Rc{k}", f"*Pt{k}", f"Sl{k}"])
                i = r.randrange(len(vals))
                body.append(f"try(\"assert{k}\", func() {{ v := xs[{i}].({t}); println(\"got\", v.Name()) }})")
            elif o == 5:
                body.append(f"var p *Pt{k}\nvar s Sh{k} = p\nvar e interface{{}} = s\n"
                            f"println(\"typednil\", s == nil, e == nil, s.Name(), e.(Namer{k}).Name())\n"
                            f"try(\"nilarea{k}\", func() {{ println(s.Area()) }})")
            elif o == 7:
                i = r.randrange(len(vals))
                body.append(f"try(\"emb{k}\", func() {{\n\tw := Wr{k}{{xs[{i}], {i}}}\n\tvar s Sh{k} = w\n"
                            f"\tprintln(\"wrap\", s.Name(), s.Area(), w.Sh{k} == xs[{i}])\n}})")
            elif o == 8:
                body.append(f"fs := []func() string{{}}\nfor _, s := range xs {{\n\tif s != nil {{\n\t\tfs = append(fs, s.Name)\n\t}}\n}}\n"
                            f"xs[0] = In{k}(99)\nfor _, f := range fs {{\n\tprint(f(), \" \")\n}}\nprintln()\n"
                            f"an := Sh{k}.Area\nnm := Namer{k}.Name\nprintln(\"ifexpr\", an(xs[0]), nm(xs[0]))")
            elif o == 9:
                body.append(f"var e interface{{}} = xs\nif ys, ok := e.([]Sh{k}); ok {{\n\tprintln(\"slice\", len(ys))\n}}\n"
                            f"var n Namer{k}\nfor _, s := range xs {{\n\tn = s\n\tif n != nil {{\n\t\tif sh, ok := n.(Sh{k}); ok {{\n"
                            f"\t\t\tprint(sh.Area(), \" \")\n\t\t}}\n\t}}\n}}\nprintln()")
            else:
                body.append(f"m := map[Namer{k}]int{{}}\nfor i, s := range xs {{\n\tif s == nil {{ continue }}\n"
                            f"\tif _, ok := s.(Sl{k}); ok {{ continue }}\n\tif _, ok := s.(Fn{k}); ok {{ continue }}\n"
                            f"\tm[s] += i + 1\n}}\nks := []string{{}}\nfor n, v := range m {{\n"
                            f"\tks = append(ks, fmt.Sprint(n.Name(), \"=\", v))\n}}\nsort.Strings(ks)\nprintln(\"imap\", len(m), fmt.Sprint(ks))")
        return decls, "\n".join(body[:1] + [blk(b) for b in body[1:]])

    # ---------------------------------------------------------------- defer
    def panicval(self, k, j):
        r = self.r
        return r.choice([f"{j}", f"\"p{k}_{j}\"", f"&myErr{{{j}}}", f"fmt.Errorf(\"e%d\", {j})",
                         f"[2]int{{{j}, {j}}}", "nil", f"myInt({j})", f"myStr(\"s{j}\")"])

    def rterr(self):
        r = self.r
        return r.choice(["var a []int\n_ = a[izero+3]",
                         "r /= izero",
                         "var m map[string]int\nm[\"a\"] = 1",
                         "var p *struct{ x int }\nr += p.x",
                         "var e interface{} = \"s\"\nr += e.(int)",
                         "s := []int{1, 2}\nr += len(s[1:izero])",
                         "var p *myErr\nf := p.Code\nr += f()",
                         "var e error\ndefer e.Error()",
                         "var e error\nf := e.Error\nr += len(f())",
                         "var a [3]int\nr += a[izero+5]",
                         "var ch chan int\nclose(ch)",
                         "ch := make(chan int)\nclose(ch)\nclose(ch)",
                         "var f func() int\nr += f()",
                         "x := -1 + izero\ns := make([]int, x)\nr += len(s)"])

    def defer(self, k):
        r = self.r
        n = r.randint(2, 4)
        decls = []
        for j in range(n):
            st = []
            for _ in range(r.randint(2, 6)):
                c = r.randint(1, 9)
                o = r.randrange(16)
                if o == 0:
                    st.append(f"r += {c}")
                elif o == 1:
                    st.append(f"defer func() {{\n\tr = r*2 + {c}\n\tprintln(\"d{j}\", r)\n}}()")
                elif o == 2:
                    st.append(f"defer func() {{\n\tif e := recover(); e != nil {{\n\t\tprintln(\"rec{j}\", desc(e))\n"
                              f"\t\tr = {c}\n\t}} else {{\n\t\tprintln(\"norec{j}\")\n\t}}\n}}()")
                elif o == 3:
                    st.append(f"defer func() {{\n\tpanic({self.panicval(k, j * 10 + c)})\n}}()")
                elif o == 4:
                    st.append(f"defer println(\"dp{j}\", r)")
                elif o == 5:
                    st.append(f"for i := 0; i < {c % 4}; i++ {{\n\tdefer func(i int) {{\n\t\tr += i\n\t\tprintln(\"dl{j}\", i, r)\n\t}}(i)\n}}")
                elif o == 6 and j + 1 < n:
                    st.append(f"r += d{k}_{j + 1}()")
                elif o == 7:
                    st.append(f"if r > {c} {{\n\tpanic({self.panicval(k, j)})\n}}")
                elif o == 8:
                    st.append("{\n" + self.ind(self.rterr()) + "\n}")
                elif o == 9:
                    st.append(f"for i := 0; i < 3; i++ {{\n\tfunc() {{\n\t\tdefer func() {{\n\t\t\tprintln(\"loop{j}\", i, desc(recover()))\n\t\t}}()\n"
                              f"\t\tif i == {c % 3} {{\n\t\t\tpanic(i)\n\t\t}}\n\t}}()\n}}")
                elif o == 10:
                    st.append(f"if r%2 == 0 {{\n\treturn r + {c}\n}}")
                elif o == 11:
                    st.append(f"defer func() {{\n\tprintln(\"rd{j}\", desc(recover()))\n}}()")
                elif o == 12:  # recover not called directly by the deferred function: nil
                    st.append(f"defer func() {{\n\tfunc() {{\n\t\tprintln(\"indirect{j}\", desc(recover()))\n\t}}()\n}}()")
                elif o == 13:  # deferred method values: the receiver is evaluated at the defer
                    st.append(f"{{\n\tv := myInt({c})\n\tdefer v.Show(\"dm{j}\")\n\tv = 0\n\tpv := &v\n\tdefer pv.Show(\"dmp{j}\")\n\tv = {c + 1}\n}}")
                elif o == 15:  # the result set by return survives a panic in a later defer
                    st.append(f"defer func() {{\n\tprintln(\"late{j}\", desc(recover()))\n}}()\n"
                              f"defer func() {{\n\tpanic(\"late{j}\")\n}}()\nreturn r + {c}")
                else:  # a deferred closure that changes the result after a recovered panic
                    st.append(f"defer func() {{\n\tif recover() != nil {{\n\t\tr = -r\n\t}}\n}}()\npanic({self.panicval(k, j)})")
            if j + 1 < n and not any(f"d{k}_{j + 1}()" in s for s in st):
                st.append(f"r += d{k}_{j + 1}()")
            st.append("return")
            decls.append(f"func d{k}_{j}() (r int) {{\n{self.ind(chr(10).join(st))}\n}}")
        body = f"println(\"result\", d{k}_0())"
        if r.random() < 0.3:
            decls.append(f"func gx{k}(c chan int) {{\n\tdefer close(c)\n\tdefer func() {{ println(\"gx rec\", desc(recover())) }}()\n"
                         f"\tdefer println(\"gx deferred\")\n\tfunc() {{\n\t\tdefer println(\"gx inner\")\n"
                         f"\t\truntime.Goexit()\n\t}}()\n\tprintln(\"unreachable\")\n}}")
            body = f"c := make(chan int)\ngo gx{k}(c)\n<-c\nprintln(\"goexit done\")\n" + body
        return decls, body

    # ---------------------------------------------------------------- maps
    def maps(self, k):
        r = self.r
        kind = r.choice(["int", "string", "float64", "bool", "[2]int", "struct", "iface", "int8",
                         "fstruct", "big", "ifstruct"])
        vt = "int"
        decls = []
        if kind == "struct":
            decls.append(f"type K{k} struct{{ a int; b string }}")
            kt = f"K{k}"

            def key(i):
                return f"K{k}{{{i % 7}, \"{'ab'[i % 2]}\"}}"
            show = "fmt.Sprint(k.a, k.b)"
        elif kind == "fstruct":  # float fields: NaN never equal, +0 == -0
            decls.append(f"type K{k} struct{{ f float64; s string }}")
            kt = f"K{k}"

            def key(i):
                return f"K{k}{{{r.choice([str(i % 3), 'nan', 'zero', '-zero', '0.5'])}, \"{'xy'[i % 2]}\"}}"
            show = "fmt.Sprint(k.f, k.s)"
        elif kind == "big":  # keys over 128 bytes are stored indirectly by Go's map
            kt = "[20]int"

            def key(i):
                return f"[20]int{{{i % 5}, 19: {i % 3}}}"
            show = "fmt.Sprint(k[0], k[19])"
        elif kind == "ifstruct":  # a struct key holding an interface
            decls.append(f"type K{k} struct{{ a interface{{}}; b int }}")
            kt = f"K{k}"

            def key(i):
                a = r.choice([str(i % 3), "int8(1)", "nil", '"s"', "-zero", "zero", "[1]int{1}"])
                return f"K{k}{{{a}, {i % 2}}}"
            show = "fmt.Sprintf(\"%T:%v,%d\", k.a, k.a, k.b)"
        elif kind == "[2]int":
            kt = "[2]int"

            def key(i):
                return f"[2]int{{{i % 5}, {i % 3}}}"
            show = "fmt.Sprint(k[0], k[1])"
        elif kind == "float64":
            kt = "float64"

            def key(i):
                return r.choice([f"{i}.5", "nan", "zero", "-zero", f"{i % 4}.0", "1/(-zero+1)"])
            show = "fmt.Sprint(k)"
        elif kind == "iface":
            kt = "interface{}"

            def key(i):
                return r.choice([f"{i % 6}", f"int8({i % 6})", f"\"{i % 4}\"", f"{i % 3}.0", "nan",
                                 f"[2]int{{{i % 2}, 0}}", "struct{}{}", "true", "nil", "[]int(nil)" if r.random() < 0.1 else "1"])
            show = "fmt.Sprintf(\"%T:%v\", k, k)"
        elif kind == "bool":
            kt = "bool"

            def key(i):
                return r.choice(["true", "false"])
            show = "fmt.Sprint(k)"
        elif kind == "string":
            kt = "string"

            def key(i):
                return f"\"s{i % 37}\""
            show = "k"
        elif kind == "int8":
            kt = "int8"

            def key(i):
                return f"int8({(i * 37) % 256 - 128})"
            show = "fmt.Sprint(k)"
        else:
            kt = "int"

            def key(i):
                return f"{i * 7 % 101}"
            show = "fmt.Sprint(k)"
        gokey = {"int": "i*7%101", "string": "fmt.Sprint(\"s\", i%37)", "float64": "float64(i%50)/2",
                 "bool": "i%2 == 0", "[2]int": "[2]int{i % 5, i % 3}", "struct": f"K{k}{{i % 7, \"x\"}}",
                 "iface": "func() interface{} { if i%2 == 0 { return i % 5 }; return fmt.Sprint(i % 5) }()",
                 "int8": "int8(i)", "fstruct": f"K{k}{{float64(i%4) * 0.5, \"z\"}}",
                 "big": "[20]int{i % 50, 7: i % 11}", "ifstruct": f"K{k}{{i % 6, i % 2}}"}[kind]
        dump = (f"dump := func(tag string) {{\n\tks := []string{{}}\n\tfor k, v := range m {{\n"
                f"\t\tks = append(ks, {show}+\"=\"+fmt.Sprint(v))\n\t}}\n\tsort.Strings(ks)\n"
                f"\tprintln(tag, len(m), fmt.Sprint(ks))\n}}")
        body = [f"var m map[{kt}]int", "println(\"nil\", len(m), m[" + key(0) + "])",
                "for range m {\n\tprintln(\"never\")\n}", "delete(m, " + key(1) + ")"]
        if r.random() < 0.2:
            body.append(f"try(\"nilmap{k}\", func() {{ m[{key(2)}] = 1 }})")
        body.append(f"m = map[{kt}]int{{}}")
        body.append(dump)
        nfixed = len(body)
        for _ in range(r.randint(3, 8)):
            o = r.randrange(8)
            i = r.randint(0, 40)
            if o == 0:
                body.append(f"m[{key(i)}] = {i}\nm[{key(i + 1)}] += {i}")
            elif o == 1:
                body.append(f"v, ok := m[{key(i)}]\nprintln(\"get\", v, ok)")
            elif o == 2:
                body.append(f"delete(m, {key(i)})\ndump(\"del\")")
            elif o == 3:
                n = r.choice([10, 100, 1000, 3000])
                body.append(f"for i := 0; i < {n}; i++ {{\n\tm[{gokey}] += i\n}}\n"
                            f"sum := 0\nfor _, v := range m {{\n\tsum += v\n}}\nprintln(\"grow\", len(m), sum)")
            elif o == 4:
                body.append("for k := range m {\n\tdelete(m, k)\n}\ndump(\"clear\")")
            elif o == 5:
                body.append(f"n := 0\nfor k, v := range m {{\n\tif v%2 == 0 {{\n\t\tdelete(m, k)\n\t}}\n\tn++\n}}\nprintln(\"n\", n)\ndump(\"delodd\")")
            elif o == 6 and kind == "int":
                body.append("for k := range m {\n\tif k < 100000 {\n\t\tm[k+100000] = k\n\t}\n}\ndump(\"addrange\")")
            else:
                body.append(f"m[{key(i)}] = {i}\ndump(\"set\")")
        body = body[:nfixed] + [blk(b) for b in body[nfixed:]]
        body.append("dump(\"end\")")
        if kind == "iface" and r.random() < 0.4:
            body.append(f"try(\"unhash{k}\", func() {{ m[[]int{{1}}] = 1 }})\n"
                        f"try(\"unhash2{k}\", func() {{ _, ok := m[map[int]int{{}}]; println(ok) }})")
        if kind in ("iface", "ifstruct") and r.random() < 0.4:
            body.append(f"try(\"unhash3{k}\", func() {{ m[{kt}{{}}] = 1; println(len(m)) }})" if kind == "ifstruct" else "")
        if kind == "ifstruct" and r.random() < 0.5:
            body.append(f"try(\"unhash4{k}\", func() {{ m[K{k}{{[]int{{}}, 1}}] = 1 }})")
        if kind == "float64":
            body.append("m[nan] = 1\nm[nan] = 2\n_, ok := m[nan]\ndelete(m, nan)\nprintln(\"nan\", ok, len(m))")
        return decls, "\n".join(body)

    # ---------------------------------------------------------------- closures
    def closures(self, k):
        r = self.r
        body = ["fs := []func() int{}", "acc := 0"]
        for _ in range(r.randint(2, 5)):
            c = r.randint(2, 5)
            o = r.randrange(7)
            if o == 0:
                body.append(f"for i := 0; i < {c}; i++ {{\n\tfs = append(fs, func() int {{ return i }})\n}}")
            elif o == 1:
                body.append(f"for i := 0; i < {c}; i++ {{\n\ti := i\n\tfs = append(fs, func() int {{ i++; return i * 10 }})\n}}")
            elif o == 2:
                body.append(f"for _, v := range []int{{{', '.join(str(x * 3) for x in range(c))}}} {{\n"
                            f"\tfs = append(fs, func() int {{ return v }})\n}}")
            elif o == 3:
                body.append(f"cnt := 0\ninc := func() int {{ cnt += {c}; return cnt }}\nfs = append(fs, inc, inc)\nprintln(\"cnt\", inc(), cnt)")
            elif o == 4:
                body.append(f"func() {{\n\tfor i := 0; i < {c}; i++ {{\n\t\tdefer func() {{ acc += i; println(\"defer\", i, acc) }}()\n\t}}\n}}()")
            elif o == 5:
                body.append(f"done := make(chan int)\nfor i := 0; i < {c}; i++ {{\n\tgo func(j int) {{ done <- j * j }}(i)\n}}\n"
                            f"tot := 0\nfor i := 0; i < {c}; i++ {{\n\ttot += <-done\n}}\nprintln(\"go\", tot)")
            else:
                body.append(f"mk := func(b int) func(int) int {{\n\treturn func(x int) int {{ b += x; return b }}\n}}\n"
                            f"a1, a2 := mk({c}), mk({c * 2})\nprintln(\"mk\", a1(1), a1(1), a2(3), a1(0))")
        body = body[:2] + [blk(b) for b in body[2:]]
        body.append("for i, f := range fs {\n\tprint(i, \":\", f(), \" \")\n}\nprintln(\"end\", acc)")
        return [], "\n".join(body)

    # ---------------------------------------------------------------- goto
    def goto(self, k):
        r = self.r
        a, b = r.randint(2, 7), r.randint(2, 5)
        body = [f"i, acc := 0, 0\nloop:\n\tif i < {a} {{\n\t\tacc += i * {b}\n\t\ti++\n\t\tif acc > {a * b} {{\n\t\t\tgoto out\n\t\t}}\n\t\tgoto loop\n\t}}\n"
                f"out:\n\tprintln(\"goto\", i, acc)"]
        body.append(f"outer:\nfor x := 0; x < {a}; x++ {{\n\tfor y := 0; y < {b}; y++ {{\n\t\tswitch {{\n"
                    f"\t\tcase x*y == {r.randint(2, 12)}:\n\t\t\tprintln(\"brk\", x, y)\n\t\t\tbreak outer\n"
                    f"\t\tcase (x+y)%{r.randint(2, 4)} == 0:\n\t\t\tcontinue outer\n\t\t}}\n\t\tacc++\n\t}}\n}}\nprintln(\"acc\", acc)")
        return [], "\n".join(body)

    # ---------------------------------------------------------------- misc
    def misc(self, k):
        r = self.r
        decls = [f"type NS{k} []int\nfunc (s *NS{k}) Push(v int) {{ *s = append(*s, v) }}\n"
                 f"func (s NS{k}) Sum() (t int) {{ for _, v := range s {{ t += v }}; return }}",
                 f"type Big{k} struct{{ a [20]int; s string }}",
                 f"type In{k} struct{{ n int }}\ntype Out{k} struct{{ *In{k}; m int }}"]
        body = []
        for o in r.sample(range(8), r.randint(2, 5)):
            c = r.randint(1, 6)
            if o == 0:
                body.append(f"var s NS{k}\nfor i := 0; i < {c * 3}; i++ {{\n\ts.Push(i)\n}}\nf := s.Push\nf(100)\n"
                            f"g := (*NS{k}).Push\ng(&s, 1000)\nprintln(\"ns\", len(s), s.Sum(), NS{k}.Sum(s))")
            elif o == 1:
                body.append(f"a := [4]int{{1, 2, 3, {c}}}\nfor i, v := range a {{\n\ta[3-i] = v * 10\n\tprint(v, \" \")\n}}\n"
                            f"println(a[0], a[3])\nfor i, v := range &a {{\n\tif i < 3 {{\n\t\ta[i+1] = 0\n\t}}\n\tprint(v, \" \")\n}}\nprintln()")
            elif o == 2:
                body.append(f"m := map[int]Big{k}{{}}\nfor i := 0; i < {c * 20}; i++ {{\n\tb := m[i%{c + 3}]\n\tb.a[i%20] += i\n"
                            f"\tb.s += \"x\"\n\tm[i%{c + 3}] = b\n}}\nt := 0\nfor k, v := range m {{\n\tt += k * len(v.s)\n"
                            f"\tfor _, x := range v.a {{\n\t\tt += x\n\t}}\n}}\nprintln(\"big\", len(m), t)")
            elif o == 3:
                body.append(f"m := map[string][]int{{}}\nfor i := 0; i < {c * 7}; i++ {{\n\tk := fmt.Sprint(i % {c + 1})\n"
                            f"\tm[k] = append(m[k], i)\n}}\nks := []string{{}}\nfor k := range m {{\n\tks = append(ks, k)\n}}\n"
                            f"sort.Strings(ks)\nfor _, k := range ks {{\n\tprint(k, \":\", len(m[k]), \" \")\n}}\nprintln()")
            elif o == 4:
                body.append(f"mm := map[int]map[string]int{{}}\nfor i := 0; i < {c * 9}; i++ {{\n\tif mm[i%3] == nil {{\n"
                            f"\t\tmm[i%3] = map[string]int{{}}\n\t}}\n\tmm[i%3][fmt.Sprint(i%{c + 1})]++\n}}\n"
                            f"println(\"mm\", len(mm), len(mm[0]), mm[1][\"1\"], len(mm[7]))\nfmt.Println(mm)")
            elif o == 5:
                body.append(f"o := Out{k}{{m: {c}}}\ntry(\"nilemb{k}\", func() {{ println(o.n) }})\no.In{k} = &In{k}{{{c}}}\n"
                            f"p := &o.n\n*p += 1\nprintln(\"emb\", o.n, o.In{k}.n)")
            elif o == 6:
                body.append(f"var e interface{{}} = map[string]int{{\"a\": {c}}}\nif m, ok := e.(map[string]int); ok {{\n"
                            f"\tm[\"b\"] = 2\n}}\nfmt.Println(e, len(e.(map[string]int)))")
            else:
                body.append(f"x := [3]interface{{}}{{1, \"a\", nil}}\ny := x\ny[2] = {c}\nprintln(\"arr\", x == y, x[2] == nil)\n"
                            f"y[2] = nil\nprintln(x == y)")
        return decls, "\n".join(blk(b) for b in body)


    # ---------------------------------------------------------------- conc
    def conc(self, k):
        """Goroutines whose results are deterministic: worker pools over
        channels, a mutex-guarded map, panics recovered and Goexit inside
        workers, sync.Once, select over several channels; only sums,
        counts and sorted results are printed."""
        r = self.r
        body = []
        nw, nj = r.randint(1, 6), r.randint(5, 200)
        for o in r.sample(range(5), r.randint(1, 3)):
            if o == 0:
                body.append(f"jobs := make(chan int, {r.choice([0, 1, 10])})\nres := make(chan int, {r.choice([0, 3])})\n"
                            f"var wg sync.WaitGroup\nfor w := 0; w < {nw}; w++ {{\n\twg.Add(1)\n\tgo func(w int) {{\n"
                            f"\t\tdefer wg.Done()\n\t\tfor j := range jobs {{\n\t\t\tfunc() {{\n\t\t\t\tdefer func() {{\n"
                            f"\t\t\t\t\tif e := recover(); e != nil {{\n\t\t\t\t\t\tres <- -1\n\t\t\t\t\t}}\n\t\t\t\t}}()\n"
                            f"\t\t\t\tif j%{r.randint(3, 9)} == 0 {{\n\t\t\t\t\tvar m map[int]int\n\t\t\t\t\tm[j] = j\n\t\t\t\t}}\n"
                            f"\t\t\t\tbox := []interface{{}}{{j, fmt.Sprint(j)}}\n\t\t\t\tres <- box[0].(int) * len(box[1].(string))\n"
                            f"\t\t\t}}()\n\t\t}}\n\t}}(w)\n}}\ngo func() {{\n\tfor j := 0; j < {nj}; j++ {{\n\t\tjobs <- j\n\t}}\n"
                            f"\tclose(jobs)\n}}()\nsum, neg := 0, 0\nfor j := 0; j < {nj}; j++ {{\n\tv := <-res\n\tif v < 0 {{\n\t\tneg++\n"
                            f"\t}} else {{\n\t\tsum += v\n\t}}\n}}\nwg.Wait()\nprintln(\"pool\", sum, neg)")
            elif o == 1:
                body.append(f"var mu sync.Mutex\nm := map[string]int{{}}\nvar wg sync.WaitGroup\nfor w := 0; w < {nw}; w++ {{\n"
                            f"\twg.Add(1)\n\tgo func(w int) {{\n\t\tdefer wg.Done()\n\t\tfor i := 0; i < {nj}; i++ {{\n"
                            f"\t\t\tmu.Lock()\n\t\t\tm[fmt.Sprint(i%{r.randint(2, 30)})] += w + 1\n\t\t\tmu.Unlock()\n"
                            f"\t\t\tif i%{r.randint(5, 50)} == 0 {{\n\t\t\t\truntime.Gosched()\n\t\t\t}}\n\t\t}}\n\t}}(w)\n}}\n"
                            f"wg.Wait()\nfmt.Println(\"mumap\", len(m), m)")
            elif o == 2:
                body.append(f"done := make(chan int)\nfor w := 0; w < {nw}; w++ {{\n\tgo func(w int) {{\n"
                            f"\t\tdefer func() {{ done <- w }}()\n\t\tdefer println(\"never printed twice\"[:0])\n"
                            f"\t\tfor i := 0; ; i++ {{\n\t\t\tif i == w*{r.randint(1, 100)} {{\n\t\t\t\truntime.Goexit()\n\t\t\t}}\n\t\t}}\n"
                            f"\t}}(w)\n}}\nt := 0\nfor w := 0; w < {nw}; w++ {{\n\tt += <-done\n}}\nprintln(\"goexit\", t)")
            elif o == 3:
                body.append(f"var once sync.Once\nc := make(chan int)\nfor w := 0; w < {nw}; w++ {{\n"
                            f"\tgo func() {{\n\t\tonce.Do(func() {{ println(\"once\") }})\n\t\tc <- 1\n\t}}()\n}}\n"
                            f"n := 0\nfor w := 0; w < {nw}; w++ {{\n\tn += <-c\n}}\nprintln(\"onced\", n)")
            else:
                body.append(f"a, b := make(chan int), make(chan string)\nquit := make(chan bool)\ngo func() {{\n"
                            f"\tfor i := 0; i < {nj}; i++ {{\n\t\tif i%2 == 0 {{\n\t\t\ta <- i\n\t\t}} else {{\n"
                            f"\t\t\tb <- fmt.Sprint(i)\n\t\t}}\n\t}}\n\tclose(quit)\n}}()\nsa, sb := 0, 0\nloop:\n"
                            f"for {{\n\tselect {{\n\tcase v := <-a:\n\t\tsa += v\n\tcase s := <-b:\n\t\tsb += len(s)\n"
                            f"\tcase <-quit:\n\t\tbreak loop\n\t}}\n}}\nprintln(\"select\", sa, sb)")
        return [], "\n".join(blk(b) for b in body)

    # ---------------------------------------------------------------- conv
    def conv(self, k):
        """Implicit conversions to interfaces at every kind of assignment
        site: range with =, select and comma-ok forms, multi-value calls,
        composite literals, map and slice elements, append, variadic
        calls, returns, sends, go and defer arguments."""
        r = self.r
        decls = [f"type CS{k} struct{{ a int; s string }}\nfunc (c CS{k}) String() string {{ return fmt.Sprint(\"CS\", c.a, c.s) }}",
                 f"type CI{k} interface{{ String() string }}",
                 f"type CN{k} int\nfunc (c CN{k}) String() string {{ return fmt.Sprint(\"CN\", int(c)) }}",
                 f"func cpair{k}(n int) (CN{k}, CS{k}) {{ return CN{k}(n), CS{k}{{n, \"p\"}} }}",
                 f"func cshow{k}(xs ...interface{{}}) {{ fmt.Println(len(xs), xs) }}"]
        srcs = [(f"[]CS{k}{{{{1, \"a\"}}, {{2, \"b\"}}}}", "slice"), (f"[2]CN{k}{{3, 0}}", "array"),
                (f"map[CN{k}]CS{k}{{5: {{5, \"m\"}}}}", "map"), ("\"hé\"", "string"),
                (f"[]CI{k}{{CN{k}(6), nil, CS{k}{{}}}}", "slice"), ("[]int{0, 7}", "slice")]
        body = ["var a, b interface{}", f"var ci CI{k}", "_, _, _ = a, b, ci"]
        for _ in range(r.randint(3, 8)):
            o = r.randrange(12)
            c = r.randint(0, 9)
            if o == 0:
                src, kind = r.choice(srcs)
                tgt = r.choice(["b", "ci"]) if "CS" in src.split("{")[0] or "CN" in src.split("{")[0] else "b"
                if kind == "map":
                    body.append(f"for a, ci = range {src} {{\n\tfmt.Println(\"rm\", a, ci)\n}}")
                elif kind == "string":
                    body.append(f"for a, b = range {src} {{\n\tfmt.Println(\"rs\", a, b)\n}}")
                elif "CI" in src:
                    body.append(f"for a, {r.choice(['b', 'ci'])} = range {src} {{\n\tfmt.Println(\"ri\", a, b, ci)\n}}")
                else:
                    body.append(f"for a, {tgt} = range {src} {{\n\tfmt.Println(\"r\", a, {tgt})\n}}")
            elif o == 1:
                body.append(f"ch := make(chan CS{k}, 2)\nch <- CS{k}{{{c}, \"c\"}}\nclose(ch)\nfor ci = range ch {{\n\tfmt.Println(\"rc\", ci)\n}}\n"
                            f"select {{\ncase a, b = <-ch:\n\tfmt.Println(\"sc\", a, b)\n}}")
            elif o == 2:
                body.append(f"ch := make(chan CN{k}, 1)\nch <- {c}\nselect {{\ncase ci = <-ch:\n\tfmt.Println(\"sel\", ci)\n}}")
            elif o == 3:
                body.append(f"m := map[string]CS{k}{{\"k\": {{{c}, \"v\"}}}}\na, b = m[\"k\"]\nfmt.Println(\"ok\", a, b)\n"
                            f"a, b = m[\"none\"]\nfmt.Println(\"ok2\", a, b)\nvar e interface{{}} = CN{k}({c})\nci, b = e.(CI{k})\n"
                            f"fmt.Println(\"as\", ci, b)")
            elif o == 4:
                body.append(f"a, ci = cpair{k}({c})\nfmt.Println(\"pair\", a, ci)\nvar x, y interface{{}} = cpair{k}({c + 1})\n"
                            f"fmt.Println(\"pair2\", x, y)\ncshow{k}(cpair{k}({c + 2}))")
            elif o == 5:
                body.append(f"st := struct{{ x interface{{}}; y CI{k} }}{{CN{k}({c}), CS{k}{{{c}, \"f\"}}}}\nst.x = {c}\n"
                            f"arr := [3]interface{{}}{{1: CN{k}({c})}}\nsl := []CI{k}{{CN{k}(1)}}\nsl = append(sl, CS{k}{{}}, CN{k}({c}))\n"
                            f"mp := map[interface{{}}]CI{k}{{CN{k}(1): CS{k}{{}}}}\nmp[CS{k}{{{c}, \"k\"}}] = CN{k}({c})\n"
                            f"fmt.Println(\"lit\", st, arr, sl, len(mp), mp[CS{k}{{{c}, \"k\"}}])")
            elif o == 6:
                body.append(f"f := func(n int) (interface{{}}, CI{k}) {{\n\tif n > 4 {{\n\t\treturn n, CN{k}(n)\n\t}}\n"
                            f"\treturn CS{k}{{n, \"r\"}}, nil\n}}\nfmt.Println(f({c}))\na, ci = f({c + 3})\nfmt.Println(\"ret\", a, ci)")
            elif o == 7:
                body.append(f"ch := make(chan interface{{}}, 2)\nch <- CN{k}({c})\nch <- {c}\nfmt.Println(\"send\", <-ch, <-ch)\n"
                            f"done := make(chan bool)\ngo func(x interface{{}}, y CI{k}) {{\n\tfmt.Println(\"go\", x, y)\n\tclose(done)\n"
                            f"}}(CS{k}{{{c}, \"g\"}}, CN{k}({c}))\n<-done\nfunc() {{\n\tdefer fmt.Println(\"defer\", CN{k}({c}), CS{k}{{}})\n}}()")
            elif o == 8:
                body.append(f"xs := make([]interface{{}}, 3)\ni := 0\nfor i, xs[i] = range []CN{k}{{{c}, 1, 2}} {{\n}}\n"
                            f"fmt.Println(\"idx\", i, xs)\nm := map[string]CI{k}{{}}\nfor _, m[\"k\"] = range []CS{k}{{{{{c}, \"z\"}}}} {{\n}}\n"
                            f"fmt.Println(\"mel\", m)")
            elif o == 9:
                body.append(f"var p *interface{{}} = &a\n*p = CS{k}{{{c}, \"ptr\"}}\nvar q = &ci\n*q = CN{k}({c})\nfmt.Println(\"ptr\", a, ci)")
            elif o == 10:
                body.append(f"a, b = b, CN{k}({c})\nci, a = CN{k}({c}), ci\nfmt.Println(\"swap\", a, b, ci)")
            else:
                body.append(f"cshow{k}(CN{k}({c}), CS{k}{{}}, nil, {c})\ncshow{k}([]interface{{}}{{CN{k}(1)}}...)\n"
                            f"fmt.Println(\"cmp\", a == CN{k}({c}), ci != nil, interface{{}}(CN{k}({c})) == CN{k}({c}))")
        return decls, "\n".join(body[:3] + [blk(x) for x in body[3:]])

    FAMILIES = ["methods", "iface", "defer", "maps", "closures", "goto", "misc", "conc", "conv"]
    WEIGHTS = [3, 3, 4, 4, 2, 1, 2, 2, 3]

    def test(self, k):
        fam = self.r.choices(self.FAMILIES, self.WEIGHTS)[0]
        decls, body = getattr(self, fam)(k)
        fn = f"func t{k}() {{\n\ttry(\"t{k}\", func() {{\n{self.ind(body, 2)}\n\t}})\n}}"
        return fam, "\n\n".join(decls + [fn])

    def inits(self, k):
        """Package variables initialised through a random dependency graph
        (directly and through functions), declared in random order, and
        init() functions: Go's order is by dependency, then declaration."""
        r = self.r
        n = r.randint(3, 7)
        deps = {i: r.sample(range(i + 1, n), min(n - i - 1, r.randint(0, 2))) for i in range(n)}
        out = []
        order = list(range(n))
        r.shuffle(order)
        for i in order:
            how = r.randrange(5) if deps[i] else 4
            dsum = " + ".join(f"iv{k}_{d}" for d in deps[i])
            if how == 0:
                out.append(f"func fv{k}_{i}() int {{ return {dsum} }}")
                expr = f"fv{k}_{i}()"
            elif how == 1:  # through a method: a reference to T.m is a dependency too
                out.append(f"type MT{k}_{i} struct{{ n int }}\nfunc (t MT{k}_{i}) Val() int {{ return t.n + {dsum} }}")
                expr = r.choice([f"MT{k}_{i}{{{i}}}.Val()", f"MT{k}_{i}.Val(MT{k}_{i}{{{i}}})",
                                 f"(&MT{k}_{i}{{{i}}}).Val()"])
            elif how == 2:  # through a closure
                expr = f"func() int {{ return {dsum} + {i} }}()"
            elif how == 3:  # through a func variable
                out.append(f"var fvv{k}_{i} = func() int {{ return {dsum} }}")
                expr = f"fvv{k}_{i}()"
            else:
                expr = " + ".join([f"iv{k}_{d}" for d in deps[i]] + [str(i)])
            out.append(f"var iv{k}_{i} = note(\"iv{k}_{i}\", {expr})")
        for j in range(r.randint(1, 3)):
            out.append(f"func init() {{ println(\"init{k}_{j}\", {' + '.join(f'iv{k}_{i}' for i in range(n))}) }}")
        return "\n".join(out)


def source(k, prog):
    inits, tests = prog[0], prog[1]
    return (PRELUDE + "\nfunc note(s string, v int) int {\n\tprintln(\"var\", s, v)\n\treturn v\n}\n\n" + inits +
            "\n\n" + "\n\n".join(t for _, t in tests) + "\n\nfunc main() {\n" +
            "".join(f"\t{call}\n" for call in prog[3]) + prog[2] + "}\n")


def main():
    ap = genharness.parser(__doc__, count=120, per_file=12)
    ap.add_argument("--stress-share", type=float, default=1.0,
                    help="share of programs also run under GODEBUG=gcstress=1,gcpoison=1")
    ap.add_argument("--family", help="only this family: " + ", ".join(Gen.FAMILIES))
    args = genharness.parse(ap)
    rng = random.Random(args.seed)
    programs = []
    for k, n in enumerate(genharness.program_sizes(args)):
        gen = Gen(rng)
        if args.family:
            gen.FAMILIES, gen.WEIGHTS = [args.family], [1]
        tests = [gen.test(k * 1000 + i) for i in range(n)]
        tail = ""
        if rng.random() < 0.15:  # an uncaught panic: exit 2, Go's message
            tail = rng.choice(["\tdefer func() {\n\t\tpanic(\"second\")\n\t}()\n\tpanic(\"first\")\n",
                               "\tdefer func() {\n\t\tpanic(recover())\n\t}()\n\tvar a []int\n\t_ = a[izero]\n",
                               "\tdefer func() {\n\t\tr := recover()\n\t\tpanic(fmt.Sprint(\"again \", r))\n\t}()\n\tpanic(&myErr{3})\n",
                               "\tpanic(fmt.Sprint(\"bye \", 1))\n", "\tpanic(&myErr{7})\n",
                               "\tvar m map[int]int\n\tm[0]++\n", "\tos.Exit(3)\n",
                               "\tpanic(myInt(5))\n", "\tpanic(myStr(\"x\"))\n", "\tpanic(nil)\n",
                               "\tdefer println(\"main deferred\")\n\truntime.Goexit()\n",
                               "\tpanic(error(&myErr{9}))\n", "\tvar e interface{} = 1.5\n\tprintln(e.(string))\n"])
        calls = []
        for i in range(n):
            t = f"t{k * 1000 + i}"
            calls.append(rng.choice([f"{t}()", f"{t}()", f"inG({t})", f"deep({rng.randint(1, 200)}, {t})",
                                     f"inG(func() {{ deep({rng.randint(1, 300)}, {t}) }})"]))
        programs.append((gen.inits(k), tests, tail, calls))
    stress = set(k for k in range(len(programs)) if random.Random(args.seed * 7919 + k).random() < args.stress_share)

    def reruns(k):
        # Running a built program again is cheap next to building it: every
        # program also runs on 1 and on 4 Ps (more Ps than the CI's 2 CPUs).
        runs = [("-O0 GOMAXPROCS=1", "-O0", {"GOMAXPROCS": "1"}),
                ("-O2 GOMAXPROCS=4", "-O2", {"GOMAXPROCS": "4"})]
        if k in stress:
            runs.append(("-O2 gcstress=1,gcpoison=1", "-O2", {"GODEBUG": "gcstress=1,gcpoison=1"}))
        return runs
    return genharness.run(args, "progen", programs, source, lambda p: len(p[1]),
                          reruns=reruns, normalise=normalise)


if __name__ == "__main__":
    sys.exit(main())
