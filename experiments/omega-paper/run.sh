#!/bin/sh
# Regenerate every figure of the Omega-paper study (docs/validation.md,
# "The Omega paper's findings"): run the four sweeps, then plot them.
# usage: experiments/omega-paper/run.sh [OUTDIR]   (make omega-paper)
# OUTDIR defaults to results/omega-paper and is replaced; JOBS (default 2)
# points run at a time; CLUSTERSIM names the binary (default bin/clustersim).
# The figures shown in docs/validation.md are copies of these, in
# docs/figures/omega-paper/.
set -e
out=${1:-results/omega-paper}
jobs=${JOBS:-2}
bin=${CLUSTERSIM:-bin/clustersim}
here=experiments/omega-paper
rm -rf "$out"
mkdir -p "$out"
for e in tjob batch-rate batch-schedulers conflict-detection; do
	echo "== sweep $e"
	"$bin" sweep "$here/$e.json" -o "$out/$e" -j "$jobs" -q
done
p() { "$bin" plot "$@"; }
t=$out/tjob
p "$t" --x vars.svc_t_job --metric 'schedulers.service|monolithic.busy' --title 'service scheduler busyness (monolithic: the one scheduler)' -o "$out/fig-busy-service.png"
p "$t" --x vars.svc_t_job --metric 'workloads.batch.wait_first_attempt.mean' --title 'batch jobs: mean wait to first scheduling attempt (s)' --logy -o "$out/fig-wait-batch.png"
p "$t" --x vars.svc_t_job --metric 'workloads.service.wait_first_attempt.mean' --title 'service jobs: mean wait to first scheduling attempt (s)' --logy -o "$out/fig-wait-service.png"
p "$t" --x vars.svc_t_job --metric 'schedulers.service.conflict_fraction' --title 'Omega service scheduler: conflict fraction' --logy -o "$out/fig-conflicts-service.png"
p "$t" --x vars.svc_t_job --metric 'schedulers.batch.conflict_fraction' --title 'Omega batch scheduler: conflict fraction' -o "$out/fig-conflicts-batch.png"
p "$t" --x vars.svc_t_job --metric 'workloads.batch.jobs.unscheduled' --title 'batch jobs still unscheduled at the end of the day' -o "$out/fig-unscheduled-batch.png"
p "$out/batch-rate" --x vars.batch_interarrival --logx --metric 'schedulers.batch.busy' --title 'Omega batch scheduler busyness against batch interarrival time (s)' -o "$out/fig-rate-busy.png"
p "$out/batch-rate" --x vars.batch_interarrival --logx --metric 'workloads.batch.wait_first_attempt.mean' --title 'batch wait (s) against batch interarrival time (s)' --logy -o "$out/fig-rate-wait.png"
p "$out/batch-schedulers" --x vars.batch_count --logx --metric 'schedulers.batch*.busy' --title 'busiest batch scheduler against the number of batch schedulers (6x batch load)' -o "$out/fig-schedulers-busy.png"
p "$out/batch-schedulers" --x vars.batch_count --logx --metric 'workloads.batch.wait_first_attempt.mean' --title 'batch wait (s) against the number of batch schedulers (6x batch load)' --logy -o "$out/fig-schedulers-wait.png"
p "$out/batch-schedulers" --x vars.batch_count --logx --metric 'schedulers.batch*.conflict_fraction' --title 'worst batch conflict fraction against the number of batch schedulers' -o "$out/fig-schedulers-conflicts.png"
p "$out/conflict-detection" --x vars.svc_t_job --metric 'schedulers.service.conflict_fraction' --title 'Omega service scheduler: conflict fraction, fine and coarse (-claims: only claims bump)' --logy -o "$out/fig-conflict-detection.png"
echo "figures in $out"
