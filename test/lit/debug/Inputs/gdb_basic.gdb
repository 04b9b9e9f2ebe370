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
next
info args
next
info locals
finish
printf "goid = %d\n", $goid()
kill
