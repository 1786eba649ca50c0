#!/bin/sh
# TUI test: the terminal goes away (the SSH connection drops: the tmux
# server dies and the console gets SIGHUP) while the console is idle. It
# must not hang on the dead terminal: it ends, and the session is packed
# with its transcript and a manifest that says it closed cleanly. SIGTERM
# ends it the same way with the terminal restored.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }
tui_start 80 24 "$OBDCON" --demo
tui_wait "marked to change (F4 coding" 15 # the scan is done
pid=$(tui_pid)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then pass "the console runs"; else fail "console pid" "$pid"; fi
tui_stop
if tui_wait_exit 15; then pass "after the hang-up the console ends"; else fail "console still running after SIGHUP" "$(ps -o pid,stat,args -p "$pid")"; kill -KILL "$pid"; fi

archive=$(find "$SESSIONS" -maxdepth 1 -name '*.tar.gz' | head -n 1)
if [ -n "$archive" ]; then pass "the session is packed"; else fail "archive" "$(ls -R "$XDG_DATA_HOME" 2>&1)"; fi
listing=$(tar -tzf "$archive" 2>&1)
check_contains "archive holds the transcript" "/transcript.log" "$listing"
check_contains "archive holds the manifest" "/manifest.json" "$listing"
dir=$(only_session)
check_eq "the manifest says the session closed cleanly" "true" "$(jq .clean "$dir/manifest.json")"

rm -rf "$SESSIONS"
tui_start 80 24 "$OBDCON" --demo
tui_wait "marked to change (F4 coding" 15 # the scan is done
kill -TERM "$(tui_pid)"
if tui_wait "__EXITED__ 143" 15; then pass "SIGTERM ends the console with status 143"; else fail "SIGTERM" "$(tui_screen)"; fi
check_contains "the terminal is restored and the archive named" "session saved in" "$(tui_screen)"
tui_stop
finish
