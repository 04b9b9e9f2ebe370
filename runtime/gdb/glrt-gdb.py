# glrt-gdb.py: gdb support for programs built by glc (the glrt runtime), in
# the spirit of Go's runtime-gdb.py. Load it with
#     (gdb) source <repo>/runtime/gdb/glrt-gdb.py
# (or `gdb -x runtime/gdb/glrt-gdb.py prog`). It adds:
#   info goroutines        every goroutine: id, status or wait reason, the
#                          function and file:line it is in; '*' marks the one
#                          running on the selected thread
#   goroutine N bt         backtrace of goroutine N from its saved context
#                          (only for a goroutine that is not running)
#   $goid()                the id of the goroutine running on the selected
#                          thread (0 on a thread that runs none: g0, sysmon)
#   pretty-printers        string (its text), slices ([]T: len, cap and the
#                          elements)
# It reads the runtime's own data through its debug information (glrt is
# built with -g): glrt::allgs (every G, creation order; alllink), the TLS
# variable glrt_curg (the running G), g.goid, g.atomicstatus, g.waitreason,
# g.sched (sp, pc, bp). Nothing here calls into the program.
import gdb

G_STATUS = {0: "idle", 1: "runnable", 2: "running", 3: "syscall", 4: "waiting",
            6: "dead", 8: "copystack", 9: "preempted"}


def _allgs():
    sym = gdb.lookup_static_symbol("glrt::allgs")
    if sym is None:
        raise gdb.GdbError("glrt::allgs not found (not a glc program, or glrt without -g)")
    gp = sym.value()
    while int(gp) != 0:
        yield gp
        gp = gp["alllink"]


def _curg():
    """The G running on the selected thread, or None."""
    try:
        gp = gdb.parse_and_eval("glrt_curg")
    except gdb.error:
        return None
    if int(gp) == 0:
        return None
    # On g0 (the scheduler, a systemstack call) the user G is m.curg.
    mp = gp["mp"]
    if int(gp["goid"]) <= 0 and int(mp) != 0 and int(mp["curg"]) != 0:
        return mp["curg"]
    return gp


def _status(gp):
    st = gp["atomicstatus"]
    try:
        v = int(st["_M_i"])
    except gdb.error:
        v = int(st.cast(gdb.lookup_type("uint32_t")))
    return v


def _where(pc):
    """'main.f /abs/x.go:12' for a PC."""
    if pc == 0:
        return "?"
    block = gdb.block_for_pc(pc)
    name = "?"
    while block is not None and block.function is None:
        block = block.superblock
    if block is not None and block.function is not None:
        name = block.function.name
    sal = gdb.find_pc_line(pc - 1 if pc > 0 else pc)
    if sal.symtab is not None:
        return "%s %s:%d" % (name, sal.symtab.fullname(), sal.line)
    return name


def _ingl(pc):
    """pc is in generated code (the gl_text section's linker bounds)."""
    try:
        # (no casts: the expression is parsed in the frame's language, Go)
        lo = int(gdb.parse_and_eval("&__start_gl_text"))
        hi = int(gdb.parse_and_eval("&__stop_gl_text"))
    except gdb.error:
        return False
    return lo <= pc < hi


def _gopc(gp):
    """The PC of the innermost generated-code frame of a G that is not
    running: its saved PC is in the runtime (mcall, from gopark), so follow
    the frame-pointer chain (every frame keeps rbp) to generated code."""
    sched = gp["sched"]
    pc, bp = int(sched["pc"]), int(sched["bp"])
    inferior = gdb.selected_inferior()
    for _ in range(64):
        if _ingl(pc):
            return pc
        if bp == 0 or bp % 8:
            break
        try:
            words = inferior.read_memory(bp, 16).tobytes()
        except gdb.MemoryError:
            break
        bp, pc = int.from_bytes(words[:8], "little"), int.from_bytes(words[8:], "little")
    return int(sched["pc"])


def _waitreason(v):
    """waitReasonChanReceive -> "chan receive" (Go's waitReasonStrings)."""
    name = str(v).split("::")[-1]
    if name.startswith("waitReason"):
        name = name[len("waitReason"):]
    out = ""
    for c in name:
        if c.isupper() and out:
            out += " "
        out += c.lower()
    return out


class GoroutineId(gdb.Function):
    """$goid(): the id of the goroutine running on the selected thread (0: none)."""

    def __init__(self):
        super().__init__("goid")

    def invoke(self):
        gp = _curg()
        return 0 if gp is None else int(gp["goid"])


class InfoGoroutines(gdb.Command):
    """info goroutines: list every goroutine (id, state, where it is)."""

    def __init__(self):
        super().__init__("info goroutines", gdb.COMMAND_STACK, gdb.COMPLETE_NONE)

    def invoke(self, arg, from_tty):
        cur = _curg()
        curaddr = 0 if cur is None else int(cur)
        for gp in _allgs():
            goid = int(gp["goid"])
            if goid <= 0:
                continue  # the runtime's own goroutines (Go's system goroutines)
            st = _status(gp)
            if st == 6:
                continue
            state = G_STATUS.get(st, str(st))
            if st == 4:
                state = _waitreason(gp["waitreason"])
            mark = "*" if int(gp) == curaddr else " "
            if int(gp) == curaddr:
                where = _where(int(gdb.selected_frame().pc()) + 1)
            else:
                where = _where(_gopc(gp))
            gdb.write("%s %d [%s] %s\n" % (mark, goid, state, where))


class GoroutineCmd(gdb.Command):
    """goroutine N bt: backtrace of goroutine N (not running) from its saved context."""

    def __init__(self):
        super().__init__("goroutine", gdb.COMMAND_STACK, gdb.COMPLETE_NONE)

    def invoke(self, arg, from_tty):
        parts = arg.split(None, 1)
        if len(parts) != 2:
            raise gdb.GdbError("usage: goroutine N cmd")
        goid, cmd = int(parts[0]), parts[1]
        for gp in _allgs():
            if int(gp["goid"]) != goid:
                continue
            if _status(gp) == 2:
                raise gdb.GdbError("goroutine %d is running: select its thread instead" % goid)
            sched = gp["sched"]
            saved = [gdb.parse_and_eval(r) for r in ("$pc", "$sp", "$rbp")]
            gdb.parse_and_eval("$pc = %d" % int(sched["pc"]))
            gdb.parse_and_eval("$sp = %d" % int(sched["sp"]))
            gdb.parse_and_eval("$rbp = %d" % int(sched["bp"]))
            try:
                gdb.execute(cmd)
            finally:
                gdb.parse_and_eval("$pc = %d" % int(saved[0]))
                gdb.parse_and_eval("$sp = %d" % int(saved[1]))
                gdb.parse_and_eval("$rbp = %d" % int(saved[2]))
            return
        raise gdb.GdbError("no goroutine %d" % goid)


class StringPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        ptr, n = self.val["str"], self.val["len"]
        if ptr.is_optimized_out or n.is_optimized_out:
            return "<optimized out>"
        n = int(n)
        if n == 0:
            return '""'
        return ptr.lazy_string(length=n)

    def display_hint(self):
        return "string"


class SlicePrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        if self.val["len"].is_optimized_out or self.val["cap"].is_optimized_out:
            return "%s <optimized out>" % self.val.type.name
        return "%s len %d cap %d" % (self.val.type.name, int(self.val["len"]), int(self.val["cap"]))

    def children(self):
        ptr = self.val["array"]
        if ptr.is_optimized_out or self.val["len"].is_optimized_out:
            return
        n = int(self.val["len"])
        for i in range(min(n, 200)):
            yield "[%d]" % i, (ptr + i).dereference()

    def display_hint(self):
        return "array"


def _lookup(val):
    t = val.type.strip_typedefs()
    name = val.type.name or t.name or t.tag
    if t.code != gdb.TYPE_CODE_STRUCT or name is None:
        return None
    if name == "string":
        return StringPrinter(val)
    if name.startswith("[]"):
        return SlicePrinter(val)
    return None


# gdb 13 steps over a breakpoint placed on a RIP-relative instruction
# (lea .str(%rip), %rdi: every string constant) by displaced stepping in a
# scratch buffer, and on these multi-threaded programs it came back with
# %rcx clobbered (a string argument's length: `finish` from a function
# stopped at such a breakpoint made the program die of "out of memory").
# Stepping in place (the breakpoint removed for one instruction) is exact.
gdb.execute("set displaced-stepping off")

GoroutineId()
InfoGoroutines()
GoroutineCmd()
gdb.pretty_printers.append(_lookup)
