#!/bin/sh
# Fault codes and live data against the simulated vehicles: codes read per
# module with status words and descriptions, cleared after a confirmation
# and read again; live values decoded with units, batched and single.
. "$top_srcdir/tests/lib.sh"
state="$TEST_TMP/car.state"
port="sim:demo,state=$state"

json=$("$OBDCON" --port "$port" dtc --json 2>/dev/null); rc=$?
check_eq "dtc --json exits 0" 0 "$rc"
check_eq "the engine reports P0301" "P0301" "$(printf '%s' "$json" | jq -r '.modules[] | select(.id == "01") | .dtcs[0].code')"
check_eq "with its description" "Cylinder 1 Misfire Detected" "$(printf '%s' "$json" | jq -r '.modules[] | select(.id == "01") | .dtcs[0].text')"
check_contains "and its status in words" "confirmed" "$(printf '%s' "$json" | jq -r '.modules[] | select(.id == "01") | .dtcs[0].status_text')"
check_eq "the body reports one code" 1 "$(printf '%s' "$json" | jq '.modules[] | select(.id == "09") | .dtcs | length')"

out=$("$OBDCON" --port "$port" dtc --module 09 2>/dev/null); rc=$?
check_eq "dtc --module 09 exits 0" 0 "$rc"
check_eq "only that module is shown" 1 "$(printf '%s\n' "$out" | grep -c '^[0-9]')"
"$OBDCON" --port "$port" dtc --module 99 2>"$TEST_TMP/err"; rc=$?
check_eq "an unknown module exits 2" 2 "$rc"

"$OBDCON" --port "$port" dtc --clear 2>"$TEST_TMP/err"; rc=$?
check_eq "dtc --clear without --yes is refused before connecting (exit 2)" 2 "$rc"

json=$("$OBDCON" --port "$port" dtc --clear --yes --module 01 --json 2>/dev/null); rc=$?
check_eq "dtc --clear --yes --module 01 exits 0" 0 "$rc"
check_eq "the engine's codes are gone when read again" 0 "$(printf '%s' "$json" | jq '.modules[0].dtcs | length')"
dir=$(find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
check "the cleared code is kept in the session's events" grep -q 'before clear: 01 P0301' "$dir/events.log"
json=$("$OBDCON" --port "$port" dtc --json 2>/dev/null)
check_eq "the simulated car remembers the clear" 0 "$(printf '%s' "$json" | jq '.modules[] | select(.id == "01") | .dtcs | length')"
check_eq "other modules keep theirs" 1 "$(printf '%s' "$json" | jq '.modules[] | select(.id == "09") | .dtcs | length')"

json=$("$OBDCON" --port sim:vw live 0C 0D 05 42 04 11 --count 3 --json 2>/dev/null); rc=$?
check_eq "live --json exits 0" 0 "$rc"
check_eq "six PIDs for three rounds give 18 samples" 18 "$(printf '%s' "$json" | jq '.samples | length')"
check_eq "rpm is a number with its unit" "number rpm" "$(printf '%s' "$json" | jq -r '.samples[0] | "\(.value | type) \(.unit)"')"
rpm=$(printf '%s' "$json" | jq '.samples[0].value')
check "the idling engine turns between 700 and 900 rpm ($rpm)" test "${rpm%.*}" -ge 700 -a "${rpm%.*}" -le 900
# The alternator's 14.2 V wanders by 0.1 V with modelled time, which runs on
# with the simulator's link model.
volts=$(printf '%s' "$json" | jq '.samples[] | select(.pid == 66) | .value' | head -n 1)
check "the module voltage is 14.1 to 14.3 V ($volts)" awk -v v="$volts" 'BEGIN { exit !(v >= 14.1 && v <= 14.3) }'
dir=$(find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
check_eq "batched: one request per round for six PIDs" 3 "$(grep -c ' TX 010C0D05420411' "$dir/transcript.log")"

json=$("$OBDCON" --port sim:vw live 0C 0D --count 2 --single --json 2>/dev/null); rc=$?
check_eq "live --single exits 0" 0 "$rc"
dir=$(find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
check_eq "single: one request per PID" 2 "$(grep -c ' TX 010C' "$dir/transcript.log")"
"$OBDCON" --port sim:vw live ZZ 2>/dev/null; rc=$?
check_eq "a malformed PID exits 2" 2 "$rc"
# A module whose codes could not be read is never cleared: the others are.
"$OBDCON" --port "sim:demo,state=$TEST_TMP/silent.state,faults=silent:09@2" dtc --clear --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "clear with a module that cannot be read exits 1" 1 "$rc"
check_contains "and names it" "09: reading DTCs" "$(cat "$TEST_TMP/err")"
check "the unread module keeps its code" grep -q '^dtc 09 9A1C13 08 1$' "$TEST_TMP/silent.state"
check "the others were cleared" grep -q '^dtc 01 030100 50 0$' "$TEST_TMP/silent.state"
finish
