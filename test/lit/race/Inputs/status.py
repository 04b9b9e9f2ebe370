# Runs a program, passes its output through (stderr merged into stdout, in
# order) and ends with "exit status N", so FileCheck can check -race's 66.
import subprocess
import sys

p = subprocess.run(sys.argv[1:], stdout=sys.stdout, stderr=subprocess.STDOUT)
sys.stdout.flush()
print(f"exit status {p.returncode}")
