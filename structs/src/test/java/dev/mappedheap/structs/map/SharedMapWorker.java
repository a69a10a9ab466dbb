package dev.mappedheap.structs.map;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Child JVM for {@link SharedMapProcessTest}: {@code write FILE SEED} changes the {@link PairedMap} in
 * transactions, {@code read FILE SEED} verifies consistent reads; both run until a {@code stop} line,
 * printing {@code ready}, {@code ops N} every 50 ms, and at the end {@code done ops=N violations=V} and,
 * for each violation, {@code violation WHAT}.
 */
final class SharedMapWorker {
    private SharedMapWorker() {}

    public static void main(String[] args) throws Exception {
        boolean writer = args[0].equals("write");
        PairedMap paired = PairedMap.open(Path.of(args[1]));
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[2]));
        AtomicBoolean stop = new AtomicBoolean();
        Thread stdin = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && !line.equals("stop")) {
                    Thread.onSpinWait();
                }
            } catch (Exception ignored) {
                // a closed stdin stops the worker too
            }
            stop.set(true);
        });
        stdin.setDaemon(true);
        stdin.start();
        System.out.println("ready");
        long ops = 0;
        long violations = 0;
        long lastReport = 0;
        while (!stop.get()) {
            if (writer) {
                paired.step(random);
            } else {
                String violation = paired.verifyOne(random);
                if (violation != null && violations++ < 10) {
                    System.out.println("violation " + violation);
                }
            }
            ops++;
            long now = System.nanoTime();
            if (now - lastReport > 50_000_000) {
                System.out.println("ops " + ops);
                lastReport = now;
            }
        }
        paired.heap.close();
        System.out.println("done ops=" + ops + " violations=" + violations);
        System.out.flush();
        System.exit(0);
    }
}
