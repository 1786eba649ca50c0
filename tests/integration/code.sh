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
finish
