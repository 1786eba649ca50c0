#!/bin/sh
# TUI test: "/" searches a list as the user types, n and N go to the next
# and previous match with wrap-around, a search without match says so and
# Esc puts the selection back. Which row is selected is proven by acting
# on it (Space marks the selected feature and names it).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }
tui_start 80 24 "$OBDCON" --demo
tui_wait "marked to change (F4 coding" 15 # the scan is done
tui_keys F4
tui_wait "[ ] Horn chirp on lock" 5

# the selected row, named by marking it and unmarking it again
selected() {
	tui_keys Space
	tui_wait "marked to change" 5
	name=$(tui_screen | sed -n 's/^\(.*\) marked to change;.*/\1/p' | tail -n 1)
	tui_keys Space
	tui_wait "unmarked" 5
	echo "$name"
}

tui_keys /
if tui_wait "Search:" 5; then pass "/ opens the search line"; else fail "search line" "$(tui_screen)"; fi
tui_type "horn"
tui_wait "Search: horn" 5
tui_keys Enter
check_eq "typing jumps to the first match" "Horn chirp on lock" "$(selected)"

tui_keys /
tui_type "on lock"
tui_keys Enter
check_eq "a new search starts at the selection" "Horn chirp on lock" "$(selected)"
tui_keys n
check_eq "n goes to the next match, wrapping around" "Fold mirrors on lock" "$(selected)"
tui_keys n
check_eq "n again" "Horn chirp on lock" "$(selected)"
tui_keys N
check_eq "N goes back" "Fold mirrors on lock" "$(selected)"

tui_keys /
tui_type "speed"
tui_keys Enter
tui_keys Space
if tui_wait "Digital speed display cannot be changed" 5; then pass "search finds the unsupported feature too"; else fail "search unsupported" "$(tui_screen)"; fi

tui_keys Home /
tui_type "xyz"
if tui_wait "no match" 5; then pass "a search without match says so"; else fail "no match" "$(tui_screen)"; fi
tui_keys Escape
tui_wait_gone "Search:" 5
check_eq "Esc puts the selection back" "Fold mirrors on lock" "$(selected)"

# the same search works in the log
tui_keys F8
tui_wait "(Tab switches)" 5
tui_keys Home /
tui_type "brand script"
tui_keys Enter
tui_wait_gone "Search:" 5
tui_keys n /
tui_wait "Search:" 5 # drawn after n was handled
line=$(tui_screen_escapes | grep -F "VIN OBDDEMO0SIM000001, brand script")
check_contains "n wraps to the only match, the selected line (black on yellow)" "[43m" "$line"
tui_keys Escape
tui_keys /
tui_type "nothing like this"
tui_keys Enter
tui_keys n
if tui_wait "no match for 'nothing like this'" 5; then pass "n without match says so"; else fail "n without match" "$(tui_screen)"; fi
tui_keys F10
tui_wait "__EXITED__ 0" 15
tui_stop
finish
