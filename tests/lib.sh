# lib.sh: shared helpers for obdcon's shell tests. They speak TAP: each
# check prints "ok N - what" or "not ok N - what", and finish prints the plan.
# The environment is sealed: HOME and XDG directories live in a temporary
# folder, so no test reads or writes the user's files.
set -u

: "${OBDCON:?OBDCON must point to the obdcon binary}"
TEST_NUM=0
TEST_FAILED=0
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/obdcon-test.XXXXXX")
trap 'rm -rf "$TEST_TMP"' EXIT
export HOME="$TEST_TMP/home" XDG_DATA_HOME="$TEST_TMP/data"
export XDG_CONFIG_HOME="$TEST_TMP/config" XDG_STATE_HOME="$TEST_TMP/state"
export TZ=UTC
mkdir -p "$HOME"
SESSIONS="$XDG_DATA_HOME/obdcon/sessions"

# Records one passing check.
pass() {
	TEST_NUM=$((TEST_NUM + 1))
	echo "ok $TEST_NUM - $1"
}

# Records one failing check, with optional detail lines as TAP comments.
fail() {
	TEST_NUM=$((TEST_NUM + 1))
	TEST_FAILED=1
	echo "not ok $TEST_NUM - $1"
	shift
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/# /'; done
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	desc=$1
	shift
	if "$@" >"$TEST_TMP/check.out" 2>&1; then
		pass "$desc"
	else
		fail "$desc" "command: $*" "$(head -c 2000 "$TEST_TMP/check.out")"
	fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL: passes when the strings are equal.
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected: $2" "actual:   $3"
	fi
}

# check_contains DESCRIPTION NEEDLE HAYSTACK: passes when NEEDLE occurs.
check_contains() {
	case "$3" in
	*"$2"*) pass "$1" ;;
	*) fail "$1" "expected to find: $2" "in: $(printf '%s' "$3" | head -c 2000)" ;;
	esac
}

# Prints the plan and exits with the overall status.
finish() {
	echo "1..$TEST_NUM"
	exit "$TEST_FAILED"
}

# Path of the only session directory (fails the test run if there is not one).
only_session() {
	find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d | head -n 1
}

# The session directory a run named in its "session saved in PATH" line
# (stderr captured in the file given).
session_of() {
	sed -n 's/^obdcon: session saved in \(.*\)\.tar\.gz$/\1/p' "$1" | tail -n 1
}
