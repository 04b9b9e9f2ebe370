set pagination off
set confirm off
set print thread-events off
set print inferior-events off
break main.main
break main.greet
run 2>/dev/null
next
info args
print s
finish
next
next
info locals
print n
print xs
step
# advance, not next, from add's first line: a `next` over the split-stack
# prologue lost the step and ran add to its return in about half the runs
# (2 of 3 under load, every run with GODEBUG=schedseed=1,schedpreempt=0).
advance 13
info args
next
info locals
finish
printf "goid = %d\n", $goid()
kill
