#!/bin/sh
# The simulator for other programs: "obdcon sim --list", "--pty" and
# "--tcp", used by plain tools (stty, printf, cat) and by obdcon itself as
# a client of the pty and of the TCP port.
. "$top_srcdir/tests/lib.sh"

# "obdcon sim" where obdcon dispatches it, else the same function as a
# program of its own.
if "$OBDCON" sim --list >/dev/null 2>&1; then
	SIM="$OBDCON sim"
else
	SIM="$top_builddir/tests/integration/sim_main"
fi

# wait_for FILE TEXT: polls FILE for TEXT, up to 5 s; fails if it never comes.
wait_for() {
	i=0
	while [ "$i" -lt 500 ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.01
		i=$((i + 1))
	done
	return 1
}

# prompts FILE: how many '>' FILE holds.
prompts() {
	tr -cd '>' <"$1" | wc -c | tr -d ' '
}

# wait_prompts FILE N: polls until FILE holds N prompts, up to 5 s.
wait_prompts() {
	i=0
	while [ "$i" -lt 500 ]; do
		[ "$(prompts "$1")" -ge "$2" ] && return 0
		sleep 0.01
		i=$((i + 1))
	done
	return 1
}

# visible FILE: the text with CR shown as '|' and LF as '~'.
visible() {
	tr '\r\n' '|~' <"$1"
}

out=$($SIM --list 2>"$TEST_TMP/err"); rc=$?
check_eq "sim --list exits 0" 0 "$rc"
tab=$(printf '\t')
for p in elm327 clone15 stn1110 stn2120; do
	check_contains "sim --list shows adapter $p, name first" "
$p${tab}adapter${tab}" "
$out"
done
check_contains "sim --list shows the demo vehicle" "
demo${tab}vehicle${tab}" "
$out"

$SIM --frobnicate >"$TEST_TMP/out" 2>"$TEST_TMP/err"; rc=$?
check_eq "bad usage exits 2" 2 "$rc"
check_contains "bad usage prints the usage" "Usage: obdcon sim --list" "$(cat "$TEST_TMP/err")"
$SIM --pty nosuchcar >"$TEST_TMP/out" 2>"$TEST_TMP/err"; rc=$?
check_eq "an unknown vehicle exits 2" 2 "$rc"
check_contains "the unknown vehicle is named" "nosuchcar" "$(cat "$TEST_TMP/err")"
$SIM --tcp 0 'demo,faults=wobble' >"$TEST_TMP/out" 2>"$TEST_TMP/err"; rc=$?
check_eq "an unknown fault exits 2" 2 "$rc"
check_contains "the unknown fault is named" "wobble" "$(cat "$TEST_TMP/err")"

# --pty: a terminal program's view (raw mode, printf, cat).
$SIM --pty 'demo,adapter=elm327' >"$TEST_TMP/pty.out" 2>"$TEST_TMP/pty.err" &
pid=$!
check "sim --pty prints the pty's path first" wait_for "$TEST_TMP/pty.out" /dev/
path=$(head -n 1 "$TEST_TMP/pty.out")
check "the path is a terminal device" test -c "$path"
stty -F "$path" raw -echo
exec 3<>"$path"
cat <&3 >>"$TEST_TMP/pty.reply" &
catpid=$!
printf 'ATI\r' >&3
check "ATI is answered" wait_prompts "$TEST_TMP/pty.reply" 1
printf 'ATE0\r' >&3
wait_prompts "$TEST_TMP/pty.reply" 2
printf 'ATSP6\r' >&3
wait_prompts "$TEST_TMP/pty.reply" 3
printf '0100\r' >&3
check "0100 is answered" wait_prompts "$TEST_TMP/pty.reply" 4
check_eq "the adapter's replies, byte for byte" \
	"ATI|~ELM327 v2.2|~|~>ATE0|~OK|~|~>OK|~|~>41 00 08 18 00 01 |~|~>" \
	"$(visible "$TEST_TMP/pty.reply")"
kill "$catpid" 2>/dev/null
wait "$catpid" 2>/dev/null
exec 3>&-
json=$("$OBDCON" --port "$path" scan --json 2>"$TEST_TMP/err"); rc=$?
check_eq "obdcon scans through the pty" 0 "$rc"
check_eq "the VIN comes through the pty" "OBDDEMO0SIM000001" "$(printf '%s' "$json" | jq -r .vin)"
json=$("$OBDCON" --port "$path" scan --json 2>"$TEST_TMP/err"); rc=$?
check_eq "a second client may open the pty after the first" 0 "$rc"
kill -TERM "$pid"
wait "$pid"; rc=$?
check_eq "sim --pty exits 0 on SIGTERM" 0 "$rc"
check_eq "sim --pty wrote nothing on stderr" "" "$(cat "$TEST_TMP/pty.err")"

# --tcp: obdcon as the client, one connection after the other.
$SIM --tcp 0 'demo,adapter=stn1110' >"$TEST_TMP/tcp.out" 2>"$TEST_TMP/tcp.err" &
pid=$!
check "sim --tcp says where it listens" wait_for "$TEST_TMP/tcp.out" "listening on"
port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$TEST_TMP/tcp.out")
check "it listens on the loopback address and a port" test -n "$port"
for n in 1 2; do
	json=$("$OBDCON" --port "tcp:127.0.0.1:$port" scan --json 2>"$TEST_TMP/err"); rc=$?
	check_eq "obdcon scans over TCP (connection $n)" 0 "$rc"
	check_eq "three modules over TCP (connection $n)" "01 09 17" \
		"$(printf '%s' "$json" | jq -r '[.modules[].id] | join(" ")')"
done
kill -INT "$pid"
wait "$pid"; rc=$?
check_eq "sim --tcp exits 0 on SIGINT" 0 "$rc"
# A state file that could never be saved is refused before anything runs.
"$OBDCON" --port "sim:demo,state=$TEST_TMP/no/such/dir/state" scan >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "a state file in a missing directory exits 2" 2 "$rc"
check_contains "and says why" "cannot be created: its directory does not exist" "$(cat "$TEST_TMP/err")"
"$OBDCON" --port "sim:demo,state=$TEST_TMP" scan >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "a directory as state file exits 2" 2 "$rc"
check_contains "and says so" "is not a regular file" "$(cat "$TEST_TMP/err")"
finish
