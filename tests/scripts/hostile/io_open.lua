-- expect: io.open is not available
io.open("/etc/passwd")
