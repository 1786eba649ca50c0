#!/bin/sh
# TUI test: the log screen's three views: the session's messages, the raw
# adapter traffic read from transcript.log, and the terminal pane where an
# AT command typed by hand is answered by the adapter, with the warning
# that this bypasses the safety checks, recorded in the session; a typed
# request that changes a module asks first, No by default.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }
tui_start 80 24 "$OBDCON" --demo
tui_wait "marked to change (F4 coding" 15 # the scan is done

tui_keys F8
if tui_wait "(Tab switches)" 5; then pass "F8 opens the log"; else fail "log" "$(tui_screen)"; fi
check_contains "messages view shows the scan" "module 17 Instrument cluster: part 5K0920870C" "$(tui_screen)"

tui_keys Tab
if tui_wait "transcript.log: every byte on the link" 5; then pass "Tab shows the adapter traffic"; else fail "traffic view" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "traffic: requests sent (the fault codes read last)" " TX 19" "$screen"
check_contains "traffic: replies received" " RX 7" "$screen"
tui_keys /
tui_type "TX 22F1"
tui_keys Enter
if tui_wait " TX 22F1" 5; then pass "an identification request is found in the traffic"; else fail "TX 22 in traffic" "$(tui_screen)"; fi
tui_keys /
tui_type "TX ATZ"
tui_keys Enter
if tui_wait "TX ATZ\\r" 5; then pass "the probe's first command is found in the traffic"; else fail "ATZ in traffic" "$(tui_screen)"; fi

tui_keys Tab
if tui_wait "bypass every safety check" 5; then pass "the terminal warns that typed commands bypass the checks"; else fail "terminal warning" "$(tui_screen)"; fi
check_contains "terminal prompt" "AT>" "$(tui_screen)"
tui_type "ATI"
tui_keys Enter
if tui_wait "> ATI" 5; then pass "the typed command is echoed"; else fail "echo" "$(tui_screen)"; fi
if tui_wait "ELM327 v2.2" 5; then pass "the adapter answers ATI"; else fail "ATI answer" "$(tui_screen)"; fi
check_contains "the answer is the adapter's own line" "ELM327 v2.2" "$(tui_screen | sed -n '/> ATI/{n;p;}')"
tui_type "ATRV"
tui_keys Enter
if tui_wait "12.6V" 5; then pass "ATRV reads the battery by hand"; else fail "ATRV" "$(tui_screen)"; fi

tui_type "2E0601051E"
tui_keys Enter
if tui_wait "Send a changing request?" 5; then pass "a typed write asks first"; else fail "typed write question" "$(tui_screen)"; fi
tui_keys Enter
if tui_wait "not sent: 2E0601051E" 5; then pass "the default answer sends nothing"; else fail "typed write not sent" "$(tui_screen)"; fi

tui_keys Tab
if tui_wait "typed by hand, bypassing the safety checks: ATRV" 5; then pass "typed commands are logged as warnings"; else fail "warning logged" "$(tui_screen)"; fi
tui_keys Tab
tui_wait "transcript.log" 5
if tui_wait "TX ATRV" 5; then pass "the traffic view follows new bytes"; else fail "traffic follows" "$(tui_screen)"; fi

tui_keys F10
tui_wait "__EXITED__ 0" 15
dir=$(only_session)
check "the session's events record the typed command" grep -q "typed by hand, bypassing the safety checks: ATI" "$dir/events.log"
check_eq "the refused write never reached the adapter" 0 "$(grep -cE ' TX (1...)?2E' "$dir/transcript.log")"
tui_stop
finish
