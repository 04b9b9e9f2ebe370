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
# step stops after add's split-stack check (the line table's prologue_end,
# which gdb trusts for a "clang " producer: IRGenDebug.cpp), so the next
# below never steps over __morestack.
step
info args
next
info locals
finish
printf "goid = %d\n", $goid()
kill
