#!/bin/sh
# The man page renders without warnings and documents the commands and options.
. "$top_srcdir/tests/lib.sh"
page="$top_srcdir/man/obdcon.1"

warnings=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
check_eq "man -l renders obdcon.1 without warnings" "" "$warnings"
text=$(MANWIDTH=80 LC_ALL=C.UTF-8 man -l "$page" 2>/dev/null | col -b)
for word in scan features code --port --demo --json --yes --no-archive --verbose transcript.log manifest.json "EXIT STATUS" "sim:" "tcp:"; do
	check_contains "man page mentions $word" "$word" "$text"
done
for opt in $("$OBDCON" --help | grep -o '^ *\(-., \)\?--[a-z-]*' | sed 's/.*--/--/'); do
	check_contains "man page documents $opt from --help" "$opt" "$text"
done
finish
