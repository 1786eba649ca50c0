#!/bin/sh
# Sessions end to end: undo a coding with restore (directory and archive),
# refusal for another car, listing, export in three formats, import with
# verification (a tampered archive is refused), and replay of a recorded
# scan giving the same output.
. "$top_srcdir/tests/lib.sh"
state="$TEST_TMP/car.state"
port="sim:demo,state=$state"

"$OBDCON" --port "$port" code mirror_fold_on_lock=on horn_on_lock=on --yes >/dev/null 2>&1
coding=$(find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d | sort | head -n 1)
check "the simulated car holds the new coding" grep -q '^did 09 0601 051E$' "$state"

out=$("$OBDCON" --port "$port" restore "$coding" 2>"$TEST_TMP/err" </dev/null); rc=$?
check_eq "restore without --yes and no terminal writes nothing (exit 1)" 1 "$rc"
check "the coding is still the new one" grep -q '^did 09 0601 051E$' "$state"
declined=$(session_of "$TEST_TMP/err")
check_eq "the declined restore is listed as not confirmed" "scan restore (not confirmed)" \
	"$(jq -r '.operations | join(" ")' "$declined/manifest.json")"

out=$("$OBDCON" --port "$port" restore "$coding" --yes 2>"$TEST_TMP/err"); rc=$?
check_eq "restore --yes exits 0" 0 "$rc"
check_contains "restore reports the verified write" "1 DID written and verified" "$out"
check "the car is back to its original coding" grep -q '^did 09 0601 001E$' "$state"
latest=$(find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
check_eq "the restore session backed up what it overwrote" "051e" "$(od -An -tx1 "$latest/backups/09-0601.bin" | tr -d ' \n')"
check_eq "the restore session lists the restore" "scan restore" "$(jq -r '.operations | join(" ")' "$latest/manifest.json")"

"$OBDCON" --port "$port" code mirror_fold_on_lock=on --yes >/dev/null 2>&1
archive="$coding.tar.gz"
out=$("$OBDCON" --port "$port" restore "$archive" --yes 2>"$TEST_TMP/err"); rc=$?
check_eq "restore from the archive exits 0" 0 "$rc"
check "the archive brought the original coding back" grep -q '^did 09 0601 001E$' "$state"

"$OBDCON" --port sim:vw restore "$coding" --yes 2>"$TEST_TMP/err"; rc=$?
check_eq "restore onto another car is refused (exit 1)" 1 "$rc"
check_contains "the refusal names both VINs" "VIN OBDDEMO0SIM000001; this car is WVWZZZAUZOSIM0001" "$(cat "$TEST_TMP/err")"

list=$("$OBDCON" sessions --json); rc=$?
check_eq "sessions --json exits 0" 0 "$rc"
check_eq "every session is listed" "$(find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d | wc -l)" "$(printf '%s' "$list" | jq '.sessions | length')"
check_eq "all ended cleanly" "true" "$(printf '%s' "$list" | jq '[.sessions[].clean] | all')"
check_contains "the text listing has a header" "STARTED" "$("$OBDCON" sessions)"

name=$(basename "$coding")
for fmt in tar.gz tar.xz zip; do
	out=$("$OBDCON" export "$name" --format "$fmt" -o "$TEST_TMP/export.$fmt" 2>&1); rc=$?
	check_eq "export --format $fmt exits 0" 0 "$rc"
done
gz=$(tar -tzf "$TEST_TMP/export.tar.gz" | sort)
check_eq "tar.xz lists the same files as tar.gz" "$gz" "$(tar -tJf "$TEST_TMP/export.tar.xz" | sort)"
check_eq "zip lists the same files as tar.gz" "$gz" "$(unzip -Z1 "$TEST_TMP/export.zip" | sort)"
check_contains "the archive holds the backup" "$name/backups/09-0601.bin" "$gz"

out=$("$OBDCON" import "$TEST_TMP/export.zip"); rc=$?
check_eq "import of an exported archive exits 0" 0 "$rc"
check "the imported session has its backup" test -f "$out/backups/09-0601.bin"

mkdir "$TEST_TMP/t" && tar -xzf "$TEST_TMP/export.tar.gz" -C "$TEST_TMP/t"
printf 'X' | dd of="$TEST_TMP/t/$name/transcript.log" bs=1 seek=40 conv=notrunc 2>/dev/null
(cd "$TEST_TMP/t" && tar -czf "$TEST_TMP/tampered.tar.gz" "$name")
before=$(find "$SESSIONS" | wc -l)
"$OBDCON" import "$TEST_TMP/tampered.tar.gz" 2>"$TEST_TMP/err"; rc=$?
check_eq "import of a tampered archive is refused (exit 2)" 2 "$rc"
check_contains "the refusal names the file" "transcript.log" "$(cat "$TEST_TMP/err")"
check_eq "nothing was added to the sessions folder" "$before" "$(find "$SESSIONS" | wc -l)"

"$OBDCON" --port sim:demo scan --json >"$TEST_TMP/live.json" 2>/dev/null
recorded=$(find "$SESSIONS" -maxdepth 1 -name '*.tar.gz' -newer "$TEST_TMP/export.zip" | sort | tail -n 1)
"$OBDCON" --port "replay:$recorded" scan --json >"$TEST_TMP/replayed.json" 2>/dev/null; rc=$?
check_eq "scan over a replayed session exits 0" 0 "$rc"
check_eq "the replayed scan gives the same output" "$(cat "$TEST_TMP/live.json")" "$(cat "$TEST_TMP/replayed.json")"
name=$(basename "$recorded" .tar.gz)
"$OBDCON" --port "replay:$name" scan --json >"$TEST_TMP/byname.json" 2>/dev/null; rc=$?
check_eq "replay:NAME finds the session by its name (exit 0)" 0 "$rc"
check_eq "and gives the same output" "$(cat "$TEST_TMP/live.json")" "$(cat "$TEST_TMP/byname.json")"
# What a session did is listed: fault codes read and cleared, raw requests.
"$OBDCON" --port "$port" dtc --clear --yes >/dev/null 2>"$TEST_TMP/err"
latest=$(session_of "$TEST_TMP/err")
check_eq "a clear is listed" "scan dtc dtc clear" "$(jq -r '.operations | join(" ")' "$latest/manifest.json")"
"$OBDCON" --port "$port" --yes uds --to 70E:778 22F190 2E0601001E >/dev/null 2>"$TEST_TMP/err"
latest=$(session_of "$TEST_TMP/err")
check_eq "raw requests are listed, writes as such" "uds uds (writing)" "$(jq -r '.operations | join(" ")' "$latest/manifest.json")"
finish
