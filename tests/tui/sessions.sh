#!/bin/sh
# TUI test: the sessions screen. A coding session made in batch mode is
# listed with the one of the running console (time, VIN, clean or this
# one, how it is kept, what was done); its details show the manifest and
# the events, t its adapter transcript; it is exported as a zip that unzip
# reads, imported back with a path typed with Tab completion (a new session
# directory beside it, checked against its manifest), and restored through
# the same confirmation as coding, which writes the backed-up value back.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }
port="sim:demo,state=$TEST_TMP/car"
"$OBDCON" --port "$port" code horn_on_lock=on --yes >"$TEST_TMP/code.out" 2>&1
check_contains "a coding session to list (batch mode)" "written and verified" "$(cat "$TEST_TMP/code.out")"
coded=$(session_of "$TEST_TMP/code.out")
name=$(basename "$coded")

tui_start 80 24 "$OBDCON" --port "$port"
tui_wait "marked to change (F4 coding" 15
tui_keys S
if tui_wait "2 sessions in $SESSIONS" 5; then pass "S lists the sessions"; else fail "sessions screen" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "the running session comes first" "OBDDEMO0SIM000001  this one    dir           scan" "$screen"
check_contains "the coding session: clean, kept twice, what was done" "OBDDEMO0SIM000001  clean       dir + .tar.gz scan, coding (" "$screen"
check_contains "the bar offers the session keys" "EnterDetails tTranscript eExport iImport RRestore" "$screen"

tui_keys Down Enter
if tui_wait "Session $name" 5; then pass "Enter shows the session's details"; else fail "details" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "details: the manifest" "operation   coding" "$screen"
check_contains "details: the VIN" "VIN         OBDDEMO0SIM000001" "$screen"
tui_keys /
tui_type "DID 0601"
tui_keys Enter
if tui_wait "module 09 DID 0601, 2 bytes: backups/09-0601.bin" 5; then pass "details: the backups"; else fail "backups in details" "$(tui_screen)"; fi
tui_keys /
tui_type "read it back: OK"
tui_keys Enter
if tui_wait "wrote 09 DID 0601 and read it back: OK" 5; then pass "details: the events"; else fail "events in details" "$(tui_screen)"; fi
tui_keys Escape
tui_wait "2 sessions in" 5
tui_keys t
if tui_wait "Transcript ${name%??}" 5; then pass "t shows the adapter transcript"; else fail "transcript" "$(tui_screen)"; fi
tui_keys /
tui_type "TX 2E0601"
tui_keys Enter
if tui_wait "TX 2E0601011E" 5; then pass "the transcript holds the write"; else fail "write in transcript" "$(tui_screen)"; fi
tui_keys Escape
tui_wait "2 sessions in" 5

tui_keys e
if tui_wait "in which format?" 5; then pass "e asks for the format"; else fail "format question" "$(tui_screen)"; fi
check_contains "the formats offered" "3  zip" "$(tui_screen)"
tui_keys 3
if tui_wait "Exported" 10; then pass "the session is exported"; else fail "export" "$(tui_screen)"; fi
check "the zip is beside the session" test -f "$coded.zip"
if command -v unzip >/dev/null; then
	check_contains "unzip reads the export" "$name/manifest.json" "$(unzip -l "$coded.zip" 2>&1)"
fi
tui_keys Enter

tui_keys i
if tui_wait "Import a session" 5; then pass "i asks for the archive"; else fail "import question" "$(tui_screen)"; fi
tui_keys C-u
tui_type "$SESSIONS/${name%?????}"
tui_keys Tab
if tui_wait "$name/" 5; then pass "Tab lists the names that fit"; else fail "Tab list" "$(tui_screen)"; fi
tui_type ".z"
tui_keys Tab
if tui_wait "$name.zip  " 5; then pass "Tab completes the archive's name"; else fail "Tab completes" "$(tui_screen)"; fi
tui_keys Enter
if tui_wait "3 sessions in" 10; then pass "the import is listed"; else fail "import" "$(tui_screen)"; fi
check_contains "the import is said" "imported into $SESSIONS/" "$(tui_screen)"
check "the import is a new directory beside the first" test -f "$coded-2/manifest.json"

tui_keys Home Down Down
tui_wait "$coded" 5
tui_keys R
if tui_wait "Restore backed-up values?" 10; then pass "R asks as coding does"; else fail "restore question" "$(tui_screen)"; fi
check_contains "the question shows the byte written back" "byte 0: 01 -> 00" "$(tui_screen)"
tui_keys y
if tui_wait "Restored" 10; then pass "yes writes the backup back"; else fail "restored" "$(tui_screen)"; fi
tui_keys Enter
tui_keys q
tui_wait "__EXITED__ 0" 15
tui_stop
check_eq "the console's session wrote the old value back" 1 \
	"$(grep -l ' TX 2E0601001E' "$SESSIONS"/*/transcript.log | wc -l)"
finish
