#!/usr/bin/env bash
# Workload I1 (../shared/bench/WORKLOADS.md): two JVMs ping-pong a 64-byte message, one-way latency = round trip / 2,
# for mappedheap's HeapLog and the peers Chronicle Queue and Agrona's OneToOneRingBuffer, interleaved in one run:
# rep 1 of every peer, then rep 2, ... Each run uses fresh JVMs and fresh files; ping pinned to CPU PING_CPU, pong to
# PONG_CPU (taskset). Prints every RESULT line and a table of medians (min-max) over the reps.
#
# Usage: jmh/run-ipc-bench.sh
# Environment:
#   PEERS        default "mappedheap chronicle agrona"; also "mappedheap-await" (listeners block in await())
#   REPS         runs per peer (default 3)
#   N, WARMUP    timed and untimed round trips per run (default 1000000, 100000)
#   SHM_DIR      files of mappedheap and agrona (default /dev/shm); CHRONICLE_DIR for Chronicle (default /tmp, as
#                the peer figure of ../shared/bench/ipc-peers-RESULTS.md: on tmpfs its p99 is 5 µs of page faults)
#   PIN=0        do not pin; PING_CPU / PONG_CPU (default 0 / 1)
#   SKIP_BUILD=1 reuse jmh/target/benchmarks.jar; JAVA_HOME the JDK to run
#   RESULTS_DIR  where the log, the table and the .hgrm files go (default jmh/target/results/ipc-<UTC time>)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench-common.sh
source "$here/bench-common.sh"

read -r -a peers <<< "${PEERS:-mappedheap chronicle agrona}"
reps=${REPS:-3}
n=${N:-1000000}
warmup=${WARMUP:-100000}
shm_dir=${SHM_DIR:-/dev/shm}
chronicle_dir=${CHRONICLE_DIR:-/tmp}
out=${RESULTS_DIR:-$here/target/results/ipc-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
log=$out/ipc.log

read -r -a flags < "$flags_file"
flags+=(-Xms256m -Xmx256m --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
        --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED -Dchronicle.analytics.disable=true
        -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
if (( ${major%%.*} >= 23 )); then
  flags+=(--sun-misc-unsafe-memory-access=allow)
fi

pin() { # cpu, then the command
  local cpu=$1
  shift
  if [[ ${PIN:-1} == 1 ]]; then taskset -c "$cpu" "$@"; else "$@"; fi
}

machine_line() {
  echo "# $(date -u '+%F %T') UTC  host $(hostname)  cores $(nproc)  load $(cut -d' ' -f1-3 /proc/loadavg)"
}

scratch=()
cleanup() { for d in "${scratch[@]}"; do rm -rf "$d"; done; }
trap cleanup EXIT

{
  machine_line
  echo "# java $("$java" -version 2>&1 | head -1)"
  echo "# git $(git -C "$root" rev-parse --short HEAD)$([[ -z $(git -C "$root" status --porcelain -- allocator structs jmh) ]] || echo " (with uncommitted changes)")"
  echo "# n=$n warmup=$warmup pinned=${PIN:-1} shm=$shm_dir chronicle=$chronicle_dir"
} | tee "$log"

for ((r = 1; r <= reps; r++)); do
  for peer in "${peers[@]}"; do
    base=$shm_dir
    [[ $peer == chronicle ]] && base=$chronicle_dir
    dir=$(mktemp -d "$base/ipcbench-XXXXXX")
    scratch+=("$dir")
    user_home=$(mktemp -d /tmp/ipcbench-home-XXXXXX)
    scratch+=("$user_home")
    echo "$(machine_line) rep $r $peer" >> "$log"
    pin "${PONG_CPU:-1}" "$java" "${flags[@]}" -Duser.home="$user_home" -cp "$jar" dev.mappedheap.jmh.ipc.PingPong \
      role=pong "peer=$peer" "dir=$dir" "n=$n" "warmup=$warmup" > "$out/pong-$peer-$r.txt" 2>&1 &
    pong=$!
    if ! pin "${PING_CPU:-0}" "$java" "${flags[@]}" -Duser.home="$user_home" -cp "$jar" dev.mappedheap.jmh.ipc.PingPong \
        role=ping "peer=$peer" "dir=$dir" "n=$n" "warmup=$warmup" "hgrm=$out/$peer-$r.hgrm" > "$out/ping-$peer-$r.txt" 2>&1; then
      kill "$pong" 2> /dev/null || true
      echo "ping failed ($peer, rep $r): $out/ping-$peer-$r.txt" >&2
      cat "$out/ping-$peer-$r.txt" >&2
      exit 1
    fi
    wait "$pong" || { echo "pong failed ($peer, rep $r): $out/pong-$peer-$r.txt" >&2; exit 1; }
    grep '^RESULT' "$out/ping-$peer-$r.txt" | sed "s/\$/ rep=$r load=$(cut -d' ' -f1 /proc/loadavg)/" | tee -a "$log"
    rm -rf "$dir" "$user_home"
  done
done
machine_line | tee -a "$log"

# median (min-max) of each figure per peer
awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
                 peer = f["peer"]; if (!(peer in seen)) { seen[peer] = 1; order[++np] = peer }
                 f["busy"] = sprintf("%.2f", f["pingCpuSeconds"] / f["wallSeconds"])
                 c = ++cnt[peer]; split("p50 p99 p99.9 max mean busy", keys, " ")
                 for (k = 1; k <= 6; k++) v[peer, keys[k], c] = f[keys[k]] }
     function med(p, key,   i, j, x, s, c) { c = cnt[p]; for (i = 1; i <= c; i++) s[i] = v[p, key, i]
                 for (i = 2; i <= c; i++) { x = s[i]; for (j = i - 1; j >= 1 && s[j] + 0 > x + 0; j--) s[j + 1] = s[j]; s[j + 1] = x }
                 return sprintf("%s (%s-%s)", (c % 2) ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2, s[1], s[c]) }
     END { printf "\n| peer | runs | p50 ns | p99 ns | p99.9 ns | max ns | mean ns | ping core busy |\n"
           printf "|---|---|---|---|---|---|---|---|\n"
           for (i = 1; i <= np; i++) { p = order[i]
             printf "| %s | %d | %s | %s | %s | %s | %s | %s |\n", p, cnt[p], med(p, "p50"), med(p, "p99"),
                    med(p, "p99.9"), med(p, "max"), med(p, "mean"), med(p, "busy") } }' "$log" | tee "$out/summary.md"
echo "(median (min-max) over the reps, one-way ns = round trip / 2; 'ping core busy' = the ping thread's CPU time /"
echo " wall time of the timed phase: a spinning ping on a core of its own shows ~1.0; well below, the core was shared)"
echo
echo "Log, summary and one-way .hgrm distributions: $out"
