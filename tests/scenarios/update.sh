#!/bin/sh
# Regenerate the golden summaries after an intended change of the model.
# Run from the project root after `make`.
set -e
for f in tests/scenarios/*.json; do
	case "$f" in *.summary.json) continue ;; esac
	name=$(basename "$f" .json)
	out=$(mktemp -d)
	bin/clustersim run "$f" -o "$out/r" -q
	cp "$out/r/summary.json" "tests/scenarios/$name.summary.json"
	rm -rf "$out"
	echo "updated tests/scenarios/$name.summary.json"
done
