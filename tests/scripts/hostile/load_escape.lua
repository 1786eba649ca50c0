-- expect: loaded chunk ran
-- A chunk made with load() runs in this file's environment, not a shared one.
load("string.lower = nil; obd = nil")()
error("loaded chunk ran")
