#!/bin/sh
# TUI test: the console on the simulated vehicle shows the VIN and modules,
# marks a coding feature, reviews it and writes it through the confirmation
# dialog (No by default), survives a resize, quits, and leaves a session
# archive holding the transcript, the backup and the manifest.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }
tui_start 100 30 "$OBDCON" --demo

if tui_wait "OBDDEMO0SIM000001" 20; then pass "VIN shown in the title"; else fail "VIN shown" "$(tui_screen)"; fi
tui_wait "marked to change (F4 coding" 15 # the scan is done (the probe steps name parts too)
screen=$(tui_screen)
check_contains "engine module listed with its part number" "06K906070AB" "$screen"
check_contains "central electrics listed" "Central electrics" "$screen"
check_contains "status line shows the adapter" "ELM327 v2.2" "$screen"
check_contains "status line shows the battery voltage" "12.6 V" "$screen"
check_contains "function-key bar shows help" "F1Help" "$screen"

tui_keys F4
if tui_wait "[ ] Fold mirrors on lock" 5; then pass "feature shown off on the coding screen"; else fail "feature shown off" "$(tui_screen)"; fi
check_contains "unsupported feature shows its reason" "needs software" "$(tui_screen)"

tui_keys '?'
if tui_wait "obdcon keys" 5; then pass "F1/? opens the help"; else fail "help opens" "$(tui_screen)"; fi
check_contains "help is generated from the bindings" "toggle the selected feature" "$(tui_screen)"
tui_keys Escape
tui_wait "Space marks a feature to change" 5

# Space marks the feature, F2 reviews, F2 again writes: the app asks first.
tui_keys Home Space F2
tui_wait "change to write in one transaction" 5
tui_keys F2
if tui_wait "Write coding?" 10; then pass "writing asks for confirmation"; else fail "confirmation" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "dialog shows old and new value" "Fold mirrors on lock: off -> on" "$screen"
check_contains "dialog names the backup" "backup:" "$screen"
tui_keys Enter
if tui_wait "not confirmed: nothing was written" 5; then pass "Enter on the default answer (No) writes nothing"; else fail "default No" "$(tui_screen)"; fi
tui_wait "change to write in one transaction" 5
tui_keys Escape
if tui_wait "[ ] Fold mirrors on lock" 5; then pass "feature still off after No"; else fail "feature still off after No" "$(tui_screen)"; fi

tui_keys F2
tui_wait "change to write in one transaction" 5
tui_keys F2
tui_wait "Write coding?" 10
tui_keys y
if tui_wait "Coding done" 10; then pass "y confirms and the write is done"; else fail "write done" "$(tui_screen)"; fi
check_contains "result says written and verified" "written and verified" "$(tui_screen)"
sleep 1
check_contains "the result stays on screen until a key is pressed" "Coding done" "$(tui_screen)"
tui_keys Enter
if tui_wait "[x] Fold mirrors on lock" 5; then pass "feature now shown on"; else fail "feature on" "$(tui_screen)"; fi

tui_resize 60 20
if tui_wait "terminal too small" 5; then pass "small terminal gets a clear notice"; else fail "too small" "$(tui_screen)"; fi
tui_resize 120 40
if tui_wait "[x] Fold mirrors on lock" 5; then pass "screen redrawn after resize"; else fail "redraw" "$(tui_screen)"; fi

tui_keys q
if tui_wait "__EXITED__ 0" 15; then pass "q quits with status 0"; else fail "quit" "$(tui_screen)"; fi
check_contains "exit message names the archive" "session saved in" "$(tui_screen)"

archive=$(find "$SESSIONS" -maxdepth 1 -name '*.tar.gz' | head -n 1)
if [ -n "$archive" ]; then pass "session archive exists"; else fail "session archive exists" "$(ls -R "$XDG_DATA_HOME")"; fi
listing=$(tar -tzf "$archive" 2>&1)
check_contains "archive holds the transcript" "/transcript.log" "$listing"
check_contains "archive holds the backup" "/backups/09-0601.bin" "$listing"
check_contains "archive holds the manifest" "/manifest.json" "$listing"
tui_stop
finish
