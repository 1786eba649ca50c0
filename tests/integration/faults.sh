#!/bin/sh
# Integration: the fault matrix. Every fault the simulator injects is
# crossed with every operation; each cell runs once under `timeout` and
# checks the outcome the pair should have:
# - a transient fault (junk bytes, adapter reset, BUFFER FULL, CAN ERROR,
#   a 0x78 storm, low voltage) is recovered from: exit 0, the right result;
# - a lost link (EOF) or a module that stops answering ends in a clear
#   error: a non-zero exit and one final "obdcon: ..." line on stderr;
# - dropped bytes may go either way, but never wrongly: an exit 0 without
#   the full result must name what it left out;
# and in every cell: no crash signal, no sanitizer report, no hang; the
# session is saved with a transcript that holds the traffic up to the fault
# (for EOF, exactly the bytes that crossed the link); the simulated car is
# unchanged, or has the change asked for, or is brought back by restoring
# from the cell's own session. The matrix is printed at the end.
#
# The faults hit the middle of each operation's own work: the Nth data
# request, or bytes into its reply, found from a run without faults; for
# a flash, the middle block of its download. A flash cut after its point
# of no return is finished with `flash --resume` from the cell's session,
# and the car must then hold the image.
. "$top_srcdir/tests/lib.sh"

LIMIT=40 # seconds a cell may take before `timeout` ends it (a failure)
OPS="scan dtc live code restore flash"
FAULTS="drop junk reset bufferfull canerror pending silent volts eof"
T=$TEST_TMP

# Runs obdcon on a simulated demo car kept in a state file, under timeout.
# run STATE FAULTS OUT ERR ARGS...: the exit status is in $rc.
run() {
	port="sim:demo,state=$1"
	[ -n "$2" ] && port="$port,faults=$2"
	out=$3 err=$4
	shift 4
	timeout "$LIMIT" "$OBDCON" --port "$port" "$@" >"$out" 2>"$err" </dev/null
	rc=$?
}

# The data requests of a transcript (hex lines sent), one a line.
requests() {
	awk '$2 == "TX" && $3 ~ /^[0-9A-F]+\\r$/ { print $3 }' "$1"
}

# Bytes a transcript line carries (escapes such as \r or \x00 count one).
# position TRANSCRIPT K: prints the link bytes up to the end of the Kth data
# request, and the adapter's output bytes before its reply.
position() {
	awk -v k="$2" '{ d = $0; sub(/^[^ ]* [^ ]* /, "", d); gsub(/\\x[0-9A-F][0-9A-F]|\\./, "X", d)
		if ($2 == "TX" && $3 ~ /^[0-9A-F]+\\r$/ && ++r == k) { print n + length(d), rx; exit }
		n += length(d); if ($2 == "RX") rx += length(d) }' "$1"
}

# All the bytes a transcript records, both ways.
traffic() {
	awk '{ d = $0; sub(/^[^ ]* [^ ]* /, "", d); gsub(/\\x[0-9A-F][0-9A-F]|\\./, "X", d)
		n += length(d) } END { print n + 0 }' "$1"
}

# heard TRANSCRIPT K: the CAN request ID the Kth data request went to, and
# how many requests were sent to it before (functional ones not counted:
# only some modules hear them; consecutive frames of a request sent frame
# by frame, 16 hex digits from 2x, not counted: they are one request).
heard() {
	awk -v k="$2" 'BEGIN { h = "7DF" }
		$2 == "TX" && $3 ~ /^ATSH[0-9A-F]+\\r$/ { h = substr($3, 5, length($3) - 6) }
		$2 == "TX" && $3 ~ /^AT[ZD]\\r$/ { h = "7DF" }
		$2 == "TX" && $3 ~ /^[0-9A-F]+\\r$/ { if (++r == k) { print h, n[h] + 0; exit }
			if ($3 !~ /^2[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]\\r$/) n[h]++ }' "$1"
}

# Index (1-based) of the Nth data request matching a pattern.
nth_request() {
	requests "$1" | grep -n "$2" | sed -n "${3}p" | cut -d: -f1
}

# The command line of an operation.
op_args() {
	case $1 in
	scan) echo "scan --json" ;;
	dtc) echo "dtc --json" ;;
	live) echo "live 0C 0D 05 -n 3 --json" ;;
	code) echo "code mirror_fold_on_lock=on --yes" ;;
	restore) echo "restore $source --yes" ;;
	flash) echo "flash engine_sw $T/engine.bin --yes" ;;
	esac
}

# The state the car starts an operation in, and the state a success leaves.
op_start() {
	case $1 in restore) echo "$T/on.state" ;; *) echo "$T/off.state" ;; esac
}
op_end() {
	case $1 in
	code) echo "$T/on.state" ;;
	flash) echo "$T/flashed.state" ;;
	*) echo "$T/off.state" ;;
	esac
}

# True when an operation's output is its full, right result.
op_result_ok() {
	case $1 in
	scan) [ "$(jq -r '[.modules[].part] | join(" ")' "$2" 2>/dev/null)" = "06K906070AB 5K0937087AB 5K0920870C" ] ;;
	dtc) [ "$(jq -r '[.modules[] | "\(.id):\(.read):\(.dtcs | length)"] | join(" ")' "$2" 2>/dev/null)" = "01:true:1 09:true:1 17:true:0" ] ;;
	live) [ "$(jq -r '.samples | length' "$2" 2>/dev/null)" = 9 ] ;;
	code) grep -q "1 DID written and verified" "$2" ;;
	restore) grep -q "1 DID written and verified" "$2" ;;
	flash) grep -q "the module runs the image's software" "$2" ;;
	esac
}

# True when an operation that ended well without its full result says what
# it left out: a scan marks each module it could not identify with the
# reason, dtc warns about each module whose codes it did not read.
op_result_told() {
	case $1 in
	scan) jq -e '[.modules[] | select(.present == false and (.error // "") == "")] | length == 0' "$2" >/dev/null 2>&1 ;;
	dtc) for id in 01 09 17; do
		jq -e --arg id "$id" '.modules[] | select(.id == $id and .read)' "$2" >/dev/null 2>&1 ||
			grep -q "^obdcon: warning: $id " "$3" || return 1
	done ;;
	*) return 1 ;;
	esac
}

# --- The car's states and the session to restore from, without faults. ---
run "$T/off.state" "" "$T/o" "$T/e" code mirror_fold_on_lock=on --yes
run "$T/off.state" "" "$T/o" "$T/e" code mirror_fold_on_lock=off --yes
check_eq "setup: the car is coded off and back (exit 0)" 0 "$rc"
cp "$T/off.state" "$T/on.state"
run "$T/on.state" "" "$T/o" "$T/e" code mirror_fold_on_lock=on --yes
source=$(session_of "$T/e")
check "setup: a coding session to restore from" test -f "$source/backups/09-0601.bin"
check "setup: coding changed the car" test "$(cat "$T/on.state")" != "$(cat "$T/off.state")"
"$top_builddir/tests/integration/mkimage" raw "$T/engine.bin" 65536 3
"$top_builddir/tests/integration/mkimage" put "$T/engine.bin" 0x100 "06K906070AB 2140"
cp "$T/off.state" "$T/flashed.state"
run "$T/flashed.state" "" "$T/o" "$T/e" flash engine_sw "$T/engine.bin" --yes
check_eq "setup: a flash of the engine (exit 0)" 0 "$rc"

# --- Dry runs: where each operation's own work lies. ---
for op in $OPS; do
	cp "$(op_start $op)" "$T/dry.state"
	# shellcheck disable=SC2046
	run "$T/dry.state" "" "$T/dry-$op.out" "$T/dry-$op.err" $(op_args $op)
	dir=$(session_of "$T/dry-$op.err")
	check_eq "dry run of $op exits 0" 0 "$rc"
	check "dry run of $op gives the full result" op_result_ok $op "$T/dry-$op.out"
	check "dry run of $op leaves the expected car" cmp -s "$(op_end $op)" "$T/dry.state"
	case $op in
	scan) k=$(nth_request "$dir/transcript.log" '^22F187' 2) ;; # the second module's identification
	dtc) k=$(nth_request "$dir/transcript.log" 1902FF 2) ;; # the second module's codes
	live) k=$(nth_request "$dir/transcript.log" '^010C' 2) ;; # the second round
	flash) k=$(nth_request "$dir/transcript.log" '^140236' 32) ;; # the middle block
	*) k=$(nth_request "$dir/transcript.log" '^2E' 1) ;;    # the write
	esac
	set -- $(position "$dir/transcript.log" "$k") $(heard "$dir/transcript.log" "$k")
	ecu=$(jq -r --argjson tx "$((0x$3))" '.modules[] | select(.tx == $tx) | .id' "$T/dry-scan.out")
	eval "req_$op=$k eof_$op=$(($1 + 6)) reset_$op=$(($2 + 6)) silent_$op=$ecu@$4"
done

# The fault text of a cell.
fault_spec() {
	eval "k=\$req_$2 eofat=\$eof_$2 resetat=\$reset_$2 silentat=\$silent_$2"
	case $1 in
	drop) echo "drop:0.004+seed:5" ;;
	junk) echo "junk:0.05+seed:2" ;;
	reset) echo "reset@$resetat" ;;
	bufferfull) echo "bufferfull@$k" ;;
	canerror) echo "canerror@$k" ;;
	pending) echo "pending:20" ;;
	silent) echo "silent:$silentat" ;;
	volts) echo "volts:10.8" ;;
	eof) echo "eof@$eofat" ;;
	esac
}

# What a fault must lead to: recover, error, or either. A scan lists a
# module that stops answering with what it could read, and says so.
fault_outcome() {
	case $1:$2 in
	drop:* | silent:scan) echo either ;;
	eof:* | silent:* | volts:flash) echo error ;; # a flash refuses a low battery
	*) echo recover ;;
	esac
}

# Checks one cell; prints "not ok" lines for what is wrong and returns 1.
cell() {
	fault=$1 op=$2
	spec=$(fault_spec "$fault" "$op")
	want=$(fault_outcome "$fault" "$op")
	what="$op with $spec"
	bad=0
	cp "$(op_start $op)" "$T/cell.state"
	# shellcheck disable=SC2046
	run "$T/cell.state" "$spec" "$T/cell.out" "$T/cell.err" $(op_args $op)
	if [ "$rc" -eq 124 ] || [ "$rc" -gt 128 ]; then
		fail "$what: ends by itself without a signal (exit $rc)" "$(tail -n 5 "$T/cell.err")"
		return 1
	fi
	if grep -q 'Sanitizer\|runtime error:\|Segmentation\|Assertion' "$T/cell.err"; then
		fail "$what: no sanitizer report" "$(grep -A 5 'Sanitizer\|runtime error:' "$T/cell.err" | head -n 20)"
		bad=1
	fi
	# The outcome the fault should have.
	last=$(grep -v '^obdcon: session saved in \|^obdcon: warning: ' "$T/cell.err" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		if [ "$want" = error ]; then
			fail "$what: fails (exit $rc)" "$(tail -n 5 "$T/cell.err")"
			bad=1
		elif ! op_result_ok $op "$T/cell.out" &&
			! { [ "$want" = either ] && op_result_told $op "$T/cell.out" "$T/cell.err"; }; then
			fail "$what: exit 0 only with the full result (or what is left out named)" \
				"$(head -c 600 "$T/cell.out")" "$(tail -n 5 "$T/cell.err")"
			bad=1
		fi
	else
		if [ "$want" = recover ]; then
			fail "$what: recovers (exit 0)" "exit $rc" "$(tail -n 5 "$T/cell.err")"
			bad=1
		fi
		case $last in
		"obdcon: "*) ;;
		*) fail "$what: ends with a one-line 'obdcon: ...' message" "$(tail -n 5 "$T/cell.err")"
			bad=1 ;;
		esac
	fi
	if [ "$fault" = silent ] && ! grep -q 'no answer' "$T/cell.err"; then
		fail "$what: the module that stopped answering is named" "$(tail -n 5 "$T/cell.err")"
		bad=1
	fi
	# The session: saved, with the traffic up to the fault.
	dir=$(session_of "$T/cell.err")
	if [ -z "$dir" ] || [ ! -s "$dir/transcript.log" ] || ! jq -e .vin "$dir/manifest.json" >/dev/null 2>&1; then
		fail "$what: the session is saved with its transcript and manifest" "$(tail -n 5 "$T/cell.err")"
		return 1
	fi
	if [ "$fault" = eof ] && [ "$(traffic "$dir/transcript.log")" != "${spec#eof@}" ]; then
		fail "$what: the transcript holds every byte up to the end of the link" \
			"transcript: $(traffic "$dir/transcript.log") bytes, link: ${spec#eof@}"
		bad=1
	fi
	if ! requests "$dir/transcript.log" | grep -q .; then
		fail "$what: the transcript holds the requests sent"
		bad=1
	fi
	# The car: as it was, as asked, or restorable from this session (a
	# flash cut after its point of no return: finished from it).
	if [ "$op" = flash ] && ! cmp -s "$T/cell.state" "$(op_start $op)" &&
		! cmp -s "$T/cell.state" "$(op_end $op)"; then
		cellrc=$rc
		run "$T/cell.state" "" "$T/undo.out" "$T/undo.err" flash --resume "$(basename "$dir")" --yes
		if ! cmp -s "$T/cell.state" "$(op_end $op)"; then
			fail "$what: the car is unchanged, flashed, or flashed by --resume" \
				"resume exit $rc: $(tail -n 2 "$T/undo.err")" "$(diff "$(op_end $op)" "$T/cell.state")"
			bad=1
		fi
		rc=$cellrc
	elif ! cmp -s "$T/cell.state" "$(op_start $op)" && ! cmp -s "$T/cell.state" "$(op_end $op)"; then
		run "$T/cell.state" "" "$T/undo.out" "$T/undo.err" restore "$dir" --yes
		if ! cmp -s "$T/cell.state" "$(op_start $op)"; then
			fail "$what: the car is unchanged, as asked, or restorable from the session" \
				"restore exit $rc: $(tail -n 2 "$T/undo.err")" "$(diff "$(op_start $op)" "$T/cell.state")"
			bad=1
		fi
	elif [ "$rc" -eq 0 ] && ! cmp -s "$T/cell.state" "$(op_end $op)"; then
		fail "$what: a success leaves the car as asked" "$(diff "$(op_end $op)" "$T/cell.state")"
		bad=1
	fi
	[ "$bad" -eq 0 ] || return 1
	if [ "$rc" -eq 0 ] && ! op_result_ok $op "$T/cell.out"; then
		pass "$what: exit 0, what it could not read named; session and car as expected"
	elif [ "$rc" -eq 0 ]; then
		pass "$what: exit 0 with the full result; session and car as expected"
	else
		pass "$what: exit $rc, '$(printf '%s' "$last" | cut -c 1-60)...'; session and car as expected"
	fi
}

# --- The matrix. ---
for fault in $FAULTS; do
	for op in $OPS; do
		if cell "$fault" "$op"; then
			eval "res_${fault}_$op=ok"
		else
			eval "res_${fault}_$op=FAIL"
		fi
	done
done

echo "# fault matrix: ok = the outcome the fault should have, FAIL = see above"
printf '# %-11s' "fault"
for op in $OPS; do printf ' %-8s' "$op"; done
printf '\n'
for fault in $FAULTS; do
	printf '# %-11s' "$fault"
	for op in $OPS; do eval "printf ' %-8s' \"\$res_${fault}_$op\""; done
	printf '\n'
done
finish
