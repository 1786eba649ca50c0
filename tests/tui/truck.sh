#!/bin/sh
# TUI test: the 29-bit truck at 250 kbit/s at 200x60: the status line and
# the vehicle screen name the protocol the truck uses (CAN 29/250); the
# module screens name the engine live data reads by its 29-bit identifier
# (18DA00F1); F9 reads the engine's live values over 29-bit identifiers.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }

# Waits up to SECONDS until the reading shows a rate above zero.
wait_rate() {
	deadline=$(($(date +%s) + $1))
	while [ "$(date +%s)" -le "$deadline" ]; do
		tui_screen | grep -q "Reading  [1-9][0-9.]* samples/s" && return 0
		sleep 0.2
	done
	return 1
}

tui_start 200 60 "$OBDCON" --port sim:truck
if tui_wait "marked to change (F4 coding" 15; then pass "connected and scanned"; else fail "scan" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "vehicle screen: the truck's protocol" "ISO 15765-4 (CAN 29/250)" "$screen"
check_contains "status line: the truck's protocol" "CAN 29/250" "$(tui_screen | tail -n 2 | head -n 1)"
if printf '%s' "$screen" | grep -q "CAN 11/250"; then fail "no 11-bit protocol is shown" "$screen"; else pass "no 11-bit protocol is shown"; fi

tui_keys Enter
if tui_wait "Module 00 Engine management" 5; then pass "Enter opens the engine module"; else fail "module 00" "$(tui_screen)"; fi
check_contains "engine module: live data of this engine" "Live data      F9: OBD-II values of this engine" "$(tui_screen)"
tui_keys Escape
tui_wait_gone "Module 00" 5
tui_keys Down Enter
if tui_wait "Module 03 Transmission control" 5; then pass "the transmission module opens"; else fail "module 03" "$(tui_screen)"; fi
check_contains "another module names the engine by its 29-bit identifier" \
	"Live data      F9: OBD-II values of the engine (18DA00F1)" "$(tui_screen)"
tui_keys Escape
tui_wait_gone "Module 03" 5

tui_keys F9
if tui_wait "of the standard values" 10; then pass "F9 asks the engine what it supports"; else fail "supported PIDs" "$(tui_screen)"; fi
check_contains "the engine speed is offered" "[x] 0C  Engine speed" "$(tui_screen)"
tui_keys Enter
if wait_rate 10; then pass "the truck's live values are read"; else fail "rate" "$(tui_screen)"; fi
check_contains "the engine speed with its unit" " rpm " "$(tui_screen | grep -F 'Engine speed' | head -n 1)"
tui_keys Escape
if tui_wait "live data stopped" 10; then pass "Esc stops the reading"; else fail "stop" "$(tui_screen)"; fi
tui_keys q
if tui_wait "__EXITED__ 0" 15; then pass "q quits with status 0"; else fail "quit" "$(tui_screen)"; fi
dir=$(only_session)
check_eq "every mode 01 request after the search went to 18DA00F1" 'ATSHDA00F1\r' \
	"$(awk '/ TX ATSH/ { h = $3 } / TX 01[0-9A-F]/ && h != "" { print h }' "$dir/transcript.log" | sort -u)"
check "no error about 7E8 in the log" sh -c "! grep -q 'no answer from 7E8' '$dir/events.log'"
tui_stop
finish
