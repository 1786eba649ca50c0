#!/bin/sh
# Layering: each layer only includes headers of the layers below it; curses
# only in src/ui, Lua only in src/script; device descriptors only in src/link.
. "$top_srcdir/tests/lib.sh"
cd "$top_srcdir/src" || exit 1

# Layers each may use (besides itself and util).
allowed() {
	case $1 in
	util) echo "" ;;
	link) echo "" ;;
	adapter) echo "link" ;;
	isotp) echo "adapter link" ;;
	diag) echo "isotp adapter link" ;;
	session) echo "" ;;
	script) echo "" ;;
	sim) echo "link script" ;;
	app) echo "diag isotp adapter link session script sim" ;;
	ui) echo "app session" ;;
	cli) echo "app session" ;;
	esac
}

for layer in util link adapter isotp diag session script sim app ui cli; do
	bad=""
	for inc in $(grep -ho '#include "[a-z]*/' "$layer"/*.c "$layer"/*.h 2>/dev/null | sed 's/#include "//; s|/||' | sort -u); do
		[ "$inc" = "$layer" ] || [ "$inc" = util ] && continue
		case " $(allowed "$layer") " in *" $inc "*) ;; *) bad="$bad $inc" ;; esac
	done
	check_eq "src/$layer includes only layers below it" "" "$bad"
done

check_eq "curses only in src/ui" "" "$(grep -l 'include <n\?curses' ./*/*.[ch] | grep -v '^./ui/')"
check_eq "Lua only in src/script" "" "$(grep -l 'include <l\(ua\|auxlib\|ualib\)' ./*/*.[ch] | grep -v '^./script/')"
check_eq "libserialport and termios only in src/link" "" "$(grep -l 'include <\(libserialport\|termios\|sys/socket\)' ./*/*.[ch] | grep -v '^./link/')"
check_eq "main.c uses only cli, ui and sim" "" "$(grep -o '#include "[a-z]*/' main.c | sed 's/#include "//; s|/||' | grep -v '^\(cli\|ui\|sim\|util\)$')"
finish
