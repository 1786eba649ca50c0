#!/bin/sh
# Integration: coding a feature on and back off with `code ... --yes`, with
# the backup of the old value and the read-back checked in the session;
# unsupported and unknown features refused; no write without confirmation.
. "$top_srcdir/tests/lib.sh"

features=$("$OBDCON" --demo features --json 2>/dev/null); rc=$?
check_eq "features --json exits 0" 0 "$rc"
check_eq "mirror folding starts off" "off" "$(printf '%s' "$features" | jq -r '.features[] | select(.id == "mirror_fold_on_lock") | .value')"
check_eq "mirror folding is supported" "true" "$(printf '%s' "$features" | jq -r '.features[] | select(.id == "mirror_fold_on_lock") | .supported')"
check_eq "digital speed is unsupported, with the script's reason" "needs software 0300 or later (module has 0214)" \
	"$(printf '%s' "$features" | jq -r '.features[] | select(.id == "digital_speed") | .reason')"

# Coding on, then off again, against one simulated car kept in a state file.
state="$TEST_TMP/car.state"
out=$("$OBDCON" --port "sim:demo,state=$state" code mirror_fold_on_lock=on --yes 2>"$TEST_TMP/err"); rc=$?
check_eq "code ...=on --yes exits 0" 0 "$rc"
check_contains "code reports the verified write" "1 DID written and verified" "$out"
dir=$(find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
check_eq "backup holds the value before the write" "001e" "$(od -An -tx1 "$dir/backups/09-0601.bin" | tr -d ' \n')"
check "transcript shows the write" grep -q ' TX 2E0601041E1\?\\r$' "$dir/transcript.log"
check "transcript shows the read-back with the new value" grep -q ' RX 77805620601041E' "$dir/transcript.log"
check_eq "manifest records the backup" "09 1537 001E" "$(jq -r '.backups[0] | "\(.module) \(.did) \(.data)"' "$dir/manifest.json")"

features=$("$OBDCON" --port "sim:demo,state=$state" features --json 2>/dev/null)
check_eq "the car remembers the new value" "on" "$(printf '%s' "$features" | jq -r '.features[] | select(.id == "mirror_fold_on_lock") | .value')"

out=$("$OBDCON" --port "sim:demo,state=$state" code mirror_fold_on_lock=off --yes 2>/dev/null); rc=$?
check_eq "code ...=off --yes exits 0" 0 "$rc"
dir=$(find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
check_eq "second backup holds the 'on' value" "041e" "$(od -An -tx1 "$dir/backups/09-0601.bin" | tr -d ' \n')"
features=$("$OBDCON" --port "sim:demo,state=$state" features --json 2>/dev/null)
check_eq "the feature is off again" "off" "$(printf '%s' "$features" | jq -r '.features[] | select(.id == "mirror_fold_on_lock") | .value')"

out=$("$OBDCON" --port "sim:demo,state=$state" code mirror_fold_on_lock=off --yes 2>/dev/null); rc=$?
check_eq "setting a value it already has exits 0" 0 "$rc"
check_contains "and writes nothing" "nothing to write" "$out"

"$OBDCON" --port "sim:demo,state=$state" code digital_speed=on --yes 2>"$TEST_TMP/err"; rc=$?
check_eq "an unsupported feature is refused with exit 1" 1 "$rc"
check_contains "the refusal gives the reason" "needs software 0300" "$(cat "$TEST_TMP/err")"

"$OBDCON" --port "sim:demo,state=$state" code warp_drive=on --yes 2>"$TEST_TMP/err"; rc=$?
check_eq "an unknown feature exits 2" 2 "$rc"

"$OBDCON" --port "sim:demo,state=$state" code horn_on_lock=on </dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "without --yes and no terminal, nothing is written (exit 1)" 1 "$rc"
check_contains "and the user is told to give --yes" "give --yes" "$(cat "$TEST_TMP/err")"
features=$("$OBDCON" --port "sim:demo,state=$state" features --json 2>/dev/null)
check_eq "the refused change did not reach the car" "off" "$(printf '%s' "$features" | jq -r '.features[] | select(.id == "horn_on_lock") | .value')"

out=$("$OBDCON" --port "sim:demo,state=$state" code horn_on_lock=on mirror_fold_on_lock=on --yes 2>/dev/null); rc=$?
check_eq "two features of one DID in one transaction" 0 "$rc"
check_contains "merged into one write" "1 DID written and verified" "$out"

# Several kinds in one transaction: a choice, a number and text, on two modules.
port="sim:demo,state=$state"
out=$("$OBDCON" --port "$port" code auto_lock=30kmh welcome_light_time=45 workshop_code=12345 --yes 2>/dev/null); rc=$?
check_eq "a choice, a number and a text in one transaction exit 0" 0 "$rc"
features=$("$OBDCON" --port "$port" features --json 2>/dev/null)
check_eq "the choice reads back" "30kmh" "$(printf '%s' "$features" | jq -r '.features[] | select(.id == "auto_lock") | .value')"
check_eq "the number reads back with its unit" "45 s" "$(printf '%s' "$features" | jq -r '.features[] | select(.id == "welcome_light_time") | .value')"
check_eq "the text reads back" "12345" "$(printf '%s' "$features" | jq -r '.features[] | select(.id == "workshop_code") | .value')"
"$OBDCON" --port "$port" code welcome_light_time=99 --yes 2>"$TEST_TMP/err"; rc=$?
check_eq "a number outside its range exits 2" 2 "$rc"
check_contains "and says the range" "outside 0..60 s" "$(cat "$TEST_TMP/err")"

# A write the module refuses rolls back what was already written and says so.
mkdir -p "$XDG_CONFIG_HOME/obdcon/scripts"
cat >"$XDG_CONFIG_HOME/obdcon/scripts/zz-refused.lua" <<'LUA'
-- Test script: the engine module of the demo refuses writes of DID 0600.
local b = brand { id = "zz", name = "refusal test", vin_wmi = { "OBDDEMO0SIM" } }
local body = b:module { id = "09", name = "Central electrics", tx = 0x70E, rx = 0x778 }
local engine = b:module { id = "01", name = "Engine", tx = 0x7E0, rx = 0x7E8 }
body:feature { id = "zz_horn", name = "Horn", did = 0x0601, byte = 0, bit = 0 }
engine:feature { id = "zz_engine", name = "Engine bit", did = 0xF187, byte = 0, bit = 0 }
LUA
before=$(grep '^did 09 0601' "$state")
"$OBDCON" --port "$port" code zz_horn=off zz_engine=on --yes 2>"$TEST_TMP/err"; rc=$?
check_eq "a refused write fails the transaction (exit 1)" 1 "$rc"
check_contains "the refusal is named" "requestOutOfRange" "$(cat "$TEST_TMP/err")"
check_contains "the report says the first write was undone" "09 DID 0601 restored to its original value" "$(cat "$TEST_TMP/err")"
check_eq "the simulated car holds the original value again" "$before" "$(grep '^did 09 0601' "$state")"
rm "$XDG_CONFIG_HOME/obdcon/scripts/zz-refused.lua"

# A script failing at run time: file:line on screen, the traceback in the
# session's events; a script that does not load: recorded there too.
cat >"$XDG_CONFIG_HOME/obdcon/scripts/zz-broken.lua" <<'LUA'
-- Test script: a feature whose decode fails at run time.
local b = brand { id = "zzb", name = "broken decode test", vin_wmi = { "OBDDEMO0SIM" } }
local body = b:module { id = "09", name = "Central electrics", tx = 0x70E, rx = 0x778 }
local function explode(rec)
  error("decode exploded")
end
body:feature { id = "zz_broken", name = "Broken", kind = "custom", dids = { 0x0601 },
  values = { [0] = "off", [1] = "on" }, decode = function(rec) local v = explode(rec); return v end,
  encode = function(rec, v) return rec end }
LUA
printf 'this is not lua(\n' >"$XDG_CONFIG_HOME/obdcon/scripts/zz-syntax.lua"
"$OBDCON" --port "$port" features >/dev/null 2>"$TEST_TMP/err"
dir=$(session_of "$TEST_TMP/err")
check_contains "a run-time error names the script's file and line" "zz-broken.lua:5:" "$(cat "$TEST_TMP/err")"
check_contains "its traceback is in the session's events" "stack traceback:" "$(cat "$dir/events.log")"
check_contains "the traceback names the calling function" "zz-broken.lua:8:" "$(grep -A6 'stack traceback:' "$dir/events.log")"
check_contains "a script that does not load is recorded in the session" "script error while loading: " "$(cat "$dir/events.log")"
check_contains "with its file and line" "zz-syntax.lua:1:" "$(grep 'while loading' "$dir/events.log")"
rm "$XDG_CONFIG_HOME/obdcon/scripts/zz-broken.lua" "$XDG_CONFIG_HOME/obdcon/scripts/zz-syntax.lua"

# An adapter pulled out in the middle: the backup restores the car. A dry
# run on a copy of the car finds the byte where the write ends; the real
# run loses the link a few bytes later, while the console reads it back.
"$OBDCON" --port "$port" code mirror_fold_on_lock=off horn_on_lock=off --yes >/dev/null 2>&1
original=$(grep '^did 09 0601' "$state")
cp "$state" "$TEST_TMP/dry.state"
"$OBDCON" --port "sim:demo,state=$TEST_TMP/dry.state" code mirror_fold_on_lock=on horn_on_lock=on --yes >/dev/null 2>"$TEST_TMP/dry.err"
dry=$(session_of "$TEST_TMP/dry.err")
cut=$(awk '{ d = $0; sub(/^[^ ]* [^ ]* /, "", d); gsub(/\\x[0-9A-F][0-9A-F]|\\./, "X", d)
	if ($2 == "TX" && d ~ /^2E0601/) { print n + length(d) + 6; exit } n += length(d) }' "$dry/transcript.log")
check "the dry run found the write ($cut)" test -n "$cut"
"$OBDCON" --port "sim:demo,state=$state,faults=eof@$cut" code mirror_fold_on_lock=on horn_on_lock=on --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check "the write reached the car before the link was lost" test "$(grep '^did 09 0601' "$state")" != "$original"
check "the transaction cut by EOF fails" test "$rc" -ne 0
dir=$(session_of "$TEST_TMP/err")
check "the cut session has the backup" test -f "$dir/backups/09-0601.bin"
out=$("$OBDCON" --port "$port" restore "$dir" --yes 2>&1); rc=$?
check_eq "restore from the cut session exits 0" 0 "$rc"
check_eq "the car is back to its state before the cut transaction" "$original" "$(grep '^did 09 0601' "$state")"
finish
