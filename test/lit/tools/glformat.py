# lit test format for glc's tests (test/lit/lit.cfg.py): lit's ShTest, plus
# the NOGCSTRESS rule. Under GODEBUG=gcstress=N (a collection every N
# allocations: run-tests.py's gcstress suites, `make gcstress-check`) a test
# with a line `// NOGCSTRESS: reason` is UNSUPPORTED, with its reason shown.
# The reason must hold for any correct collector: the test measures time or
# memory, prints the collector's own statistics, or allocates too much to
# finish in a collection per allocation. A collector bug is never one.
# (A module of its own: lit pickles the format for its worker processes,
# which cannot find a class defined in lit.cfg.py.)
import os
import re

import lit.Test
import lit.formats

NOGCSTRESS = re.compile(r"^\s*//\s*NOGCSTRESS:\s*(.*)$", re.M)


class GLTest(lit.formats.ShTest):
    def execute(self, test, litConfig):
        if "gcstress=" in os.environ.get("GODEBUG", ""):
            with open(test.getSourcePath(), encoding="utf-8", errors="replace") as f:
                m = NOGCSTRESS.search(f.read())
            if m:
                return lit.Test.Result(lit.Test.UNSUPPORTED, "NOGCSTRESS: " + m.group(1).strip())
        return super().execute(test, litConfig)
