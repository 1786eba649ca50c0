#!/bin/sh
# TUI test: every screen at 200x60, reached by its key and left with Esc:
# vehicle, module (full identification), coding, review, log, help; the
# title shows where the user is and the key bar follows the screen; the
# bar and the rows answer mouse clicks.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }
tui_start 200 60 "$OBDCON" --demo

if tui_wait "marked to change (F4 coding" 15 && tui_wait "Instrument cluster" 1; then pass "vehicle screen lists the modules"; else fail "vehicle screen" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "vehicle screen: VIN and brand script" "VIN OBDDEMO0SIM000001   brand script: obdcon demo vehicle (simulated)" "$screen"
check_contains "vehicle screen: session directory" "Session   $SESSIONS/" "$screen"
check_contains "vehicle screen: coding summary" "8 coding features, 1 unsupported, 0 marked" "$screen"
check_contains "vehicle screen: module identification on its row" "part 06K906070AB    sw 2130   hw 06K907425B" "$screen"
check_contains "status line at 200 columns: send path and session" "[elm-" "$(tui_screen | tail -n 2 | head -n 1)"
check_contains "key bar of the vehicle screen" "F1Help EnterOpen F3Search F4Coding F5Reread F6Flash F7Faults F8Log F9Live SSessions F10Quit" "$screen"
check_contains "vehicle screen: fault-code counts on the module rows" "7E0/7E8  1 DTC" "$screen"

tui_keys Enter
if tui_wait "Module 01 Engine electronics" 5; then pass "Enter opens the module, named in the title"; else fail "module screen" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "module: CAN IDs" "CAN IDs        7E0 -> 7E8" "$screen"
check_contains "module: serial number" "Serial number  VWZ7Z0K0012345" "$screen"
check_contains "module: system name" "System name    R4 1.4l TSI" "$screen"
check_contains "module: hardware" "Hardware       06K907425B" "$screen"
check_contains "module without coding says so" "none known for this module" "$screen"
tui_keys Escape
tui_wait_gone "Module 01" 5
tui_keys Down Enter
if tui_wait "Module 09 Central electrics" 5; then pass "the second module opens"; else fail "module 09" "$(tui_screen)"; fi
check_contains "module 09 shows its features" "[ ] Fold mirrors on lock" "$(tui_screen)"
tui_keys Escape
tui_wait_gone "Module 09" 5

tui_keys F4
if tui_wait "Vehicle › Coding" 5; then pass "F4 opens the coding screen"; else fail "coding screen" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "features grouped under their module" "09 Central electrics  (part 5K0937087AB, software 0450)" "$screen"
check_contains "unsupported feature greyed with its reason" "[-] Digital speed display" "$screen"
check_contains "coding bar" "SpcToggle F2Review" "$screen"
tui_keys F2
if tui_wait "Nothing is marked" 5; then pass "review with nothing marked says so"; else fail "empty review" "$(tui_screen)"; fi
tui_keys Escape
tui_wait_gone "Nothing is marked" 5

tui_keys F8
if tui_wait "(Tab switches)" 5; then pass "F8 opens the log"; else fail "log screen" "$(tui_screen)"; fi
check_contains "log lists the session's messages" "VIN OBDDEMO0SIM000001, brand script" "$(tui_screen)"
tui_keys Escape
tui_wait_gone "(Tab switches)" 5

tui_keys F1
if tui_wait "obdcon keys: Coding" 5; then pass "F1 opens the help of the current screen"; else fail "help" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "help lists the screen's keys" "Keys on this screen (Coding):" "$screen"
check_contains "help lists the global keys" "Everywhere:" "$screen"
check_contains "help names the search keys" "search this list as you type" "$screen"
tui_keys End
if tui_wait "Settings: $XDG_CONFIG_HOME/obdcon/config" 5; then pass "help names the settings file in use (XDG_CONFIG_HOME)"; else fail "settings path in help" "$(tui_screen)"; fi
tui_keys Escape
tui_wait "Space marks a feature to change" 5
tui_keys Escape
if tui_wait_gone "Vehicle › Coding" 5; then pass "Esc goes back to the vehicle"; else fail "back to vehicle" "$(tui_screen)"; fi
tui_keys Escape
sleep 0.5
check_contains "Esc on the root screen stays" "Modules" "$(tui_screen)"

# the screens for fault codes, live data, flashing and sessions, each from
# its key, with its bar and its help, and back with Esc
walk() {
	key=$1 title=$2 text=$3 bar=$4
	tui_keys "$key"
	if tui_wait "$title" 5 && tui_wait "$text" 5; then pass "$key opens $title"; else fail "$title" "$(tui_screen)"; fi
	check_contains "$title: its key bar" "$bar" "$(tui_screen | tail -n 1)"
	tui_keys F1
	if tui_wait "Keys on this screen" 5; then pass "$title: help from its bindings"; else fail "$title help" "$(tui_screen)"; fi
	tui_keys Escape
	tui_wait_gone "Keys on this screen" 5
	tui_keys Escape
	if tui_wait_gone "$title" 5; then pass "$title: Esc goes back"; else fail "$title back" "$(tui_screen)"; fi
}
walk F7 "Vehicle › Fault codes (all modules)" "P0301  030100" "F1Help EnterDetails F3Search F5Read F7Clear F8Log EscBack F10Quit"
walk F9 "Vehicle › Live data" "[x] 0C  Engine speed" "F1Help EnterStart SpcMark F3Search pPause F5Supported F8Log EscBack F10Quit"
walk F6 "Vehicle › Flash" "1. Choose the flash procedure" "F1Help EnterNext F3Search F8Log EscBack F10Quit"
# keys that do nothing on a page stay out of its bar: no completion on the
# flash wizard's list page, no search on its image page, no log on the log
bar() {
	tui_screen | tail -n 1 | sed 's/ *$//'
}
tui_keys F6
tui_wait "1. Choose the flash procedure" 5
check_eq "flash list page: no Tab completion in the bar" "F1Help EnterNext F3Search F8Log EscBack F10Quit" "$(bar)"
tui_keys Enter
tui_wait "2. The image file" 5
check_eq "flash image page: completion, no search in the bar" "F1Help EnterNext TabComplete F8Log EscBack F10Quit" "$(bar)"
tui_keys Escape
tui_wait "1. Choose the flash procedure" 5
tui_keys Escape
tui_wait_gone "Vehicle › Flash" 5
tui_keys F8
tui_wait "(Tab switches)" 5
check_eq "log screen: no F8Log in its bar" "" "$(bar | grep -F F8Log)"
check_contains "log screen: its own keys in the bar" "TabView" "$(bar)"
tui_keys Escape
tui_wait_gone "(Tab switches)" 5
walk S "Vehicle › Sessions" "this one" "F1Help EnterDetails F3Search tTranscript eExport iImport RRestore F8Log EscBack F10Quit"

# the mouse: a click on the key bar, a click to select a row, a second
# click on it does what Enter does
column_of() {
	tui_screen | sed -n "${2}p" | awk -v t="$1" '{ print index($0, t) }'
}
row_of() {
	tui_screen | grep -nF -- "$1" | head -n 1 | cut -d: -f1
}
check_eq "the terminal reports the mouse to the console" "101" "$(tui_mouse_modes)"
tui_click "$(column_of F4Coding 60)" 60
if tui_wait "Vehicle › Coding" 5; then pass "a click on F4Coding in the bar opens the coding"; else fail "bar click" "$(tui_screen)"; fi
# the rows move until the features are read: click only once they are there
tui_wait "[ ] Horn chirp on lock" 10
row=$(row_of "[ ] Horn chirp on lock")
tui_click 10 "$row"
tui_click 10 "$row"
if tui_wait "Horn chirp on lock marked to change" 5; then pass "a second click on a row toggles it like Enter"; else fail "row clicks" "$(tui_screen)"; fi

tui_keys q
if tui_wait "__EXITED__ 0" 15; then pass "q quits with status 0"; else fail "quit" "$(tui_screen)"; fi
check_contains "exit message names the archive" "session saved in" "$(tui_screen)"
tui_stop
finish
