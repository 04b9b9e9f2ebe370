# -*- Python -*-
# lit configuration for glc's tests (modelled on mlir/examples/standalone).
#
# Run:  /usr/lib/llvm-19/build/utils/lit/lit.py -sv test/lit
# Tests are .gl files whose "// RUN:" lines use these substitutions:
#   %glc        the compiler: $GLC_BUILD_DIR/bin/glc, else <repo>/build/bin/glc
#   FileCheck   /usr/lib/llvm-19/bin/FileCheck
#   not         /usr/lib/llvm-19/bin/not (inverts the exit status)
#   %python     the Python running lit (tests that generate big inputs)
#   %scripts    <repo>/scripts (glc-trace.py: the trace query tool)
#   %repo       the repository root (debug/ tests load runtime/gdb/glrt-gdb.py)
# Feature "gdb" when gdb is installed (test/lit/debug/gdb_*.gl: REQUIRES: gdb).
# Outputs (%t) go under <build dir>/test/lit, never into the source tree.
# Under GODEBUG=gcstress=N a test with a line `// NOGCSTRESS: reason` is
# UNSUPPORTED (tools/glformat.py says which reasons are allowed).
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
import glformat  # noqa: E402

config.name = "glc"
config.test_format = glformat.GLTest(execute_external=False)
config.suffixes = [".gl"]
config.excludes = ["tools", "Inputs"]

config.test_source_root = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(config.test_source_root))
build_dir = os.environ.get("GLC_BUILD_DIR") or os.path.join(repo, "build")
build_dir = os.path.abspath(build_dir)
config.test_exec_root = os.path.join(build_dir, "test", "lit")

llvm_bin = "/usr/lib/llvm-19/bin"
glc = os.path.join(build_dir, "bin", "glc")

# Whole-word substitutions, so "not" inside a word or a path is left alone.
config.substitutions.append(("%glc", glc))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%scripts", os.path.join(repo, "scripts")))
config.substitutions.append(("%repo", repo))
import shutil
if shutil.which("gdb"):
    config.available_features.add("gdb")
for tool in ("FileCheck", "not"):
    config.substitutions.append(
        (r"(?<![\w/.%-])" + tool + r"(?![\w/.-])", os.path.join(llvm_bin, tool)))

# Tests see a small, predictable environment; pass through what programs
# under test need (GOMAXPROCS for scheduler tests, GODEBUG/GOGC for the
# collector's stress runs (scripts/run-tests.py: gcstress), GLC_CC to
# override the link driver).
config.environment["PATH"] = os.pathsep.join([llvm_bin, os.environ.get("PATH", "")])
for var in ("GOMAXPROCS", "GODEBUG", "GOGC", "GLC_CC", "HOME", "TMPDIR"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
# glc's object cache (compiler/driver/Cache.cpp): the suite's own, in the
# build directory, unless GLCCACHE says otherwise (GLCCACHE=off tests the
# whole-program path).
config.environment["GLCCACHE"] = os.environ.get("GLCCACHE") or os.path.join(build_dir, "glc-cache")

lit_config.note(f"using glc: {glc}")
if not os.path.exists(glc):
    lit_config.warning(f"{glc} does not exist yet; tests that use %glc will fail")
