# tmux.sh: helpers for driving the console in a private tmux server, as a
# user would: start detached at a fixed size, send keys, poll the captured
# screen for expected text with a deadline (never a fixed sleep).
TMUX_SOCKET="obdcon-test-$$"
TMUX_SESSION="t"
TUI_PIDFILE="$TEST_TMP/tui.pid"

# Runs tmux on the private server (no user configuration).
tm() {
	tmux -L "$TMUX_SOCKET" -f /dev/null "$@"
}

# The console's environment: none of the caller's but PATH, the sealed
# directories of lib.sh, a fixed terminal, locale and zone, and the
# sanitizer and data settings of the test run.
tui_env() {
	printf "env -i PATH='%s' HOME='%s' XDG_DATA_HOME='%s' XDG_CONFIG_HOME='%s'" \
		"$PATH" "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
	printf " XDG_STATE_HOME='%s' TERM='%s' LANG='%s' TZ=UTC" \
		"$XDG_STATE_HOME" "${TUI_TERM:-xterm-256color}" "${TUI_LANG:-C.UTF-8}"
	for var in OBDCON_DATADIR ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		eval "val=\${$var:-}"
		[ -n "$val" ] && printf " %s='%s'" "$var" "$val"
	done
}

# Starts a command (NAME=VALUE words first add to its environment) in a
# detached session of COLSxROWS; its process id goes to $TUI_PIDFILE.
tui_start() {
	cols=$1
	rows=$2
	shift 2
	rm -f "$TUI_PIDFILE"
	# a server stopped just before may still be going away: try again
	for try in 1 2 3 4 5; do
		tm new-session -d -s "$TMUX_SESSION" -x "$cols" -y "$rows" \
			"sh -c 'echo \$\$ >\"$TUI_PIDFILE\"; exec \"\$@\"' sh $(tui_env) $*; echo __EXITED__ \$?; sleep 30" \
			2>/dev/null && tm has-session -t "$TMUX_SESSION" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# Prints the current screen.
tui_screen() {
	tm capture-pane -p -t "$TMUX_SESSION"
}

# Prints the current screen with its attribute and colour escapes.
tui_screen_escapes() {
	tm capture-pane -e -p -t "$TMUX_SESSION"
}

# Waits up to SECONDS for TEXT on screen; 0 when it appeared.
tui_wait() {
	text=$1
	deadline=$(($(date +%s) + ${2:-15}))
	while [ "$(date +%s)" -le "$deadline" ]; do
		if tui_screen | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# Waits up to SECONDS for TEXT to leave the screen; 0 when it did.
tui_wait_gone() {
	text=$1
	deadline=$(($(date +%s) + ${2:-15}))
	while [ "$(date +%s)" -le "$deadline" ]; do
		if ! tui_screen | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# Sends keys (tmux key names) to the console.
tui_keys() {
	tm send-keys -t "$TMUX_SESSION" "$@"
}

# Types text literally.
tui_type() {
	tm send-keys -t "$TMUX_SESSION" -l "$1"
}

# Clicks the left button at column X, row Y (1-based), as an xterm in
# SGR mouse mode reports it.
tui_click() {
	tui_type "$(printf '\033[<0;%d;%dM\033[<0;%d;%dm' "$1" "$2" "$1" "$2")"
}

# Turns the wheel at column X, row Y: up (4) or down (5).
tui_wheel() {
	tui_type "$(printf '\033[<%d;%d;%dM' "$(($3 == 4 ? 64 : 65))" "$1" "$2")"
}

# The terminal's mouse reporting modes as the console set them ("000" off).
tui_mouse_modes() {
	tm display-message -p -t "$TMUX_SESSION" '#{mouse_standard_flag}#{mouse_button_flag}#{mouse_any_flag}'
}

# Resizes the console's window.
tui_resize() {
	tm resize-window -t "$TMUX_SESSION" -x "$1" -y "$2"
}

# The console's process id (empty before it started).
tui_pid() {
	cat "$TUI_PIDFILE" 2>/dev/null
}

# Waits up to SECONDS for the console's process to end; 0 when it did.
tui_wait_exit() {
	pid=$(tui_pid)
	deadline=$(($(date +%s) + ${1:-15}))
	while [ "$(date +%s)" -le "$deadline" ]; do
		if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# Stops the private server.
tui_stop() {
	tm kill-server 2>/dev/null || true
}
