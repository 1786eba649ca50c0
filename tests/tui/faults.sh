#!/bin/sh
# TUI test: fault codes of one module from its module screen: the module
# screen sums them up, F7 lists them (P/C/B/U, hex, status in words, the
# description), Enter shows every status bit; clearing asks first, names
# what is cleared, and the default answer clears nothing; yes clears, reads
# again and shows the result; the codes from before are in the session.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }
tui_start 80 24 "$OBDCON" --demo
tui_wait "marked to change (F4 coding" 15 # the scan (and the fault codes) are read
check_contains "vehicle: fault codes counted per module" "09   Central electrics          70E/778  1 DTC" "$(tui_screen)"

tui_keys Enter
if tui_wait "Module 01 Engine electronics" 5; then pass "Enter opens the engine module"; else fail "module screen" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "module: its fault codes in one line" "Fault codes    1 stored: P0301   F7 shows them" "$screen"
check_contains "module: its live data one key away" "Live data      F9: OBD-II values of this engine" "$screen"
# (without coding features the module has no rows to search: no F3Search,
# so F8Log fits)
check_contains "module: the bar offers faults, flash and live data" "F6Flash F7Faults F8Log F9Live" "$screen"

tui_keys F7
if tui_wait "Fault codes 01" 5; then pass "F7 opens the module's fault codes"; else fail "fault codes screen" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "the module and how its codes were read" "01 Engine electronics: 1 fault code (UDS 0x19" "$screen"
check_contains "a code: P/C/B/U, hex, status words, description" "P0301  030100  failed, confirmed, pending +2  Cylinder 1 Misfire Detected" "$screen"
check_contains "other modules are not listed here" "Fault codes 01" "$(tui_screen | head -n 1)"
if tui_screen | grep -q "Central electrics"; then fail "only module 01" "$(tui_screen)"; else pass "only module 01 is listed"; fi

tui_keys Enter
if tui_wait "status 2F:" 5; then pass "Enter shows the code's details"; else fail "details" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "details: a set bit with its ISO name" "[x] confirmed              (confirmedDTC)" "$screen"
check_contains "details: a clear bit" "[ ] MIL                    (warningIndicatorRequested)" "$screen"
tui_keys Enter
tui_wait_gone "status 2F:" 5

tui_keys F7
if tui_wait "Clear fault codes?" 10; then pass "F7 asks before clearing"; else fail "clear question" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "the question names what is cleared" "01 Engine electronics: 1 fault code stored" "$screen"
check_contains "the question says what else goes" "freeze frames and readiness monitors" "$screen"
tui_keys Enter
if tui_wait "not confirmed: nothing was cleared" 10; then pass "the default answer clears nothing"; else fail "default No" "$(tui_screen)"; fi
check_contains "the code is still listed" "P0301  030100" "$(tui_screen)"

tui_keys F7
tui_wait "Clear fault codes?" 10
tui_keys y
if tui_wait "Fault codes cleared" 10; then pass "yes clears and reads again"; else fail "cleared" "$(tui_screen)"; fi
check_contains "the result is read back" "Now: 01 Engine electronics: 0 fault codes." "$(tui_screen)"
tui_keys Enter
if tui_wait "no fault codes stored" 5; then pass "the list shows the fresh read"; else fail "fresh list" "$(tui_screen)"; fi
tui_keys Escape
if tui_wait "Fault codes    0 stored" 5; then pass "the module screen follows"; else fail "module after clear" "$(tui_screen)"; fi
tui_keys Escape
if tui_wait "7E0/7E8  0 DTC" 5; then pass "the vehicle screen follows"; else fail "vehicle after clear" "$(tui_screen)"; fi
check_contains "other modules keep their codes" "70E/778  1 DTC" "$(tui_screen)"

tui_keys q
tui_wait "__EXITED__ 0" 15
dir=$(only_session)
check "the cleared code is kept in the session's events" grep -q "before clear: 01 P0301 030100" "$dir/events.log"
check_eq "one clear request went to the engine (all groups)" 1 "$(grep -c ' TX 14FFFFFF' "$dir/transcript.log")"
tui_stop
finish
