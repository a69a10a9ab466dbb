#!/usr/bin/env bash
# Builds jmh/target/benchmarks.jar and runs the allocator workloads W1-W3 (shared/bench/WORKLOADS.md) on
# MappedHeap and on the in-memory Unsafe peer, in one JMH run. About 5-10 minutes on 2 cores.
#
# Usage: jmh/run-alloc-bench.sh [extra JMH options]      e.g.  jmh/run-alloc-bench.sh -f 2
# Environment:
#   FILTER       benchmark regex (default: every W1-W3 phase of both implementations),
#                e.g. FILTER='W2.w2Step' or FILTER='MappedHeapBench.W3'
#   RESULTS_DIR  where the JSON and the text log go (default: jmh/target/results; copy figures from there)
#   BENCH_DIR    directory for the heap files (the forks' java.io.tmpdir; default /tmp; W3 needs ~0.5 GiB)
#   SKIP_BUILD=1 reuse the existing jar
#   JAVA_HOME    the JDK to run (and build) with
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  (cd "$root" && mvn -B -q -pl jmh -am package -DskipTests)
fi

out=${RESULTS_DIR:-$here/target/results}
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
filter=${FILTER:-'(alloc\.MappedHeapBench|peers\.UnsafeBench)\.W[123]\.'}

# The @Fork annotation already passes the Chronicle flags (jvmArgsAppend); -jvmArgs only adds to them.
fork_args=()
host_args=()
major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
if (( ${major%%.*} >= 23 )); then
  # JEP 471/498: Chronicle (in the forks) and JMH itself (also in this JVM) use sun.misc.Unsafe memory access
  fork_args+=(--sun-misc-unsafe-memory-access=allow)
  host_args+=(--sun-misc-unsafe-memory-access=allow)
fi
if [[ -n ${BENCH_DIR:-} ]]; then
  mkdir -p "$BENCH_DIR"
  fork_args+=("-Djava.io.tmpdir=$BENCH_DIR")
fi
jmh_args=(-rf json -rff "$out/alloc-$stamp.json")
if (( ${#fork_args[@]} > 0 )); then
  jmh_args+=(-jvmArgs "${fork_args[*]}")
fi

tmp=${BENCH_DIR:-/tmp}
{
  echo "# $(date -u '+%F %T') UTC  host $(hostname)  cores $(nproc)  load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# java $("$java" -version 2>&1 | head -1)"
  echo "# heap files in $tmp: $(df -T "$tmp" | awk 'NR==2 {print $2 " on " $1}')"
} | tee "$out/alloc-$stamp.txt"

"$java" "${host_args[@]}" -jar "$here/target/benchmarks.jar" "$filter" "${jmh_args[@]}" "$@" 2>&1 | tee -a "$out/alloc-$stamp.txt"

echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/alloc-$stamp.txt"
echo
echo "Space after each workload (live requested bytes against heap bytes):"
grep -o '# SPACE .*' "$out/alloc-$stamp.txt" || true
echo
echo "Results: $out/alloc-$stamp.json and $out/alloc-$stamp.txt"
