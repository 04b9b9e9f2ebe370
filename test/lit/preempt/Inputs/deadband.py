#!/usr/bin/env python3
"""Writes the GL program of preempt/deadband.gl to stdout.

One spinner per local-array size from 0 to 2,048 bytes in 8-byte steps
(spin0 .. spin256: a [k]int array, k = 0..256). Each is a loop without
calls (its only call is the cold bounds-check panic), so only a SIGURG can
stop it. As the frame grows by 8 bytes, the spinner's rsp walks down
through the goroutine's first 2 KiB segment (and then through a fresh
second segment): every position a call-free loop can run at above the
segment's limit. Each spinner is also started `nested`: it then calls
spinSmall (a frame just under LLVM's 256-byte small-frame allowance, which
may run below the limit) from its own frame, so spinSmall's rsp walks down
through the reserve below the limit as well.

main (GOMAXPROCS=1) starts one spinner at a time and sleeps 1 ms: the sleep
can only end if the spinner is preempted. It then tells the spinner to stop
(*r changes) and waits for it. A spinner that is not preempted within
2^28 iterations (about 0.3 s, against < 1 ms when preemption works) gives
up by itself and is reported, so a regression fails instead of hanging.
The flag is read through one pointer parameter while the loop stores
through another, so the compiler cannot hoist the read out of the loop.
"""

N = 256  # [N]int is 2,048 bytes
WATCHDOG = 1 << 28

out = []
w = out.append
w("package main\n")
w('import "time"\n')
w("var done = make(chan bool)\n")
w("var failed int\n")
w("// Frame ~240 bytes: below LLVM's 256-byte small-frame allowance, so its")
w("// prologue compares rsp itself with the limit and its loop may run up to")
w("// ~240 bytes below the limit.")
w("func spinSmall(r *int, s *int, me int) bool {")
w("\tvar a [26]int")
w("\tn := 0")
w("\tfor *r == me {")
w("\t\ta[n%26] += n")
w("\t\t*s += 1")
w("\t\tn++")
w(f"\t\tif n == {WATCHDOG} {{")
w("\t\t\treturn false")
w("\t\t}")
w("\t}")
w("\t*s += a[me%26]")
w("\treturn true")
w("}\n")
for k in range(N + 1):
    w(f"func spin{k}(r *int, s *int, me int, nested bool) {{")
    if k > 0:
        w(f"\tvar a [{k}]int")
    w("\tok := true")
    w("\tif nested {")
    if k > 0:
        w(f"\t\ta[me%{k}] = me")
        w(f"\t\tok = spinSmall(r, s, me+a[(me+1)%{k}]-a[(me+1)%{k}])")
    else:
        w("\t\tok = spinSmall(r, s, me)")
    w("\t} else {")
    w("\t\tn := 0")
    w("\t\tfor *r == me {")
    if k > 0:
        w(f"\t\t\ta[n%{k}] += n")
    w("\t\t\t*s += 1")
    w("\t\t\tn++")
    w(f"\t\t\tif n == {WATCHDOG} {{")
    w("\t\t\t\tok = false")
    w("\t\t\t\tbreak")
    w("\t\t\t}")
    w("\t\t}")
    w("\t}")
    if k > 0:
        w(f"\t*s += a[me%{k}]")
    w("\tif !ok {")
    w(f'\t\tprintln("not preempted: spin{k} nested", nested)')
    w("\t\tfailed++")
    w("\t}")
    w("\tdone <- true")
    w("}\n")
w("var spinners = []func(r *int, s *int, me int, nested bool){")
for k in range(N + 1):
    w(f"\tspin{k},")
w("}\n")
w("func main() {")
w("\tr := new(int)")
w("\ts := new(int)")
w("\tme := 0")
w("\tfor _, nested := range []bool{false, true} {")
w("\t\tfor _, spin := range spinners {")
w("\t\t\tme++")
w("\t\t\t*r = me")
w("\t\t\tgo spin(r, s, me, nested)")
w("\t\t\ttime.Sleep(time.Millisecond)")
w("\t\t\t*r = 0")
w("\t\t\t<-done")
w("\t\t}")
w("\t}")
w('\tprintln("spinners:", me, "not preempted:", failed)')
w("}")
print("\n".join(out))
