#!/bin/sh
# Runs every saved fuzz input (seeds and fixed crashes) through its harness.
n=0
fail=0
for prog in "$top_builddir"/tests/fuzz/corpus_*; do
	case $prog in *.o|*.c) continue ;; esac
	[ -x "$prog" ] || continue
	name=${prog##*/corpus_}
	n=$((n + 1))
	line=$("$prog" "$name" "$top_srcdir/tests/fuzz/corpus/$name" 2>&1 | grep '^\(not \)\?ok')
	case $line in
	"ok "*) echo "ok $n - ${line#ok 1 - }" ;;
	*) echo "not ok $n - $name corpus: $line"; fail=1 ;;
	esac
done
echo "1..$n"
exit $fail
