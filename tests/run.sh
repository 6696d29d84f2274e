#!/bin/sh
# Run every test program; print each one's cmocka output and, last, the
# totals as "N passed, N failed" (the line CI counts).
# usage: tests/run.sh CLUSTERSIM_BINARY TEST_PROGRAM...
# With CS_INTEGRATION set to a command, it runs that too (the nginx
# integration test) and adds the checks its last line counts.
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
# the integration tests (commands in CS_INTEGRATION) count their checks:
# every "N passed, N failed" line of their output is added
if [ -n "${CS_INTEGRATION:-}" ]; then
	sh -c "$CS_INTEGRATION" >"$out" 2>&1
	rc=$?
	cat "$out"
	p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out" | awk '{s += $1} END {print s + 0}')
	f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out" | awk '{s += $1} END {print s + 0}')
	n=$(grep -c '^[0-9]* passed, [0-9]* failed$' "$out")
	if [ "$n" -lt 6 ]; then
		echo "integration tests: $n of 6 reported their counts"
		f=$((f + 1))
	fi
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		echo "integration test: exited with status $rc without a failed check"
		failed=$((failed + 1))
	fi
fi
rm -f "$out"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
