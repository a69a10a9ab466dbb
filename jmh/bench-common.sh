# Sourced by jmh/run-ipc-bench.sh and jmh/run-multiprocess-bench.sh after they set $here (the jmh directory):
# the JDK to run, the benchmarks jar and the JVM flags file next to it, built first unless SKIP_BUILD=1 finds
# both already there.
root=$(dirname "$here")
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jar=$here/target/benchmarks.jar
flags_file=$here/target/classes/dev/mappedheap/jmh/heap-jvm.flags

if [[ ${SKIP_BUILD:-0} != 1 || ! -f $jar || ! -f $flags_file ]]; then
  (cd "$root" && mvn -B -q -pl jmh -am package -DskipTests)
fi
