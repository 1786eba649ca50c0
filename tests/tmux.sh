# tmux.sh: helpers for driving the console in a private tmux server, as a
# user would: start detached at a fixed size, send keys, poll the captured
# screen for expected text with a deadline (never a fixed sleep).
TMUX_SOCKET="obdcon-test-$$"
TMUX_SESSION="t"

# Runs tmux on the private server (no user configuration).
tm() {
	tmux -L "$TMUX_SOCKET" -f /dev/null "$@"
}

# Starts a command in a detached session of COLSxROWS.
tui_start() {
	cols=$1
	rows=$2
	shift 2
	tm new-session -d -s "$TMUX_SESSION" -x "$cols" -y "$rows" \
		"env HOME='$HOME' XDG_DATA_HOME='$XDG_DATA_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' \
		 XDG_STATE_HOME='$XDG_STATE_HOME' TERM=${TUI_TERM:-xterm-256color} LANG=${TUI_LANG:-C.UTF-8} \
		 TZ=UTC $*; echo __EXITED__ \$?; sleep 30"
}

# Prints the current screen.
tui_screen() {
	tm capture-pane -p -t "$TMUX_SESSION"
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

# Sends keys (tmux key names) to the console.
tui_keys() {
	tm send-keys -t "$TMUX_SESSION" "$@"
}

# Resizes the console's window.
tui_resize() {
	tm resize-window -t "$TMUX_SESSION" -x "$1" -y "$2"
}

# Stops the private server.
tui_stop() {
	tm kill-server 2>/dev/null || true
}
