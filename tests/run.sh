#!/bin/sh
# Run every test program; print each one's cmocka output and, last, the
# totals as "N passed, N failed" (the line CI counts).
# usage: tests/run.sh CLUSTERSIM_BINARY TEST_PROGRAM...
clustersim=$1
shift
export CLUSTERSIM="$clustersim"
passed=0
failed=0
crashed=0
out=$(mktemp)
for t in "$@"; do
	CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | head -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | head -n 1)
	p=${p:-0}
	f=${f:-0}
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$t: exited with status $rc without a failed test (crash?)"
		failed=$((failed + 1))
		crashed=1
	fi
done
rm -f "$out"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
