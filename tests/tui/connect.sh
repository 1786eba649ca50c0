#!/bin/sh
# TUI test: without --port the console starts on the connect screen: ports,
# recent ports, a TCP field and the simulator's demo vehicles. Choosing the
# demo vehicle connects and shows the adapter's fingerprint; the port is
# remembered as recent; a refused TCP address shows the failed step, and
# leaving without a connection exits with the "no adapter" status.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }
tui_start 80 24 "$OBDCON"

if tui_wait "Choose the adapter's port" 10; then pass "no --port starts on the connect screen"; else fail "connect screen" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "serial ports section" "Serial ports on this machine" "$screen"
check_contains "recent ports section, empty at first" "(none yet)" "$screen"
check_contains "TCP field with the usual Wi-Fi address" "tcp:192.168.0.10:35000" "$screen"
check_contains "demo vehicle offered" "sim:demo" "$screen"
check_contains "bar offers connecting" "EnterConnect" "$screen"

# search the list for the demo vehicle, then connect to it
tui_keys /
tui_type "demo"
tui_keys Enter
tui_keys Enter
# (the probe's steps name the VIN too: wait for the vehicle screen itself)
if tui_wait "VIN OBDDEMO0SIM000001   brand script" 15; then pass "choosing the demo vehicle connects and scans"; else fail "connect to the demo" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "adapter fingerprint shown" "Adapter   ELM327 v2.2 (OBDII to RS232 Interpreter), path" "$screen"
check_contains "protocol from the probe" "ISO 15765-4 (CAN 11/500)" "$screen"
check_contains "modules listed" "Central electrics" "$screen"
check_eq "the port is remembered as recent" "sim:demo" "$(cat "$XDG_STATE_HOME/obdcon/recent" 2>&1)"

tui_keys F8
tui_wait "(Tab switches)" 5
tui_keys Home
if tui_wait "connecting to sim:demo" 5; then pass "the probe's steps are in the log"; else fail "probe steps in the log" "$(tui_screen)"; fi
check_contains "the log has the fingerprint step" "adapter ELM327 v2.2" "$(tui_screen)"
tui_keys F10
if tui_wait "__EXITED__ 0" 15; then pass "F10 quits with status 0"; else fail "quit" "$(tui_screen)"; fi
tui_stop

# the TCP row is a list row: vi keys move past it and q quits; typing
# starts only after Enter (or e) on it, and Esc stops editing
tui_start 80 24 "$OBDCON"
tui_wait "Choose the adapter's port" 10
tui_keys /
tui_type "tcp:"
tui_keys Enter
tui_keys j k g G
tui_keys /
tui_type "tcp:"
tui_keys Enter
tui_keys '?'
if tui_wait "Keys on this screen" 5; then pass "? on the TCP row opens the help"; else fail "? opens the help" "$(tui_screen)"; fi
tui_keys Escape
tui_wait_gone "Keys on this screen" 5
screen=$(tui_screen)
check_eq "movement keys leave the address alone" "   tcp:192.168.0.10:35000" \
	"$(printf '%s\n' "$screen" | grep -F 'tcp:192')"
tui_keys e
if tui_wait "Enter connects, Esc stops editing" 5; then pass "e edits the TCP address"; else fail "e edits" "$(tui_screen)"; fi
tui_type "jq"
if tui_wait "tcp:192.168.0.10:35000jq" 5; then pass "while editing, keys are typed"; else fail "typing while editing" "$(tui_screen)"; fi
tui_keys Escape
if tui_wait "Choose the adapter's port" 5; then pass "Esc stops editing"; else fail "Esc stops editing" "$(tui_screen)"; fi
tui_keys q
if tui_wait "__EXITED__" 15; then pass "q on the TCP row quits"; else fail "q quits from the TCP row" "$(tui_screen)"; fi
tui_stop

# second start: the recent port is offered first; a refused address fails
tui_start 80 24 "$OBDCON"
tui_wait "Choose the adapter's port" 10
screen=$(tui_screen)
recent=$(printf '%s\n' "$screen" | sed -n '/Recent/{n;p;}')
check_contains "recent section lists the demo port" "sim:demo" "$recent"
tui_keys /
tui_type "tcp:"
tui_keys Enter
tui_keys Enter
tui_keys C-u
tui_type "127.0.0.1:1"
tui_keys Enter
if tui_wait "Connection refused" 10; then pass "a refused TCP address is reported"; else fail "refused address" "$(tui_screen)"; fi
check_contains "the failed step is marked in the probe panel" "Last attempt" "$(tui_screen)"
check_contains "the console stays on the connect screen" "Choose the adapter's port" "$(tui_screen)"
tui_keys F10
if tui_wait "__EXITED__ 3" 15; then pass "leaving without a connection exits 3"; else fail "exit status 3" "$(tui_screen)"; fi
tui_stop

# with more rows than fit, the screen still opens at the top of its list
printf 'sim:demo\nsim:vw\nsim:ford\nsim:truck\n' >"$XDG_STATE_HOME/obdcon/recent"
tui_start 80 24 "$OBDCON"
tui_wait "Choose the adapter's port" 10
screen=$(tui_screen)
check_eq "the serial ports header is the list's first line" " Serial ports on this machine" \
	"$(printf '%s\n' "$screen" | sed -n 4p)"
check_contains "the newest recent port is in view" "   sim:demo" "$(printf '%s\n' "$screen" | sed -n '/^ Recent/{n;p;}')"
tui_keys Enter
if tui_wait "VIN OBDDEMO0SIM000001   brand script" 15; then pass "Enter connects to the newest recent port, selected at the start"; else fail "recent port selected" "$(tui_screen)"; fi
tui_keys F10
tui_wait "__EXITED__" 15
tui_stop
finish
