"""Clock and mtime helper for pkg/cache_trim.gl (all times relative to now).

  tool.py age CACHE SECONDS       every entry file (*-o, *-s) last used SECONDS ago
  tool.py stamp CACHE SECONDS     trim.txt says the last trim was SECONDS ago
  tool.py ages CACHE              each entry file's age in whole minutes, sorted
"""
import glob
import os
import sys
import time

cmd, arg = sys.argv[1], sys.argv[2]
now = time.time()
entries = sorted(glob.glob(os.path.join(arg, "*", "*-[os]")))
if cmd == "age":
    t = now - int(sys.argv[3])
    for p in entries:
        os.utime(p, (t, t))
elif cmd == "stamp":
    with open(os.path.join(arg, "trim.txt"), "w") as f:
        f.write(str(int(now - int(sys.argv[3]))))
elif cmd == "ages":
    ages = sorted(int((now - os.stat(p).st_mtime) // 60) for p in entries)
    print("entries:", " ".join(map(str, ages)) or "none")
