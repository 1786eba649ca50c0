#!/bin/sh
# TUI test: the console connects to each simulated vehicle (demo, vw, ford
# and the 29-bit truck at 250 kbit/s), at 80x24 and, for the truck, at
# 200x60: the vehicle screen shows the VIN, the brand script, every module
# with its fault-code count, and the fault codes screen of all modules
# shows each code as P/C/B/U with its hex form and status in words.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }

# Connects to VEHICLE at COLSxROWS and checks the vehicle screen for the
# VIN, a module row with its fault codes counted and a code in the list
# of all modules' fault codes.
vehicle() {
	name=$1 cols=$2 rows=$3 vin=$4 module=$5 code=$6
	tui_start "$cols" "$rows" "$OBDCON" --port "sim:$name"
	if tui_wait "marked to change (F4 coding" 15; then pass "$name: connected and scanned"; else fail "$name: scan" "$(tui_screen)"; fi
	screen=$(tui_screen)
	check_contains "$name: VIN and brand script" "VIN $vin   brand script:" "$screen"
	check_contains "$name: module row with its fault codes counted" "$module" "$screen"
	check_contains "$name: status line names the port" " sim:$name " "$(tui_screen | tail -n 2 | head -n 1)"
	tui_keys F7
	if tui_wait "Fault codes (all modules)" 5; then pass "$name: F7 opens the fault codes of all modules"; else fail "$name: faults" "$(tui_screen)"; fi
	check_contains "$name: a code with hex and status in words" "$code" "$(tui_screen)"
	tui_keys q
	if tui_wait "__EXITED__ 0" 15; then pass "$name: q quits with status 0"; else fail "$name: quit" "$(tui_screen)"; fi
	tui_stop
}

vehicle demo 80 24 OBDDEMO0SIM000001 "7E0/7E8  1 DTC part 06K906070AB" \
	"P0301  030100  failed, confirmed, pending +2  Cylinder 1 Misfire Detected"
vehicle vw 80 24 WVWZZZAUZOSIM0001 "Transmission electronics" "P0171"
vehicle ford 80 24 WF0FXXGCDFOSIM042 "Powertrain control module" "P0128  012800  confirmed, pending +1"
vehicle truck 200 60 YV2RT40AOQSIM0007 "18DA00F1/18DAF100  2 DTC part 21695304" \
	"P006E  006E0B  failed, confirmed"
finish
