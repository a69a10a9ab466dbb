#!/usr/bin/env bash
# Builds jmh/target/benchmarks.jar and runs the "many processes, one heap" benchmarks, each part in ROUNDS
# interleaved rounds, then prints medians and ranges:
#   modes     W2 steps/s on one shared heap: 1 process, 2 processes, 1 process x 2 threads (SharedHeapW2),
#             ratio to 1 process. About 20 s per run, 3 runs per round.
#   overhead  JMH, the same benchmarks with the heap lock + journal (guarded) and without them
#             (-Dmappedheap.benchmark.unguarded=true): HeapLockBench (uncontended lock cost), W2 step, W1 phases.
#             About 40-60 s per guard per round.
# Default (3 rounds, both parts): about 8 minutes on 2 cores.
#
# Usage: jmh/run-multiprocess-bench.sh
# Environment:
#   PARTS        "modes overhead" (default), or one of them
#   ROUNDS       rounds per part (default 3); each round runs every mode / both guards once, in rotated order
#   MODES        the modes part's modes (default "1proc 2proc 2threads"); also "2threads-2heaps": 2 threads in
#                one JVM, each with its own MappedHeap instance (they meet only at the heap lock in the file)
#   WARMUP       seconds of W2 steps before the measured window of a shared-heap run (default 5)
#   MEASURE      seconds of the measured window (default 10)
#   JMH_OPTS     JMH options of the overhead part (default "-wi 2 -i 4")
#   RESULTS_DIR  where the logs go (default: jmh/target/results/multiprocess-<UTC time>)
#   BENCH_DIR    directory for the shared heap files (default /tmp; 2 workers need ~200 MiB)
#   SKIP_BUILD=1 reuse the existing jar
#   JAVA_HOME    the JDK to run (and build) with
# Both parts take turns with other benchmarks on this machine through JMH's lock (/tmp/jmh.lock): the shared-heap
# runs wait for it, JMH runs that find it taken are retried.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench-common.sh
source "$here/bench-common.sh"

parts=${PARTS:-modes overhead}
rounds=${ROUNDS:-3}
read -r -a modes <<< "${MODES:-1proc 2proc 2threads}"
warmup=${WARMUP:-5}
measure=${MEASURE:-10}
read -r -a jmh_opts <<< "${JMH_OPTS:--wi 2 -i 4}"
bench_dir=${BENCH_DIR:-/tmp}
out=${RESULTS_DIR:-$here/target/results/multiprocess-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out" "$bench_dir"

# The JVM flags Chronicle needs (the parent POM's heap.jvm.flags, copied into the jar's build by Maven).
read -r -a heap_flags < "$flags_file"
host_args=()
major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
if (( ${major%%.*} >= 23 )); then
  heap_flags+=(--sun-misc-unsafe-memory-access=allow)
  host_args+=(--sun-misc-unsafe-memory-access=allow)
fi

# Prints "key median min max n" for "key value" lines on stdin, keys in first-seen order.
stats() {
  awk '{ if (!($1 in n)) order[++keys] = $1; n[$1]++; v[$1, n[$1]] = $2 }
       END { for (k = 1; k <= keys; k++) { key = order[k]; c = n[key]
               for (i = 1; i <= c; i++) s[i] = v[key, i]
               for (i = 2; i <= c; i++) { x = s[i]; for (j = i - 1; j >= 1 && s[j] > x; j--) s[j + 1] = s[j]; s[j + 1] = x }
               med = (c % 2) ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2
               print key, med, s[1], s[c], c } }'
}

machine_line() {
  echo "# $(date -u '+%F %T') UTC  host $(hostname)  cores $(nproc)  load $(cut -d' ' -f1-3 /proc/loadavg)"
}

{
  machine_line
  echo "# java $("$java" -version 2>&1 | head -1)"
  echo "# heap files in $bench_dir: $(df -T "$bench_dir" | awk 'NR==2 {print $2 " on " $1}')"
  echo "# git $(git -C "$root" rev-parse --short HEAD)$([[ -z $(git -C "$root" status --porcelain -- allocator jmh) ]] || echo " (with uncommitted changes)")"
} | tee "$out/machine.txt"

# ---- part 1: W2 on a shared heap, three modes ----
mode_args() { # the SharedHeapW2 arguments of a mode
  case $1 in
    1proc) echo processes=1 threads=1 ;;
    2proc) echo processes=2 threads=1 ;;
    2threads) echo processes=1 threads=2 ;;
    2threads-2heaps) echo processes=1 threads=2 heapPerThread=true ;;
    *) echo "unknown mode: $1 (1proc 2proc 2threads 2threads-2heaps)" >&2; return 1 ;;
  esac
}

run_modes() {
  local r i label args
  for label in "${modes[@]}"; do
    mode_args "$label" > /dev/null
  done
  for ((r = 1; r <= rounds; r++)); do
    for ((i = 0; i < ${#modes[@]}; i++)); do
      label=${modes[(i + r - 1) % ${#modes[@]}]}
      args=$(mode_args "$label")
      { echo; machine_line; echo "# round $r $label"; } | tee -a "$out/modes.txt"
      # shellcheck disable=SC2086 # $args is several words on purpose
      "$java" "${heap_flags[@]}" -cp "$jar" dev.mappedheap.jmh.multi.SharedHeapW2 "label=$label" $args \
        "warmup=$warmup" "measure=$measure" "dir=$bench_dir" 2>&1 | tee -a "$out/modes.txt"
    done
  done
}

summarize_modes() {
  # "round label steps/s" for every run
  local runs rows ratios base
  runs=$(awk '/^# round / { round = $3 }
              /^RESULT / { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
                           print round, f["label"], f["stepsPerSecond"] }' "$out/modes.txt")
  rows=$(awk '{ print $2, $3 }' <<< "$runs" | stats)
  base=$(awk '$1 == "1proc" { print $2 }' <<< "$rows")
  # each run against the 1-process run of the same round, so drift between rounds cancels
  ratios=$(awk '{ v[$1, $2] = $3; label[NR] = $2; round[NR] = $1 }
                END { for (i = 1; i <= NR; i++) if (v[round[i], "1proc"] != "")
                        print label[i], v[round[i], label[i]] / v[round[i], "1proc"] }' <<< "$runs" | stats)
  echo
  echo "W2 on one shared heap: total steps/s (one step = one free + one allocation), ${warmup} s warm-up +"
  echo "${measure} s measured per run; every run audited afterwards (check() clean, every block holds its slot"
  echo "number, no two live blocks overlap, live block count exact)."
  echo
  printf '%-15s %5s %15s %25s %15s %23s\n' mode runs "steps/s median" "range" "ratio (medians)" "ratio per round: range"
  local key med min max n rmin rmax
  while read -r key med min max n; do
    read -r _ _ rmin rmax _ < <(awk -v k="$key" '$1 == k' <<< "$ratios")
    printf '%-15s %5d %15.0f %12.0f - %-10.0f %15.2f %16.2f - %.2f\n' "$key" "$n" "$med" "$min" "$max" \
      "$(awk -v a="$med" -v b="$base" 'BEGIN { print a / b }')" "$rmin" "$rmax"
  done <<< "$rows"
}

# ---- part 2: the same JMH benchmarks with and without the heap lock and journal ----
run_jmh() { # label, then extra JMH options
  local label=$1
  shift
  local base=$out/overhead-$label
  local filter='(lock\.HeapLockBench|alloc\.MappedHeapBench\.W2\.w2Step|alloc\.MappedHeapBench\.W1\.)'
  local attempt status
  for attempt in $(seq 1 90); do
    status=0
    { echo; machine_line; } | tee -a "$base.txt"
    # -foe: a benchmark whose verification fails stops the run (and this script) instead of leaving a gap
    "$java" "${host_args[@]}" -jar "$jar" "$filter" "${jmh_opts[@]}" -foe true -rf csv -rff "$base.csv" "$@" \
      > "$base.attempt" 2>&1 || status=$?
    cat "$base.attempt" >> "$base.txt"
    if grep -q 'Unable to acquire the JMH lock' "$base.attempt"; then
      echo "# JMH lock taken by another benchmark; retrying in 20 s (attempt $attempt)" | tee -a "$base.txt"
      rm -f "$base.attempt"
      sleep 20
      continue
    fi
    if (( status != 0 )); then
      echo "JMH failed ($label), see $base.txt" >&2
      return 1
    fi
    echo "# $label"
    sed -n '/^Benchmark  *Mode/,/^$/p' "$base.attempt"
    rm -f "$base.attempt"
    return 0
  done
  echo "gave up waiting for the JMH lock" >&2
  return 1
}

run_overhead() {
  local unguarded=(-jvmArgsPrepend -Dmappedheap.benchmark.unguarded=true)
  local fork_args=()
  if (( ${#host_args[@]} > 0 )); then
    fork_args=(-jvmArgs "${host_args[*]}")
  fi
  local r
  for ((r = 1; r <= rounds; r++)); do
    if (( r % 2 )); then
      run_jmh "r$r-guarded" "${fork_args[@]}"
      run_jmh "r$r-unguarded" "${unguarded[@]}" "${fork_args[@]}"
    else
      run_jmh "r$r-unguarded" "${unguarded[@]}" "${fork_args[@]}"
      run_jmh "r$r-guarded" "${fork_args[@]}"
    fi
  done
  # every fork of HeapLockBench prints "# GUARD unguarded=…": check each log says what its name says
  if grep -l 'GUARD unguarded=true' "$out"/overhead-r*-guarded.txt ||
     grep -l 'GUARD unguarded=false' "$out"/overhead-r*-unguarded.txt; then
    echo "the unguarded switch did not reach the forks as labelled (files above)" >&2
    return 1
  fi
}

# "Class.method score" for every ns/op row of the given JMH CSV files
jmh_scores() {
  # JMH writes the CSV with CRLF line ends
  awk -F, '{ sub(/\r$/, "") } FNR > 1 && $NF == "\"ns/op\"" { name = $1; gsub(/"/, "", name); n = split(name, p, ".")
                                            print p[n - 1] "." p[n], $5 }' "$@"
}

summarize_overhead() {
  local g u
  g=$(jmh_scores "$out"/overhead-r*-guarded.csv | stats)
  u=$(jmh_scores "$out"/overhead-r*-unguarded.csv | stats)
  echo
  echo "ns per operation with the heap lock + journal (guarded) and without them (unguarded,"
  echo "-Dmappedheap.benchmark.unguarded=true), $rounds rounds each, interleaved; one figure per round = JMH's mean"
  echo "over its measured iterations (${jmh_opts[*]}); median (min-max) over the rounds."
  echo
  printf '%-28s %24s %24s %9s %7s\n' benchmark "guarded ns" "unguarded ns" "diff ns" "diff"
  local key gm gmin gmax um umin umax
  while read -r key gm gmin gmax _; do
    um=
    read -r _ um umin umax _ < <(awk -v k="$key" '$1 == k' <<< "$u") || true
    if [[ -z $um ]]; then
      printf '%-28s %8.1f (%6.1f-%6.1f)\n' "$key" "$gm" "$gmin" "$gmax"
    else
      printf '%-28s %8.1f (%6.1f-%6.1f) %8.1f (%6.1f-%6.1f) %9.1f %6.1f%%\n' "$key" "$gm" "$gmin" "$gmax" "$um" \
        "$umin" "$umax" "$(awk -v a="$gm" -v b="$um" 'BEGIN { print a - b }')" \
        "$(awk -v a="$gm" -v b="$um" 'BEGIN { print 100 * (a - b) / b }')"
    fi
  done <<< "$g"
}

for part in $parts; do
  case $part in
    modes) run_modes ;;
    overhead) run_overhead ;;
    *) echo "unknown part: $part (modes, overhead)" >&2; exit 2 ;;
  esac
done
machine_line | tee -a "$out/machine.txt"
for part in $parts; do
  case $part in
    modes) summarize_modes | tee "$out/modes-summary.txt" ;;
    overhead) summarize_overhead | tee "$out/overhead-summary.txt" ;;
  esac
done
echo
echo "Logs and summaries: $out"
