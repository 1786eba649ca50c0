#!/bin/sh
# Integration: module discovery in scan. Against every simulated vehicle,
# scan finds every ECU of the profile with its identification, including
# the ECUs the brand script does not declare (marked "discovered"); 29-bit
# discovery on the truck; a range of silent identifiers, a module that
# answers late and one that goes silent after its first answer all end in
# a finished scan within the test's own deadline.
. "$top_srcdir/tests/lib.sh"

profiles="$top_srcdir/profiles/vehicles"
DEADLINE=120

# field_list PROFILE DID: the values of one string DID of every ECU of a
# vehicle profile, sorted, one a line.
field_list() {
	sed -n "s/^ *\[0x$2\] = \"\(.*\)\",.*/\1/p" "$1" | sed 's/ *$//' | sort
}

# tx_list PROFILE: the request identifiers of every ECU, as decimal
# numbers, sorted.
tx_list() {
	sed -n 's/^ *tx = \(0x[0-9A-Fa-f]*\),.*/\1/p' "$1" | while read -r tx; do
		printf '%d\n' "$tx"
	done | sort -n
}

# scan_json NAME PORT: runs scan --json under the deadline; sets rc, json
# and dir (the session directory).
scan_json() {
	json=$(timeout "$DEADLINE" "$OBDCON" --port "$2" scan --json 2>"$TEST_TMP/err-$1"); rc=$?
	dir=$(session_of "$TEST_TMP/err-$1")
}

for v in demo vw ford truck; do
	scan_json "$v" "sim:$v"
	check_eq "$v: scan exits 0" 0 "$rc"
	check_eq "$v: every ECU of the profile found (request identifiers)" \
		"$(tx_list "$profiles/$v.lua")" \
		"$(printf '%s' "$json" | jq -r '.modules[] | select(.present) | .tx' | sort -n)"
	check_eq "$v: every part number (F187) read" "$(field_list "$profiles/$v.lua" F187)" \
		"$(printf '%s' "$json" | jq -r '.modules[].part' | sort)"
	check_eq "$v: every software version (F189) read" "$(field_list "$profiles/$v.lua" F189)" \
		"$(printf '%s' "$json" | jq -r '.modules[].sw' | sort)"
	check_eq "$v: every serial number (F18C) read" "$(field_list "$profiles/$v.lua" F18C)" \
		"$(printf '%s' "$json" | jq -r '.modules[].serial' | sort)"
	check_eq "$v: every supplier (F18A) read where the ECU has one" \
		"$(field_list "$profiles/$v.lua" F18A)" \
		"$(printf '%s' "$json" | jq -r '.modules[].supplier | select(. != "")' | sort)"
done

# The demo's three ECUs are all declared by scripts/demo.lua.
scan_json demo2 sim:demo
check_eq "demo: nothing discovered besides the declared modules" "0" \
	"$(printf '%s' "$json" | jq '[.modules[] | select(.discovered)] | length')"
check "demo: the probes listen to the whole 11-bit reply range (ATCF/ATCM)" \
	grep -q ' TX ATCF700\\r$' "$dir/transcript.log"
check "demo: one TesterPresent to each request identifier (ATSH, then 3E00)" \
	grep -q ' TX ATSH7A3\\r$' "$dir/transcript.log"
check_eq "demo: the OBD reply identifiers are never probed" "" \
	"$(grep -E ' TX ATSH7E[89A-F]\\r$' "$dir/transcript.log")"

# vw: the airbag (715/77F, not request + 8) is not in scripts/vw.lua.
scan_json vw2 sim:vw
check_eq "vw: the airbag is discovered, with its identification" \
	"715 1919 AIRBAG VW10 5Q0959655AS 0841 5Q0959655 ASIM0000314159 SIMSUP01 true" \
	"$(printf '%s' "$json" | jq -r '.modules[] | select(.id == "715") | "\(.id) \(.rx) \(.name) \(.part) \(.sw) \(.hw) \(.serial) \(.supplier) \(.discovered)"')"
check_eq "vw: the declared modules are not marked discovered" "01 02 09 17 19" \
	"$(printf '%s' "$json" | jq -r '[.modules[] | select(.discovered | not) | .id] | join(" ")')"
text=$(timeout "$DEADLINE" "$OBDCON" --port sim:vw scan 2>/dev/null)
check_contains "vw: the text scan marks it" "715  AIRBAG VW10              715/77F  part 5Q0959655AS" "$text"
check_contains "vw: with its supplier, as discovered" "supplier SIMSUP01  (discovered)" "$text"

# ford: two undeclared modules, found on an STN adapter (one STPX per probe).
scan_json ford2 sim:ford,adapter=stn2120
check_eq "ford: the restraints and parking aid modules are discovered" \
	"736 PAM 12 SENSOR JX7T-15K866-AD,737 RCM GEN3 JX7T-14B321-AC" \
	"$(printf '%s' "$json" | jq -r '[.modules[] | select(.discovered) | "\(.id) \(.name) \(.part)"] | join(",")')"
check "ford: an STN adapter gets one STPX line per probe" \
	grep -q ' TX STPX h:737,d:3E00,t:12\\r$' "$dir/transcript.log"

# truck: 29-bit normal fixed addressing at 250 kbit/s.
scan_json truck2 sim:truck
check_eq "truck: the retarder is discovered on 29-bit identifiers" \
	"18DA10F1 true true RET 3500 21345678 SIMSUP03" \
	"$(printf '%s' "$json" | jq -r '.modules[] | select(.discovered) | "\(.id) \(.ext) \(.present) \(.name) \(.part) \(.supplier)"')"
check_eq "truck: its reply identifier is 18DAF110" "$((0x18DAF110))" \
	"$(printf '%s' "$json" | jq -r '.modules[] | select(.discovered) | .rx')"
check "truck: the probes listen to 18DAF1xx (ATCF/ATCM)" \
	grep -q ' TX ATCM1FFFFF00\\r$' "$dir/transcript.log"
check_eq "truck: no 11-bit range is probed on the 29-bit bus" "" \
	"$(grep ' TX ATCF700' "$dir/transcript.log")"
check_eq "truck: the tester's own address (F1) is not probed" "" \
	"$(grep -E ' TX ATSHDAF1F1\\r$' "$dir/transcript.log")"

# A range where nothing answers costs a short wait per identifier: with the
# link model in real time (throttle) and the slowest adapter (a clone at
# 38400 baud, two round trips per probe) the scan still ends in time.
scan_json slow "sim:demo,adapter=clone15,throttle=1"
check_eq "silent range: the throttled scan on a clone ends within ${DEADLINE} s" 0 "$rc"
check_eq "silent range: and finds the demo's three modules" "01 09 17" \
	"$(printf '%s' "$json" | jq -r '[.modules[] | select(.present) | .id] | join(" ")')"

# Modules that answer after the 12 ms wait (20 ms latency) are still
# found, with the right request identifier: the VW airbag's answer on 77F
# arrives in the wait of a later probe.
scan_json late "sim:vw,latency=20"
check_eq "late answers: the scan exits 0" 0 "$rc"
check_eq "late answers: the airbag is found at 715/77F all the same" "1813 1919 5Q0959655AS" \
	"$(printf '%s' "$json" | jq -r '.modules[] | select(.discovered) | "\(.tx) \(.rx) \(.part)"')"

# A module that goes silent after answering the probe is listed, with the
# reason, and the scan goes on.
scan_json silent "sim:vw,faults=silent:15@1"
check_eq "silent module: the scan exits 0" 0 "$rc"
check_eq "silent module: the airbag is listed, present, with the reason" \
	"715 true answers TesterPresent on 77F, but not its identification on 715" \
	"$(printf '%s' "$json" | jq -r '.modules[] | select(.discovered) | "\(.id) \(.present) \(.error)"')"
check_eq "silent module: every declared module identified" "01 02 09 17 19" \
	"$(printf '%s' "$json" | jq -r '[.modules[] | select(.part != "") | .id] | join(" ")')"
finish
