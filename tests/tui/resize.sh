#!/bin/sh
# TUI test: resizing while an operation runs. An adapter that never
# answers (a TCP listener that stays silent) keeps the connection busy for
# seconds: the spinner and step stay visible through resizes, the too-small
# notice replaces the screen and goes away again, Esc asks to stop, q asks
# before leaving, and the timeout ends in a clear error. Then, on the demo vehicle, a resize while
# the coding question waits: keys are ignored while the terminal is too
# small, so nothing is answered blind.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
listener=""
trap 'tui_stop; [ -n "$listener" ] && kill "$listener" 2>/dev/null; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }

# Starts a TCP adapter that accepts and never answers; sets $listener
# to its process and $port to its port.
silent_adapter() {
	perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(Listen => 5, LocalAddr => "127.0.0.1",
			LocalPort => 0, ReuseAddr => 1) or die "listen: $!";
		open(my $f, ">", $ARGV[0]) or die; print $f $s->sockport, "\n"; close $f;
		my @keep; while (my $c = $s->accept) { push @keep, $c; }' "$TEST_TMP/port" \
		</dev/null >/dev/null 2>&1 &
	listener=$!
	deadline=$(($(date +%s) + 5))
	while [ ! -s "$TEST_TMP/port" ] && [ "$(date +%s)" -le "$deadline" ]; do sleep 0.1; done
	port=$(cat "$TEST_TMP/port" 2>/dev/null)
}

port=""
command -v perl >/dev/null && silent_adapter
if [ -n "$port" ]; then
	tui_start 80 24 "$OBDCON" --port "tcp:127.0.0.1:$port"
	if tui_wait "Connecting to tcp:127.0.0.1:$port" 10; then pass "the connection shows its step"; else fail "connecting" "$(tui_screen)"; fi
	tui_resize 200 60
	if tui_wait "(0:0" 5 && [ "$(tui_screen | grep -c 'connecting to tcp:')" -ge 1 ]; then
		pass "after growing to 200x60 the progress is redrawn with the time spent"
	else
		fail "redraw at 200x60" "$(tui_screen)"
	fi
	check_contains "the key bar is on the new bottom line" "F10Quit" "$(tui_screen | tail -n 1)"
	tui_resize 60 20
	if tui_wait "terminal too small: 60x20" 5; then pass "too small while busy: a clear notice"; else fail "too small" "$(tui_screen)"; fi
	tui_resize 80 24
	if tui_wait "Connecting to tcp:" 5; then pass "back at 80x24 the operation is still shown"; else fail "redraw at 80x24" "$(tui_screen)"; fi
	check_contains "the progress line offers to stop" "Esc stops" "$(tui_screen)"
	tui_keys Escape
	if tui_wait "stopping connecting at the next safe point" 5; then pass "Esc asks the operation to stop"; else fail "Esc stops" "$(tui_screen)"; fi
	tui_keys q
	if tui_wait "Leave obdcon?" 5; then pass "q while busy asks before leaving"; else fail "leave question" "$(tui_screen)"; fi
	check_contains "the question says what is running" "Busy: connecting." "$(tui_screen)"
	tui_keys n
	if tui_wait_gone "Leave obdcon?" 5; then pass "n keeps the console"; else fail "n keeps it" "$(tui_screen)"; fi
	if tui_wait "Cannot connect" 20; then pass "the silent adapter ends in an error"; else fail "error" "$(tui_screen)"; fi
	check_contains "Esc ended the probe's retries" "stopped by the user" "$(tui_screen)"
	check_contains "the error names the unanswered command" "did not answer 'ATZ'" "$(tui_screen)"
	tui_keys Enter
	tui_wait "Choose the adapter's port" 5
	check_contains "the connect screen shows the failed attempt" "Last attempt" "$(tui_screen)"
	tui_keys F10
	if tui_wait "__EXITED__ 3" 15; then pass "leaving without an adapter exits 3"; else fail "exit 3" "$(tui_screen)"; fi
	tui_stop
else
	fail "perl is installed (it plays a silent TCP adapter)"
fi

tui_start 80 24 "$OBDCON" --demo
tui_wait "marked to change (F4 coding" 15 # the scan is done
tui_keys F4
tui_wait "[ ] Fold mirrors on lock" 5
tui_keys Home Space F2
tui_wait "1 change to write" 5
tui_keys F2
tui_wait "Write coding?" 10
tui_resize 200 60
if tui_wait_gone "terminal too small" 1 && tui_wait "Write coding?" 5; then pass "the question survives a resize to 200x60"; else fail "question at 200x60" "$(tui_screen)"; fi
check_contains "its buttons are redrawn" "[ No ]" "$(tui_screen)"
tui_resize 60 20
tui_wait "terminal too small" 5
tui_keys y
sleep 1
check_contains "y while too small answers nothing" "terminal too small" "$(tui_screen)"
tui_resize 80 24
if tui_wait "Write coding?" 5; then pass "the question is still open after the small spell"; else fail "question still open" "$(tui_screen)"; fi
tui_keys n
if tui_wait "not confirmed: nothing was written" 5; then pass "n answers no"; else fail "answer no" "$(tui_screen)"; fi
tui_keys F10
tui_wait "__EXITED__ 0" 15
dir=$(only_session)
check_eq "nothing was written" 0 "$(grep -cE ' TX (1...)?2E' "$dir/transcript.log")"
tui_stop
finish
