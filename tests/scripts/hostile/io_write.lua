-- expect: io is not available
io.write = print
