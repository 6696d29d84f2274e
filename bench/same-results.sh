#!/bin/sh
# bench/same-results.sh — the refactoring check: two builds of clustersim
# must give byte-identical results.  Runs, with each binary, every shipped
# experiment (its base point), the whole sweeps of experiments/default.json
# and the Omega paper's t_job study, and the golden scenarios, then
# compares summary.json, timeseries.csv and jobs.csv file by file.
#
# usage: bench/same-results.sh REFERENCE_BINARY NEW_BINARY [OUT_DIR]
# Prints each difference and "N identical, M different"; exit 1 if any
# differs.  (A maintainer's tool, not a test: it needs a second build.)
set -u
ref=$1
new=$2
out=${3:-$(mktemp -d /tmp/clustersim-same-XXXXXX)}
mkdir -p "$out"
same=0 diff=0

check() { # NAME: compare out/ref/NAME and out/new/NAME
	for f in summary.json timeseries.csv jobs.csv; do
		a="$out/ref/$1/$f" b="$out/new/$1/$f"
		[ -f "$a" ] || [ -f "$b" ] || continue
		if cmp -s "$a" "$b"; then
			same=$((same + 1))
		else
			diff=$((diff + 1))
			echo "differs: $1/$f"
		fi
	done
}

for exp in experiments/*.json experiments/*/*.json tests/scenarios/*.json; do
	case "$exp" in *.summary.json) continue ;; esac
	name=$(echo "$exp" | tr '/' '_')
	for side in ref new; do
		bin=$ref
		[ "$side" = new ] && bin=$new
		"$bin" run "$exp" -o "$out/$side/$name" -q --force 2>/dev/null ||
			echo "$side: $exp failed"
	done
	check "$name"
done
for exp in experiments/default.json experiments/omega-paper/tjob.json; do
	name=sweep_$(echo "$exp" | tr '/' '_')
	for side in ref new; do
		bin=$ref
		[ "$side" = new ] && bin=$new
		"$bin" sweep "$exp" -o "$out/$side/$name" -q -j 2 --force 2>/dev/null || echo "$side: sweep $exp failed"
	done
	for p in "$out/ref/$name/points"/*; do
		check "$name/points/$(basename "$p")"
	done
done
echo "$same identical, $diff different (in $out)"
[ "$diff" -eq 0 ]
