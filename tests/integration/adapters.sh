#!/bin/sh
# Every simulated adapter profile, in process and over `obdcon sim --pty`
# and --tcp: the probe's choice of send path, a 2000-byte request, a
# multi-frame read, 29-bit identifiers, and each injected fault giving a
# recovery or a clear error, never a crash or a hang.
. "$top_srcdir/tests/lib.sh"

# Expected send path per profile (what the probe must find out).
path_of() {
	case $1 in
	elm327) echo elm-burst ;;
	clone15) echo elm-caf0 ;;
	stn1110 | stn2120) echo stpx ;;
	esac
}

long=$(printf '2EF1A0%s' "$(head -c 1997 /dev/zero | od -An -v -tx1 | tr -d ' \n' | sed 's/00/5A/g')")

for ad in elm327 clone15 stn1110 stn2120; do
	out=$(timeout 60 "$OBDCON" --port "sim:vw,adapter=$ad" uds --to 7E0 22F190 2>/dev/null); rc=$?
	check_eq "$ad: a multi-frame read exits 0" 0 "$rc"
	check_contains "$ad: the VIN came back whole" "62 F1 90 57 56 57 5A 5A 5A 41 55 5A 4F 53 49 4D 30 30 30 31" "$out"
	dir=$(find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
	check_eq "$ad: the probe chose the $(path_of $ad) path" "$(path_of $ad)" "$(jq -r '.info["adapter.path"]' "$dir/manifest.json")"
	out=$(timeout 60 "$OBDCON" --port "sim:vw,adapter=$ad" --yes uds --to 7E0 "$long" 2>/dev/null); rc=$?
	check_eq "$ad: a 2000-byte request reaches the module (it refuses the DID: exit 1)" 1 "$rc"
	check_contains "$ad: and its answer is read" "requestOutOfRange" "$out"
	out=$(timeout 60 "$OBDCON" --port "sim:truck,adapter=$ad" uds --to 18DA00F1 22F190 2>/dev/null); rc=$?
	check_eq "$ad: 29-bit identifiers work" 0 "$rc"
	check_contains "$ad: the truck's VIN over 29-bit" "62 F1 90 59 56 32" "$out"
done

for fault in "junk:0.05+seed:2" "reset@600+seed:1" "bufferfull@4" "canerror@4"; do
	out=$(timeout 60 "$OBDCON" --port "sim:demo,faults=$fault" scan --json 2>"$TEST_TMP/err"); rc=$?
	check_eq "fault $fault: the scan recovers (exit 0)" 0 "$rc"
	check_eq "fault $fault: every module identified" "06K906070AB 5K0937087AB 5K0920870C" "$(printf '%s' "$out" | jq -r '[.modules[].part] | join(" ")')"
done
timeout 60 "$OBDCON" --port "sim:demo,faults=eof@800" scan 2>"$TEST_TMP/err"; rc=$?
check_eq "fault eof: the scan stops with exit 1, not a hang" 1 "$rc"
check_contains "fault eof: the error says the link closed" "link closed" "$(cat "$TEST_TMP/err")"
dir=$(find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
check "fault eof: the transcript holds what came before the end" grep -q ' RX ' "$dir/transcript.log"

# The same driver over a pseudo-terminal served by `obdcon sim --pty`.
"$OBDCON" sim --pty "vw,adapter=stn2120" >"$TEST_TMP/pty.out" 2>"$TEST_TMP/pty.err" &
server=$!
for i in $(seq 1 100); do [ -s "$TEST_TMP/pty.out" ] && break; sleep 0.05; done
pty=$(head -n 1 "$TEST_TMP/pty.out")
out=$(timeout 60 "$OBDCON" --port "$pty" uds --to 7E0 22F190 2>"$TEST_TMP/err"); rc=$?
check_eq "over the pty ($pty): a multi-frame read exits 0" 0 "$rc"
check_contains "over the pty: the VIN came back" "62 F1 90 57 56 57" "$out"
out=$(timeout 60 "$OBDCON" --port "$pty" --yes uds --to 7E0 "$long" 2>/dev/null); rc=$?
check_eq "over the pty: a 2000-byte request reaches the module" 1 "$rc"
kill "$server"; wait "$server" 2>/dev/null

# And over TCP, as a Wi-Fi adapter.
"$OBDCON" sim --tcp 127.0.0.1:0 "demo" >"$TEST_TMP/tcp.out" 2>"$TEST_TMP/tcp.err" &
server=$!
for i in $(seq 1 100); do [ -s "$TEST_TMP/tcp.out" ] && break; sleep 0.05; done
addr=$(head -n 1 "$TEST_TMP/tcp.out" | sed 's/^listening on //')
out=$(timeout 60 "$OBDCON" --port "tcp:$addr" scan --json 2>"$TEST_TMP/err"); rc=$?
check_eq "over TCP ($addr): scan exits 0" 0 "$rc"
check_eq "over TCP: the VIN" "OBDDEMO0SIM000001" "$(printf '%s' "$out" | jq -r .vin)"
kill "$server"; wait "$server" 2>/dev/null
finish
