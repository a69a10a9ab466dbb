package dev.mappedheap.structs.tx;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Child JVM for {@link TransactionKillTest}: {@code FILE SEED} runs transfers until a {@code stop} line on
 * stdin, printing {@code ready}, then {@code ops N} every 50 ms, then {@code done ops=N}.
 */
final class BankWorker {
    private BankWorker() {}

    public static void main(String[] args) throws Exception {
        Bank bank = Bank.open(Path.of(args[0]));
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        boolean[] stop = {false};
        Thread stdin = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (!"stop".equals(in.readLine())) {
                    Thread.onSpinWait();
                }
            } catch (Exception ignored) {
                // stop on a closed stdin too
            }
            synchronized (stop) {
                stop[0] = true;
            }
        });
        stdin.setDaemon(true);
        stdin.start();
        System.out.println("ready");
        long ops = 0;
        long lastReport = 0;
        while (true) {
            synchronized (stop) {
                if (stop[0]) {
                    break;
                }
            }
            bank.transfer(random, -1);
            ops++;
            long now = System.nanoTime();
            if (now - lastReport > 50_000_000) {
                System.out.println("ops " + ops);
                System.out.flush();
                lastReport = now;
            }
        }
        bank.heap.close();
        System.out.println("done ops=" + ops);
        System.out.flush();
        System.exit(0);
    }
}
