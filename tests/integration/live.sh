#!/bin/sh
# Live data on every simulated vehicle, on the addressing each one uses:
# 11-bit 7E0/7E8 on demo, vw and ford; on the 29-bit truck (250 kbit/s)
# the engine ECU that answered the protocol search at connect, physically
# on 18DA00F1 with its replies on 18DAF100. The protocol recorded in the
# session is the one the vehicle uses (the adapter is left on it after
# the search), the generic engine module of a vehicle without a brand
# script is that ECU too, and every adapter profile reads the truck's
# engine.
. "$top_srcdir/tests/lib.sh"

# Runs live on PORT with the PIDs given; the JSON goes to $json, the
# session directory to $dir, the exit status to $rc.
live() {
	port=$1
	shift
	json=$("$OBDCON" --port "$port" --count 2 --json live "$@" 2>"$TEST_TMP/err"); rc=$?
	dir=$(session_of "$TEST_TMP/err")
}

# The value of "adapter.protocol" in a session's manifest.
protocol_of() {
	jq -r '.info."adapter.protocol"' "$1/manifest.json"
}

# The headers (ATSH) mode 01 requests starting with REQUEST were sent
# under in a transcript, one a line.
headers_of() {
	awk -v req=" TX $2" '/ TX ATSH/ { h = $3 } index($0, req) { print h }' "$1" | sort -u
}

for v in demo vw ford; do
	live "sim:$v" 0C 0D
	check_eq "$v: live exits 0" 0 "$rc"
	check_eq "$v: two rounds of two PIDs give 4 samples" 4 \
		"$(printf '%s' "$json" | jq '.samples | length')"
	check_eq "$v: the engine speed is in rpm" "rpm" \
		"$(printf '%s' "$json" | jq -r '[.samples[] | select(.pid == 12)][0].unit')"
	check_eq "$v: the requests go to 7E0" 'ATSH7E0\r' "$(headers_of "$dir/transcript.log" 010C0D)"
	check_eq "$v: the protocol is 11-bit at 500 kbit/s" "ISO 15765-4 (CAN 11/500)" \
		"$(protocol_of "$dir")"
done

live sim:truck 0C 0D 05
check_eq "truck: live exits 0" 0 "$rc"
check_eq "truck: two rounds of three PIDs give 6 samples" 6 \
	"$(printf '%s' "$json" | jq '.samples | length')"
rpm=$(printf '%s' "$json" | jq '[.samples[] | select(.pid == 12)][0].value')
check "truck: the idling engine turns near 600 rpm ($rpm)" \
	test "${rpm%.*}" -ge 550 -a "${rpm%.*}" -le 650
check_eq "truck: the coolant temperature" "70 °C" \
	"$(printf '%s' "$json" | jq -r '[.samples[] | select(.pid == 5)][0] | "\(.value) \(.unit)"')"
check_eq "truck: the requests go to 18DA00F1 (ATCP 18, ATSH DA00F1)" 'ATSHDA00F1\r' \
	"$(headers_of "$dir/transcript.log" 010C0D05)"
check "truck: with the priority bits 18 (ATCP)" grep -q ' TX ATCP18\\r' "$dir/transcript.log"
check "truck: the replies are filtered on 18DAF100" \
	grep -q ' TX ATCRA18DAF100\\r' "$dir/transcript.log"
check_eq "truck: the protocol is 29-bit at 250 kbit/s" "ISO 15765-4 (CAN 29/250)" \
	"$(protocol_of "$dir")"
check_eq "truck: the search leaves the adapter on protocol 9 (ATDP follows ATSP9)" 'ATSP9\r' \
	"$(awk '/ TX ATSP/ { p = $3 } / TX ATDP\\r/ { print p; exit }' "$dir/transcript.log")"

# Without a brand script the generic engine module is the OBD-II engine
# ECU found at connect (18DA00F1), not a silent 7E0.
mkdir -p "$TEST_TMP/noscripts"
json=$(OBDCON_DATADIR="$TEST_TMP/noscripts" "$OBDCON" --port sim:truck --json scan 2>/dev/null)
check_eq "truck without brand script: the generic engine answers on 18DA00F1" \
	"engine true $((0x18DA00F1)) $((0x18DAF100)) true" \
	"$(printf '%s' "$json" | jq -r '.modules[0] | "\(.id) \(.present) \(.tx) \(.rx) \(.ext)"')"
check_eq "truck without brand script: the engine is not listed twice" 0 \
	"$(printf '%s' "$json" | jq '[.modules[] | select(.id == "18DA00F1")] | length')"

for ad in elm327 clone15 stn1110 stn2120; do
	live "sim:truck,adapter=$ad" 0C
	check_eq "truck with $ad: live exits 0" 0 "$rc"
	check_eq "truck with $ad: the engine speed is read" "rpm" \
		"$(printf '%s' "$json" | jq -r '.samples[0].unit')"
done
# A PID the engine does not support is refused by name, before any sample.
out=$("$OBDCON" --port sim:demo live 0C 0F --count 1 2>"$TEST_TMP/err"); rc=$?
check_eq "an unsupported PID exits 1" 1 "$rc"
check_eq "and no sample is printed" "" "$out"
check_contains "it names the PID and what the engine has" "does not support PID 0F (its supported-PID bitmaps leave it out); it supports 05 0C 0D 42" "$(cat "$TEST_TMP/err")"
# A bit-encoded value (the monitor status) is printed in hex.
out=$("$OBDCON" --port sim:vw live 01 --count 1 2>/dev/null)
check_contains "PID 01 is shown as its bits in hex" "Monitor status since DTCs cleared 01076500 (hex)" "$out"
finish
