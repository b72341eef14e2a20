#!/usr/bin/env bash
# Seconds per epoch and images per second of `backprop train`, for each engine × compiled-in CPU
# backend: the median of RUNS runs of EPOCHS epochs each (60,000 training images per epoch plus
# the 10,000-image test pass). Usage: benches/compare.sh [RUNS] [EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
epochs=${2:-3}
cargo build --release --quiet
bin=target/release/backprop
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

printf '%-8s %-8s %12s %12s  %s\n' engine backend "s/epoch" "images/s" "runs (s/epoch)"
for backend in flex ndarray; do
  for engine in learner manual; do
    times=()
    for _ in $(seq "$runs"); do
      line=$("$bin" train --engine "$engine" --backend "$backend" --epochs "$epochs" \
        --artifact-dir "$out/run" 2>&1 | grep '^Wall time') || { times=(); break; }
      times+=("$(sed -E 's/.* ([0-9.]+) s\/epoch.*/\1/' <<<"$line")")
    done
    [ ${#times[@]} -gt 0 ] || { printf '%-8s %-8s %12s\n' "$engine" "$backend" "not compiled"; continue; }
    median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    rate=$(awk -v s="$median" 'BEGIN {printf "%.0f", 60000 / s}')
    printf '%-8s %-8s %12s %12s  %s\n' "$engine" "$backend" "$median" "$rate" "${times[*]}"
  done
done
echo "threads: ${RAYON_NUM_THREADS:-1 (default)}; $(nproc) cores; $(date -u +%Y-%m-%d)"
