#!/bin/sh
# Integration: scan of the simulated vehicle, as JSON and as text, and the
# session it leaves behind.
. "$top_srcdir/tests/lib.sh"

json=$("$OBDCON" --port sim: scan --json 2>"$TEST_TMP/err"); rc=$?
check_eq "scan --json exits 0" 0 "$rc"
check_eq "VIN read from the vehicle" "OBDDEMO0SIM000001" "$(printf '%s' "$json" | jq -r .vin)"
check_eq "brand script matched" "obdcon demo vehicle (simulated)" "$(printf '%s' "$json" | jq -r .brand)"
check_eq "three modules found" "01 09 17" "$(printf '%s' "$json" | jq -r '[.modules[].id] | join(" ")')"
check_eq "engine part number (F187)" "06K906070AB" "$(printf '%s' "$json" | jq -r '.modules[0].part')"
check_eq "body software version (F189)" "0450" "$(printf '%s' "$json" | jq -r '.modules[1].sw')"
check_eq "cluster hardware version (F191)" "5K0920870" "$(printf '%s' "$json" | jq -r '.modules[2].hw')"
check_eq "CAN IDs as numbers" "1806 1912" "$(printf '%s' "$json" | jq -r '.modules[1] | "\(.tx) \(.rx)"')"
check_eq "every module answered" "true" "$(printf '%s' "$json" | jq -r '[.modules[].present] | all')"
check_eq "stdout is one JSON document" "1" "$(printf '%s' "$json" | jq -s length)"

text=$("$OBDCON" --demo scan 2>/dev/null); rc=$?
check_eq "scan (text) exits 0" 0 "$rc"
check_contains "text scan shows the VIN" "VIN OBDDEMO0SIM000001" "$text"
check_contains "text scan shows a module line" "09   Central electrics        70E/778  part 5K0937087AB" "$text"

archives=$(find "$SESSIONS" -maxdepth 1 -name '*-OBDDEMO0SIM000001*.tar.gz' | wc -l)
check_eq "each run left an archive named by time and VIN" 2 "$archives"
dir=$(find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d | sort | head -n 1)
check_eq "session directory is private (0700)" 700 "$(stat -c %a "$dir")"
check_eq "transcript is private (0600)" 600 "$(stat -c %a "$dir/transcript.log")"
check "transcript records the VIN request as sent" grep -q ' TX 22F190\\r$' "$dir/transcript.log"
check "transcript records the adapter's reply bytes" grep -q ' RX 7E8101462F1904F4244' "$dir/transcript.log"
manifest="$dir/manifest.json"
check_eq "manifest names the VIN" "OBDDEMO0SIM000001" "$(jq -r .vin "$manifest")"
check_eq "manifest lists the modules" "3" "$(jq '.modules | length' "$manifest")"
check_eq "manifest says the session ended cleanly" "true" "$(jq .clean "$manifest")"
want=$(sha256sum "$dir/transcript.log" | cut -d' ' -f1)
check_eq "manifest SHA-256 of the transcript matches" "$want" "$(jq -r '.files[] | select(.path == "transcript.log") | .sha256' "$manifest")"
finish
