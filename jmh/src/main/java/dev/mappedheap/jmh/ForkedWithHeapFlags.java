// Benchmark layer: the forked JVM's flags, shared by every benchmark class.
package dev.mappedheap.jmh;

import org.openjdk.jmh.annotations.Fork;

/**
 * Base of every benchmark class: one fork, with the JVM flags Chronicle Bytes needs (the parent POM's
 * {@code heap.jvm.flags}) and those the key-value peers Chronicle Map and lmdbjava need on JDK 17. {@link Fork} is inherited, so subclasses get it; the Add-Opens manifest entries of
 * {@code benchmarks.jar} only reach the JVM started with {@code java -jar}, not the JVMs JMH forks. On JDK 23+
 * {@code jmh/run-alloc-bench.sh} adds {@code --sun-misc-unsafe-memory-access=allow} with JMH's {@code -jvmArgs}.
 */
@Fork(
        value = 1,
        jvmArgsAppend = {
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED",
            // the peers of OrderedMapBench (shared/bench/kv-peers-RESULTS.md, "JVM flags"): Chronicle Map compiles
            // a class when it creates a map (needs a full JDK); lmdbjava's flags are among those above
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true"
        })
public abstract class ForkedWithHeapFlags {}
