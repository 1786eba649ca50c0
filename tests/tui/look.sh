#!/bin/sh
# TUI test: how the console looks: UTF-8 line drawing in a UTF-8 locale
# and ASCII in the C locale; colours by default and none at all with
# NO_COLOR or theme = mono (checked in the escapes tmux captures); mouse =
# off leaves the mouse to the terminal; a bad configuration line reported
# in the log as config:LINE without stopping.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }
ESC=$(printf '\033')
# SGR colour parameters: 30-38, 40-48, 90-97, 100-107 (39/49 are "default")
COLOUR="$ESC\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m"

# Opens the help (a framed box) and prints its top edge.
help_frame() {
	tui_keys F1
	tui_wait "obdcon keys" 5
	tui_screen | sed -n 2p
	tui_keys Escape
	tui_wait_gone "obdcon keys" 5
}

tui_start 80 24 "$OBDCON" --demo
tui_wait "marked to change (F4 coding" 15 # the scan is done
frame=$(help_frame)
check_contains "UTF-8 locale: box drawing characters" "┌─ obdcon keys" "$frame"
if tui_screen_escapes | grep -qE "$COLOUR"; then pass "colours by default"; else fail "colours by default" "$(tui_screen_escapes | head -n 5)"; fi
tui_keys q
tui_wait "__EXITED__" 15
tui_stop

TUI_LANG=C tui_start 80 24 "$OBDCON" --demo
tui_wait "marked to change (F4 coding" 15 # the scan is done
frame=$(help_frame)
check_contains "C locale: ASCII frame" "+- obdcon keys" "$frame"
check_contains "C locale: ASCII separators in the status line" " | 12.6 V | " "$(tui_screen)"
if tui_screen | grep -q "$(printf '\342\224')"; then fail "C locale: no UTF-8 line drawing anywhere" "$(tui_screen)"; else pass "C locale: no UTF-8 line drawing anywhere"; fi
tui_keys q
tui_wait "__EXITED__" 15
tui_stop

tui_start 80 24 NO_COLOR=1 "$OBDCON" --demo
tui_wait "marked to change (F4 coding" 15 # the scan is done
tui_keys F4
tui_wait "[ ] Fold mirrors on lock" 5
if tui_screen_escapes | grep -qE "$COLOUR"; then fail "NO_COLOR: no colour escapes" "$(tui_screen_escapes | grep -E "$COLOUR" | head -n 3 | od -c | head)"; else pass "NO_COLOR: no colour escapes"; fi
check_contains "NO_COLOR: the selection is shown in reverse video" "${ESC}[7m" "$(tui_screen_escapes)"
tui_keys q
tui_wait "__EXITED__" 15
tui_stop

mkdir -p "$XDG_CONFIG_HOME/obdcon"
printf 'theme = mono\ncolour = red\nascii = on\nmouse = off\n' >"$XDG_CONFIG_HOME/obdcon/config"
tui_start 80 24 "$OBDCON" --demo
tui_wait "marked to change (F4 coding" 15 # the scan is done
check_eq "mouse = off: the terminal keeps the mouse" "000" "$(tui_mouse_modes)"
if tui_screen_escapes | grep -qE "$COLOUR"; then fail "theme = mono: no colour escapes" "$(tui_screen_escapes | head -n 3)"; else pass "theme = mono: no colour escapes"; fi
frame=$(help_frame)
check_contains "ascii = on: ASCII frame in a UTF-8 locale" "+- obdcon keys" "$frame"
tui_keys F8
tui_wait "(Tab switches)" 5
tui_keys /
tui_type "config:"
tui_keys Enter
if tui_wait "config:2: unknown key 'colour'" 5; then pass "a bad config line is reported in the log"; else fail "config error in log" "$(tui_screen)"; fi
tui_keys q
if tui_wait "__EXITED__ 0" 15; then pass "a bad config line does not stop the console"; else fail "exit" "$(tui_screen)"; fi
tui_stop
finish
