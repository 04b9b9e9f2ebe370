#!/usr/bin/env python3
"""Generates stdlib/unicode/tables.gl from Python's unicodedata.

Usage: python3 scripts/gen_unicode_tables.py > stdlib/unicode/tables.gl

The tables are this project's own format (not Go's RangeTable layout):
a table is a GL string constant of 3-byte big-endian code points, lo/hi
pairs of inclusive ranges in increasing order, searched by binary search
(tables.gl costs no initialisation: string constants are static data).
The case table is 15-byte entries lo, hi, dUpper, dLower, dTitle (deltas
biased by 0x400000; dUpper == 0xFFFFFF marks an alternating range where
even code points are upper case and odd ones their lower case, as Go's
UpperLower). The fold-orbit table lists, for the case-equivalence classes
where "ToLower if different, else ToUpper" does not cycle through the
class in increasing order (a singleton class included: U+0130 and U+0131
fold to themselves though they have case mappings), each member and the
next member (3+3 bytes).

Simple case mappings: Python exposes only full mappings (str.upper etc.),
so a code point whose full mapping is several characters gets its simple
mapping as UnicodeData.txt has it: for upper/title, the titlecase letter
whose lower case is it (Greek with ypogegrammeni), else itself; for lower,
U+0130 maps to 'i'. Simple case folding: str.casefold when that is one
character, else str.lower when that is one character, else none.
"""
import sys
import unicodedata

MAXRUNE = 0x10FFFF


def ranges(pred):
    out = []
    start = None
    for c in range(MAXRUNE + 2):
        ok = c <= MAXRUNE and pred(c)
        if ok and start is None:
            start = c
        elif not ok and start is not None:
            out.append((start, c - 1))
            start = None
    return out


def enc3(v):
    assert 0 <= v <= 0xFFFFFF, v
    return "\\x%02x\\x%02x\\x%02x" % ((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF)


def gostring(vals, per_line=8):
    parts = [enc3(v) for v in vals]
    lines = []
    for i in range(0, len(parts), per_line):
        lines.append('"' + "".join(parts[i:i + per_line]) + '"')
    if not lines:
        return '""'
    return " +\n\t".join(lines)


cat = [unicodedata.category(chr(c)) if not (0xD800 <= c <= 0xDFFF) else "Cs"
       for c in range(MAXRUNE + 1)]

WHITE_SPACE = set([0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x85, 0xA0])
for c in range(0x100, MAXRUNE + 1):
    if cat[c] in ("Zs", "Zl", "Zp"):
        WHITE_SPACE.add(c)

tables = {
    "letter": lambda c: cat[c][0] == "L",
    "upper": lambda c: cat[c] == "Lu",
    "lower": lambda c: cat[c] == "Ll",
    "title": lambda c: cat[c] == "Lt",
    "mark": lambda c: cat[c][0] == "M",
    "number": lambda c: cat[c][0] == "N",
    "digit": lambda c: cat[c] == "Nd",
    "punct": lambda c: cat[c][0] == "P",
    "symbol": lambda c: cat[c][0] == "S",
    "zs": lambda c: cat[c] == "Zs",
    "control": lambda c: cat[c] == "Cc",
    "white": lambda c: c in WHITE_SPACE,
}


def ch(c):
    return chr(c)


def simple_lower(c):
    if 0xD800 <= c <= 0xDFFF:
        return c
    l = ch(c).lower()
    if len(l) == 1:
        return ord(l)
    if c == 0x130:
        return 0x69
    return c


# titlecase letters by their lower case, for the simple upper of
# characters whose full upper case is several characters
lt_by_lower = {}
for c in range(MAXRUNE + 1):
    if cat[c] == "Lt":
        l = simple_lower(c)
        if l != c:
            lt_by_lower[l] = c


def simple_upper(c):
    if 0xD800 <= c <= 0xDFFF:
        return c
    u = ch(c).upper()
    if len(u) == 1:
        return ord(u)
    return lt_by_lower.get(c, c)


def simple_title(c):
    if 0xD800 <= c <= 0xDFFF:
        return c
    t = ch(c).title()
    if len(t) == 1:
        return ord(t)
    return lt_by_lower.get(c, c)


def simple_fold(c):
    if 0xD800 <= c <= 0xDFFF:
        return c
    f = ch(c).casefold()
    if len(f) == 1:
        return ord(f)
    l = ch(c).lower()
    if len(l) == 1:
        return ord(l)
    return c


# case ranges
cases = []
for c in range(MAXRUNE + 1):
    u, l, t = simple_upper(c), simple_lower(c), simple_title(c)
    if u == c and l == c and t == c:
        continue
    cases.append((c, u - c, l - c, t - c))

ALT = "alt"
entries = []  # [lo, hi, du, dl, dt]
i = 0
while i < len(cases):
    c, du, dl, dt = cases[i]
    # alternating run: upper at even, lower at odd (Go's UpperLower)
    j = i
    def alt_ok(k, base):
        cc, a, b, d = cases[k]
        if cc != base + (k - i):
            return False
        if (cc - base) % 2 == 0:
            return (a, b, d) == (0, 1, 0)
        return (a, b, d) == (-1, 0, -1)
    if c % 2 == 0 and (du, dl, dt) == (0, 1, 0):
        while j + 1 < len(cases) and alt_ok(j + 1, c):
            j += 1
    if j - i >= 3:
        entries.append([c, cases[j][0], ALT, 0, 0])
        i = j + 1
        continue
    j = i
    while j + 1 < len(cases) and cases[j + 1][0] == cases[j][0] + 1 and cases[j + 1][1:] == (du, dl, dt):
        j += 1
    entries.append([c, cases[j][0], du, dl, dt])
    i = j + 1

case_vals = []
BIAS = 0x400000
for lo, hi, du, dl, dt in entries:
    if du == ALT:
        case_vals += [lo, hi, 0xFFFFFF, BIAS, BIAS]
    else:
        case_vals += [lo, hi, du + BIAS, dl + BIAS, dt + BIAS]

# fold orbits
parent = list(range(MAXRUNE + 1))


def find(x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


for c in range(MAXRUNE + 1):
    f = simple_fold(c)
    if f != c:
        a, b = find(c), find(f)
        if a != b:
            parent[a] = b
classes = {}
for c in range(MAXRUNE + 1):
    r = find(c)
    classes.setdefault(r, []).append(c)
orbit = []
for members in classes.values():
    members.sort()
    nxt = {members[k]: members[(k + 1) % len(members)] for k in range(len(members))}
    def default(r):
        l = simple_lower(r)
        return l if l != r else simple_upper(r)
    if all(default(m) == nxt[m] for m in members):
        continue
    for m in members:
        orbit.append((m, nxt[m]))
orbit.sort()
orbit_vals = []
for a, b in orbit:
    orbit_vals += [a, b]

out = sys.stdout
out.write("// Code generated by scripts/gen_unicode_tables.py from Python %s's\n"
          "// unicodedata (Unicode %s). DO NOT EDIT.\n\npackage unicode\n\n"
          % (sys.version.split()[0], unicodedata.unidata_version))
out.write('// Version is the Unicode edition from which the tables are derived.\n'
          'const Version = "%s"\n\n' % unicodedata.unidata_version)
for name, pred in tables.items():
    rs = ranges(pred)
    vals = []
    for lo, hi in rs:
        vals += [lo, hi]
    out.write("// %d ranges\nconst tab_%s = %s\n\n" % (len(rs), name, gostring(vals)))
out.write("// %d case ranges\nconst tab_case = %s\n\n" % (len(entries), gostring(case_vals, 10)))
out.write("// %d fold-orbit entries\nconst tab_orbit = %s\n" % (len(orbit), gostring(orbit_vals)))
