// Inspector layer: how numbers are written for people.
package dev.mappedheap.inspector;

import java.util.Locale;

/** Formats byte counts with binary units (KiB, MiB, GiB, TiB), counts with thousands separators, percentages. */
final class Units {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Units() {}

    /** @return {@code 512 B}, {@code 1.5 KiB}, {@code 12.0 MiB}: one decimal from a KiB on */
    static String bytes(long n) {
        if (n < 1024 && n > -1024) {
            return n + " B";
        }
        double value = n;
        int unit = -1;
        while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** @return {@code 12.0 MiB (12,582,912 bytes)}, or {@code 512 B} when the two would say the same */
    static String bytesExact(long n) {
        return n < 1024 ? n + " B" : bytes(n) + " (" + count(n) + " bytes)";
    }

    /** @return {@code 1,234,567} */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** @return {@code 12.5%}; {@code -} when {@code whole} is 0 */
    static String percent(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    /** @return {@code 57,344 (0xe000)}: an offset both ways */
    static String offset(long n) {
        return count(n) + " (0x" + Long.toHexString(n) + ")";
    }

    /** @return a short size label for a chart axis: {@code 32B}, {@code 4K}, {@code 16M}, {@code 2G} */
    static String shortSize(long n) {
        String[] suffix = {"B", "K", "M", "G", "T", "P", "E"};
        int unit = 0;
        while (n >= 1024 && n % 1024 == 0 && unit < suffix.length - 1) {
            n /= 1024;
            unit++;
        }
        return n + suffix[unit];
    }
}
