#!/bin/sh
# Command-line conventions: --help, --version, usage errors and exit codes.
. "$top_srcdir/tests/lib.sh"

out=$("$OBDCON" --help 2>"$TEST_TMP/err"); rc=$?
check_eq "--help exits 0" 0 "$rc"
check_contains "--help goes to stdout and lists the commands" "code FEATURE=VALUE" "$out"
check_contains "--help ends with where to report bugs" "Report bugs to:" "$out"
check_eq "--help writes nothing to stderr" "" "$(cat "$TEST_TMP/err")"

out=$("$OBDCON" --version); rc=$?
check_eq "--version exits 0" 0 "$rc"
check_eq "--version first line is 'obdcon VERSION'" "obdcon $(sed -n 's/^AC_INIT(\[obdcon\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")" "$(printf '%s\n' "$out" | head -n 1)"

"$OBDCON" --frobnicate >"$TEST_TMP/out" 2>"$TEST_TMP/err"; rc=$?
check_eq "unknown option exits 2" 2 "$rc"
check_contains "unknown option is named on stderr" "unknown option '--frobnicate'" "$(cat "$TEST_TMP/err")"
check_contains "unknown option prints a short usage" "Usage: obdcon" "$(cat "$TEST_TMP/err")"
check_eq "unknown option prints nothing on stdout" "" "$(cat "$TEST_TMP/out")"

"$OBDCON" scan 2>"$TEST_TMP/err"; rc=$?
check_eq "a command without a port exits 2" 2 "$rc"
check_contains "missing port is explained" "no port given" "$(cat "$TEST_TMP/err")"

"$OBDCON" --demo fly 2>"$TEST_TMP/err"; rc=$?
check_eq "unknown command exits 2" 2 "$rc"
check_contains "unknown command is named" "unknown command 'fly'" "$(cat "$TEST_TMP/err")"

"$OBDCON" --port "$TEST_TMP/no-such-adapter" scan 2>"$TEST_TMP/err"; rc=$?
check_eq "a missing adapter exits 3" 3 "$rc"
check_contains "a missing adapter is named" "no-such-adapter" "$(cat "$TEST_TMP/err")"

"$OBDCON" --port tcp:127.0.0.1:1 scan 2>"$TEST_TMP/err"; rc=$?
check_eq "a refused TCP adapter exits 3" 3 "$rc"

"$OBDCON" --port sim:nosuchcar scan 2>"$TEST_TMP/err"; rc=$?
check_eq "an unknown simulated vehicle exits 2" 2 "$rc"
check_contains "the unknown vehicle is named" "nosuchcar" "$(cat "$TEST_TMP/err")"

"$OBDCON" --demo code mirror_fold_on_lock 2>"$TEST_TMP/err"; rc=$?
check_eq "code without =VALUE exits 2" 2 "$rc"
"$OBDCON" --demo code mirror_fold_on_lock=maybe 2>"$TEST_TMP/err"; rc=$?
check_eq "code with a bad value exits 2" 2 "$rc"
check_contains "bad value is named with what is allowed" '"maybe" is not off or on' "$(cat "$TEST_TMP/err")"
# The console without a terminal says so and ends (it used to spin).
timeout 20 "$OBDCON" --demo </dev/null >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "the console without a terminal exits 2" 2 "$rc"
check_contains "and says it needs one" "the console needs a terminal" "$(cat "$TEST_TMP/err")"
# Output that cannot be written is an error; a closed stdout is not taken
# by a session file (the samples went into the transcript once).
"$OBDCON" --demo scan >/dev/full 2>"$TEST_TMP/err"; rc=$?
check_eq "scan into a full disk exits 1" 1 "$rc"
check_contains "and says the output was lost" "writing to standard output failed" "$(cat "$TEST_TMP/err")"
XDG_DATA_HOME="$TEST_TMP/closed" "$OBDCON" --demo live 0C --count 5 >&- 2>/dev/null; rc=$?
check_eq "live with stdout closed exits 0" 0 "$rc"
t=$(find "$TEST_TMP/closed" -name transcript.log | head -n 1)
check "its transcript holds no sample lines" sh -c "test -s '$t' && ! grep -q 'Engine speed' '$t'"
# A link lost while the features are read: what was not read says so and
# is not called unsupported; the command fails.
out=$("$OBDCON" --port "sim:demo,faults=eof@1500" features 2>"$TEST_TMP/err"); rc=$?
check_eq "features with the link lost exits 1" 1 "$rc"
check_contains "a feature not read says so" "not read: reading DID 0600" "$out"
check "and is not called unsupported" sh -c "! printf '%s' \"\$1\" | grep -q 'unsupported: reading'" sh "$out"
check_contains "the count is on stderr" "coding features could not be read" "$(cat "$TEST_TMP/err")"
out=$("$OBDCON" --demo flash -l 2>/dev/null); rc=$?
check_eq "-l is --list, as documented (exit 0)" 0 "$rc"
check_contains "and lists the procedures" "engine_sw" "$out"
"$OBDCON" --demo --json code horn_on_lock=on --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "--json on a command without JSON output exits 2" 2 "$rc"
check_contains "and says which have it" "code has no --json output" "$(cat "$TEST_TMP/err")"
finish
