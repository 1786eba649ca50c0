#!/bin/sh
# Raw UDS requests: replies as hex, negative answers by name (exit 1),
# --yes for requests that change a module, requests from stdin, and a
# request longer than one frame sent with host-built ISO-TP.
. "$top_srcdir/tests/lib.sh"
state="$TEST_TMP/car.state"
port="sim:demo,state=$state"

out=$("$OBDCON" --port "$port" uds --to 70E:778 22F190 22F187 2>"$TEST_TMP/err"); rc=$?
check_eq "two reads exit 0" 0 "$rc"
check_eq "first reply is the VIN record" "62 F1 90 4F 42 44 44 45 4D 4F 30 53 49 4D 30 30 30 30 30 31" "$(printf '%s\n' "$out" | sed -n 1p)"
check_eq "second reply is the part number" "62 F1 87 35 4B 30 39 33 37 30 38 37 41 42" "$(printf '%s\n' "$out" | sed -n 2p)"

out=$("$OBDCON" --port "$port" uds --to 70E:778 22F1FF 2>/dev/null); rc=$?
check_eq "a negative answer exits 1" 1 "$rc"
check_contains "the negative answer is named" "requestOutOfRange (0x31)" "$out"

"$OBDCON" --port "$port" uds --to 70E:778 2E0601041E 2>"$TEST_TMP/err"; rc=$?
check_eq "a write without --yes is refused before connecting (exit 2)" 2 "$rc"
check_contains "the refusal says why" "changes the module: give --yes" "$(cat "$TEST_TMP/err")"
check "nothing reached the car" test ! -e "$state"

"$OBDCON" --port "$port" uds --to 70E:778 "2701" "2702AABB" 2>"$TEST_TMP/err"; rc=$?
check_eq "a security key needs --yes too (exit 2)" 2 "$rc"

"$OBDCON" --port "$port" uds --to 7G0 22F190 2>"$TEST_TMP/err"; rc=$?
check_eq "a malformed CAN ID exits 2" 2 "$rc"
"$OBDCON" --port "$port" uds --to 70E:778 22F19 2>"$TEST_TMP/err"; rc=$?
check_eq "an odd number of hex digits exits 2" 2 "$rc"

coding="000C1A3F2104008050180022094511300C00000001000000"
out=$("$OBDCON" --port "$port" --yes uds --to 70E:778 "2E0600$coding" 220600 2>"$TEST_TMP/err"); rc=$?
check_eq "a 27-byte write (4 frames) and its read-back exit 0" 0 "$rc"
check_eq "the write is confirmed" "6E 06 00" "$(printf '%s\n' "$out" | sed -n 1p)"
check_eq "the read-back holds the 24 bytes written" "62 06 00 $(echo "$coding" | sed 's/../& /g; s/ $//')" "$(printf '%s\n' "$out" | sed -n 2p)"
check "the simulated car kept the new coding" grep -q "^did 09 0600 $coding\$" "$state"
dir=$(find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
check "the first frame announces 27 bytes" grep -q ' TX 101B2E0600000C1A' "$dir/transcript.log"
check "the last consecutive frame was sent" grep -q ' TX 2300000001000000' "$dir/transcript.log"

out=$(printf '22F187\n# a comment\n\n220601\n' | "$OBDCON" --port "$port" uds --to 70E:778 - 2>/dev/null); rc=$?
check_eq "requests from stdin exit 0" 0 "$rc"
check_eq "stdin gives one reply per request line" 2 "$(printf '%s\n' "$out" | wc -l)"
printf '2E0601041E\n' | "$OBDCON" --port "$port" uds --to 70E:778 - 2>"$TEST_TMP/err"; rc=$?
check_eq "a changing request from stdin without --yes exits 2" 2 "$rc"
check_contains "and is named" "2E0601041E" "$(cat "$TEST_TMP/err")"

# Every line of stdin is checked before the first request is sent: a
# refused line anywhere sends nothing, and is named by its number.
out=$(printf '22F190\n2E0601041E\n' | "$OBDCON" --port "$port" uds --to 70E:778 - 2>"$TEST_TMP/err"); rc=$?
check_eq "a refused second line exits 2" 2 "$rc"
check_eq "and nothing was sent, not even the first line" "" "$out"
check_contains "the line is named by its number" "stdin line 2 (nothing was sent)" "$(cat "$TEST_TMP/err")"
printf '22F190\nZZ\n' | "$OBDCON" --port "$port" uds --to 70E:778 - 2>"$TEST_TMP/err"; rc=$?
check_contains "a line that is not hex is named by its number" "stdin line 2 (nothing was sent): 'ZZ' is not a request in hex" "$(cat "$TEST_TMP/err")"
# A line longer than any buffer is one request, refused whole (it used to
# be cut in two, its tail sent as a request of its own: 11 01, a reset).
long=$(awk 'BEGIN { printf "22 F1 90"; for (i = 0; i < 4095; i++) printf " 00"; printf " 11 01\n" }')
out=$(printf '%s\n' "$long" | "$OBDCON" --port "$port" --yes uds --to 70E:778 - 2>"$TEST_TMP/err"); rc=$?
check_eq "a request longer than 4095 bytes exits 2" 2 "$rc"
check_contains "and says how long it is" "a request of 4100 bytes: the longest is 4095" "$(cat "$TEST_TMP/err")"
check_eq "nothing was sent" "" "$out"

out=$("$OBDCON" ports 2>&1); rc=$?
check_eq "ports lists the serial ports and exits 0" 0 "$rc"
finish
