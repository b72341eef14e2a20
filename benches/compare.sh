#!/usr/bin/env bash
# Epoch times of `backprop train` for each binary × backend × engine × hidden sizes × thread
# count: the first epoch apart (on a GPU backend it carries the kernels' compilation and
# autotune) and the steady epoch (median of the later epochs of all runs), from each run's
# metrics.csv (60,000 training images per epoch, or --train-limit's, plus the 10,000-image test
# pass). The runs take turns (one of each row, then the next round), so that a busy minute of
# the machine spreads over every row.
#
# Usage: benches/compare.sh [RUNS] [EPOCHS]            (defaults 3 and 3; EPOCHS ≥ 2)
# Environment:
#   BACKENDS="flex ndarray wgpu"   backends tried; one not compiled in, or wgpu without a GPU
#                                  adapter, gets a row saying so
#   ENGINES="learner manual"       engines
#   HIDDEN="132"                   hidden sizes, e.g. HIDDEN="132 512 1024,1024" (the crossover)
#   THREADS="1"                    RAYON_NUM_THREADS values (default: RAYON_NUM_THREADS or 1)
#   FEATURES=""                    cargo features of the build, e.g. FEATURES=wgpu
#   BINS="path …"                  binaries to compare side by side instead of building one
#                                  (e.g. a build before a change and one after)
#   TRAIN_LIMIT=""                 --train-limit for every run (shorter epochs)
#   PYTHON=""                      an interpreter with torch and numpy: adds PyTorch's rows
#                                  (benches/torch_peer.py: the same network, initialisation,
#                                  SGD, batches and files; its s/epoch also counts its test
#                                  pass) taking turns with ours, and a last column, PyTorch's
#                                  best steady s/epoch for the same hidden sizes over this
#                                  row's (above 1: faster than PyTorch)
# The last column is the CPU time the hypervisor gave to other machines while the row's runs
# went on (/proc/stat "steal"), as a share of this machine's CPU time: figures taken while it
# is high are not the machine's own speed.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
epochs=${2:-3}
[ "$epochs" -ge 2 ] || { echo "EPOCHS must be at least 2 (the first is reported apart)" >&2; exit 2; }
backends=${BACKENDS:-flex ndarray wgpu}
engines=${ENGINES:-learner manual}
hidden_list=${HIDDEN:-132}
threads_list=${THREADS:-${RAYON_NUM_THREADS:-1}}
if [ -z "${BINS:-}" ]; then
  cargo build --release --quiet ${FEATURES:+--features "$FEATURES"}
  bins=target/release/backprop
else
  bins=$BINS
fi
limit=()
[ -z "${TRAIN_LIMIT:-}" ] || limit=(--train-limit "$TRAIN_LIMIT")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Total and steal jiffies of all CPUs.
cpu_ticks() { awk '/^cpu / {t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $9}' /proc/stat; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }

torch_rows=()
if [ -n "${PYTHON:-}" ]; then
  "$PYTHON" -c 'import torch, numpy' 2>/dev/null ||
    { echo "PYTHON=$PYTHON cannot import torch and numpy" >&2; exit 2; }
  for hidden in $hidden_list; do
    for threads in $threads_list; do torch_rows+=("pytorch torch - $hidden $threads"); done
  done
fi

rows=()
for bin in $bins; do
  for backend in $backends; do
    for engine in $engines; do
      for hidden in $hidden_list; do
        for threads in $threads_list; do rows+=("$bin $backend $engine $hidden $threads"); done
      done
    done
  done
done
rows+=("${torch_rows[@]}")
declare -A firsts steadies ticks steals failed
for _ in $(seq "$runs"); do
  for row in "${rows[@]}"; do
    read -r bin backend engine hidden threads <<<"$row"
    [ -z "${failed[$row]:-}" ] || continue
    read -r total0 steal0 < <(cpu_ticks)
    rm -rf "$out/run"
    if [ "$bin" = pytorch ]; then
      # epoch train_seconds test_seconds train_loss test_accuracy → the epoch's whole time
      if "$PYTHON" benches/torch_peer.py --hidden "$hidden" --epochs "$epochs" --threads "$threads" \
        ${TRAIN_LIMIT:+--train-limit "$TRAIN_LIMIT"} >"$out/log" 2>&1; then
        firsts[$row]+="$(awk 'NR == 1 {printf "%.3f", $2 + $3}' "$out/log") "
        steadies[$row]+="$(awk 'NR > 1 {printf "%.3f ", $2 + $3}' "$out/log")"
      else
        failed[$row]="failed: $(tail -1 "$out/log")"
      fi
    elif RAYON_NUM_THREADS=$threads XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp} "$bin" train \
      --engine "$engine" --backend "$backend" --hidden "$hidden" --epochs "$epochs" \
      --stop-above 100 "${limit[@]}" --artifact-dir "$out/run" >"$out/log" 2>&1; then
      # metrics.csv: epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds
      firsts[$row]+="$(awk -F, 'NR == 2 {print $6}' "$out/run/metrics.csv") "
      steadies[$row]+="$(awk -F, 'NR > 2 {printf "%s ", $6}' "$out/run/metrics.csv")"
    else
      case "$(cat "$out/log")" in
        *"not compiled in"*) failed[$row]="not compiled in" ;;
        *"no usable GPU adapter"*) failed[$row]="no GPU adapter" ;;
        *) failed[$row]="failed: $(tail -1 "$out/log")" ;;
      esac
    fi
    read -r total1 steal1 < <(cpu_ticks)
    ticks[$row]=$((${ticks[$row]:-0} + total1 - total0))
    steals[$row]=$((${steals[$row]:-0} + steal1 - steal0))
  done
done

images=${TRAIN_LIMIT:-60000}
# PyTorch's best steady s/epoch for each hidden sizes (over its thread counts).
declare -A torch_best
for row in "${torch_rows[@]}"; do
  read -r _ _ _ hidden _ <<<"$row"
  [ -z "${failed[$row]:-}" ] || continue
  steady=$(median <<<"${steadies[$row]}")
  best=${torch_best[$hidden]:-}
  if [ -z "$best" ] || awk -v a="$steady" -v b="$best" 'BEGIN {exit !(a < b)}'; then torch_best[$hidden]=$steady; fi
done
printf '%-24s %-8s %-8s %-10s %7s %8s %8s %9s  %-24s %6s %s\n' binary backend engine hidden threads \
  "first s" "steady s" "images/s" "steady epochs (s)" steal "${PYTHON:+× PyTorch}"
for row in "${rows[@]}"; do
  read -r bin backend engine hidden threads <<<"$row"
  label=${bin#"$PWD"/}
  if [ -n "${failed[$row]:-}" ]; then
    printf '%-24s %-8s %-8s %-10s %7s  %s\n' "$label" "$backend" "$engine" "$hidden" "$threads" \
      "${failed[$row]}"
    continue
  fi
  first=$(median <<<"${firsts[$row]}")
  steady=$(median <<<"${steadies[$row]}")
  rate=$(awk -v s="$steady" -v n="$images" 'BEGIN {printf "%.0f", n / s}')
  steal=$(awk -v d="${ticks[$row]}" -v s="${steals[$row]}" \
    'BEGIN {printf "%.0f%%", (d > 0) ? (100 * s / d) : 0}')
  ratio=""
  if [ -n "${torch_best[$hidden]:-}" ]; then
    ratio=$(awk -v t="${torch_best[$hidden]}" -v s="$steady" 'BEGIN {printf "%.2f", t / s}')
  fi
  printf '%-24s %-8s %-8s %-10s %7s %8s %8s %9s  %-24s %6s %s\n' "$label" "$backend" "$engine" \
    "$hidden" "$threads" "$first" "$steady" "$rate" "${steadies[$row]% }" "$steal" "$ratio"
done
[ -z "${PYTHON:-}" ] || echo "PyTorch $("$PYTHON" -c 'import torch; print(torch.__version__)'); × PyTorch = its best steady s/epoch (any thread count) / the row's"

echo "$(nproc) cores; $(date -u +%Y-%m-%d)"
