-- expect: debug.sethook is not available
debug.sethook()
