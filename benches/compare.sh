#!/usr/bin/env bash
# Seconds per epoch and images per second of `backprop train`, for each engine × compiled-in CPU
# backend × thread count: the median of RUNS runs of EPOCHS epochs each (60,000 training images
# per epoch plus the 10,000-image test pass). The runs take turns (one of each row, then the
# next round), so that a busy minute of the machine spreads over every row.
# Usage: benches/compare.sh [RUNS] [EPOCHS]; THREADS="1 2" benches/compare.sh compares thread
# counts (default: RAYON_NUM_THREADS, or 1 as the command line).
# The last column is the CPU time the hypervisor gave to other machines while the row's runs
# went on (/proc/stat "steal"), as a share of this machine's CPU time: figures taken while it
# is high are not the machine's own speed.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
epochs=${2:-3}
threads_list=${THREADS:-${RAYON_NUM_THREADS:-1}}
cargo build --release --quiet
bin=target/release/backprop
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Total and steal jiffies of all CPUs.
cpu_ticks() { awk '/^cpu / {t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $9}' /proc/stat; }

rows=()
for backend in flex ndarray; do
  for engine in learner manual; do
    for threads in $threads_list; do rows+=("$engine $backend $threads"); done
  done
done
declare -A times ticks steals failed
for _ in $(seq "$runs"); do
  for row in "${rows[@]}"; do
    read -r engine backend threads <<<"$row"
    [ -z "${failed[$row]:-}" ] || continue
    read -r total0 steal0 < <(cpu_ticks)
    if line=$(RAYON_NUM_THREADS=$threads "$bin" train --engine "$engine" --backend "$backend" \
      --epochs "$epochs" --artifact-dir "$out/run" 2>&1 | grep '^Wall time'); then
      times[$row]+="$(sed -E 's/.* ([0-9.]+) s\/epoch.*/\1/' <<<"$line") "
    else
      failed[$row]=1
    fi
    read -r total1 steal1 < <(cpu_ticks)
    ticks[$row]=$((${ticks[$row]:-0} + total1 - total0))
    steals[$row]=$((${steals[$row]:-0} + steal1 - steal0))
  done
done

printf '%-8s %-8s %7s %9s %10s  %-18s %6s\n' engine backend threads "s/epoch" "images/s" "runs (s/epoch)" steal
for row in "${rows[@]}"; do
  read -r engine backend threads <<<"$row"
  if [ -n "${failed[$row]:-}" ]; then
    printf '%-8s %-8s %7s %9s\n' "$engine" "$backend" "$threads" "not compiled"
    continue
  fi
  median=$(tr ' ' '\n' <<<"${times[$row]}" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  rate=$(awk -v s="$median" 'BEGIN {printf "%.0f", 60000 / s}')
  steal=$(awk -v d="${ticks[$row]}" -v s="${steals[$row]}" \
    'BEGIN {printf "%.0f%%", (d > 0) ? (100 * s / d) : 0}')
  printf '%-8s %-8s %7s %9s %10s  %-18s %6s\n' "$engine" "$backend" "$threads" "$median" \
    "$rate" "${times[$row]% }" "$steal"
done
echo "$(nproc) cores; $(date -u +%Y-%m-%d)"
