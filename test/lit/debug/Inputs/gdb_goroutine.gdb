set pagination off
set confirm off
set print thread-events off
set print inferior-events off
break gdb_goroutine.gl:20
run 2>/dev/null
bt
info goroutines
printf "goid = %d\n", $goid()
# Select the frame that runs first on the newest segment (its caller is
# __morestack) and finish it: the stop is in __morestack, then finish the
# prologue's frame on the old segment to come back into the Go caller.
python
f = gdb.newest_frame()
while f.older() is not None and f.older().name() != "__morestack":
    f = f.older()
f.select()
end
finish
frame 1
finish
kill
