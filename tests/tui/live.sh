#!/bin/sh
# TUI test: live data from the vw simulator's running engine over a
# link-speed model: the PIDs the engine supports are offered by name with
# their units, the marked ones are read until Esc, each value with its
# unit, extremes and a sparkline, the samples per second shown; values
# change while reading, p pauses, Ctrl-C stops the reading without leaving.
# Then in the C locale the sparklines are ASCII.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }

# The row of a value on screen.
row() {
	tui_screen | grep -F -- "$1" | head -n 1
}

# The number of samples read so far, from the line above the values.
samples() {
	tui_screen | sed -n 's/.* samples\/s  \([0-9]*\) samples.*/\1/p'
}

# Waits up to SECONDS until the reading shows a rate above zero.
wait_rate() {
	deadline=$(($(date +%s) + $1))
	while [ "$(date +%s)" -le "$deadline" ]; do
		tui_screen | grep -q "Reading  [1-9][0-9.]* samples/s" && return 0
		sleep 0.2
	done
	return 1
}

tui_start 80 24 "$OBDCON" --port 'sim:vw,throttle=1'
tui_wait "marked to change (F4 coding" 15
tui_keys F9
if tui_wait "supports 11 of the standard values" 10; then pass "F9 asks the engine what it supports"; else fail "supported PIDs" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "a value by name, marked by default, with its unit" "[x] 0C  Engine speed" "$screen"
check_contains "units shown" "rpm" "$screen"
check_contains "an unmarked value" "[ ] 0F  Intake air temperature" "$screen"
tui_keys /
tui_type "Intake"
tui_keys Enter Space
if tui_wait "7 marked" 5; then pass "Space marks a value found by search"; else fail "mark" "$(tui_screen)"; fi

tui_keys Enter
if tui_wait "Engine speed" 5 && tui_wait "Intake air temperature" 5; then pass "Enter starts reading the marked values"; else fail "reading" "$(tui_screen)"; fi
if wait_rate 10; then pass "the samples per second are shown"; else fail "rate" "$(tui_screen)"; fi
first=$(row "Engine speed")
check_contains "a value with its unit" " rpm " "$first"
changed=""
deadline=$(($(date +%s) + 10))
while [ "$(date +%s)" -le "$deadline" ]; do
	sleep 0.5
	now=$(row "Engine speed")
	if [ "$now" != "$first" ]; then changed=yes; break; fi
done
if [ -n "$changed" ]; then pass "the engine speed changes while reading"; else fail "values change" "$first"; fi
if row "Engine speed" | grep -q "[▁▂▃▄▅▆▇█]"; then pass "a sparkline of the recent values"; else fail "sparkline" "$(tui_screen)"; fi

tui_keys p
if tui_wait "PAUSED (p goes on)" 5; then pass "p pauses"; else fail "pause" "$(tui_screen)"; fi
sleep 0.5
before=$(samples)
sleep 1
check_eq "nothing is read while paused" "$before" "$(samples)"
tui_keys p
if tui_wait "(p pauses, Esc stops)" 5; then pass "p goes on"; else fail "go on" "$(tui_screen)"; fi
tui_keys Escape
if tui_wait "live data stopped" 10; then pass "Esc stops the reading"; else fail "stop" "$(tui_screen)"; fi
check_contains "the last values stay on screen" "Stopped" "$(tui_screen)"

tui_keys Enter
tui_wait "7 marked" 5
tui_keys Enter
if wait_rate 10; then pass "Enter reads again"; else fail "read again" "$(tui_screen)"; fi
tui_keys C-c
if tui_wait "live data stopped" 10; then pass "Ctrl-C stops the reading"; else fail "Ctrl-C" "$(tui_screen)"; fi
check_contains "after one Ctrl-C the console stays" "Live data" "$(tui_screen | head -n 1)"
tui_keys F8
if tui_wait "(Ctrl-C again leaves)" 5; then pass "Ctrl-C says how to leave"; else fail "Ctrl-C message" "$(tui_screen)"; fi
tui_keys q
if tui_wait "__EXITED__ 0" 15; then pass "q quits with status 0"; else fail "quit" "$(tui_screen)"; fi
dir=$(only_session)
check "mode 01 requests carry six PIDs" grep -q " TX 0104050C0D0F11" "$dir/transcript.log"
tui_stop

rm -rf "$SESSIONS"
TUI_LANG=C tui_start 80 24 "$OBDCON" --port 'sim:vw,throttle=1'
tui_wait "marked to change (F4 coding" 15
tui_keys F9
tui_wait "of the standard values" 10
tui_keys Enter
wait_rate 10
sleep 1
if row "Engine speed" | grep -q "[_.~=+*#-]\{4\}"; then pass "C locale: an ASCII sparkline"; else fail "ASCII sparkline" "$(tui_screen)"; fi
if tui_screen | LC_ALL=C grep -q '[^ -~]'; then fail "C locale: nothing but ASCII on screen" "$(tui_screen | LC_ALL=C grep '[^ -~]')"; else pass "C locale: nothing but ASCII on screen (units too)"; fi
tui_keys Escape
tui_wait "live data stopped" 10
tui_keys q
tui_wait "__EXITED__ 0" 15
tui_stop

# The link lost during live data: the status line says so instead of the
# adapter and voltage it had.
rm -rf "$SESSIONS"
tui_start 80 24 "$OBDCON" --port 'sim:demo,faults=eof@30000'
tui_wait "marked to change (F4 coding" 15
tui_keys F9
tui_wait "of the standard values" 10
tui_keys Enter
if tui_wait "LINK LOST: sim:demo,faults=eof@30000 is gone" 15; then pass "a lost link shows on the status line"; else fail "lost link" "$(tui_screen)"; fi
status=$(tui_screen | tail -n 2 | head -n 1)
if printf '%s' "$status" | grep -q '12.6 V'; then fail "the voltage is no longer shown" "$status"; else pass "the voltage is no longer shown"; fi
tui_keys q
tui_wait "__EXITED__" 15
tui_stop
finish
