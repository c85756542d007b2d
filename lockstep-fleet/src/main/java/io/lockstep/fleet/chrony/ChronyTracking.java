package io.lockstep.fleet.chrony;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * One {@code chronyc -c tracking} report (chrony 4.x, comma-separated): the system clock as
 * chronyd sees it. A codec reading strings; it runs no process. Immutable.
 *
 * <p>Signs: chronyc's "System time" is the correction chronyd still wants to apply, positive when
 * the system clock is <em>slow</em> of NTP time; {@link #systemMinusReferenceNanos()} turns it
 * into the Lockstep convention, system clock − reference clock (the system clock is local).
 * chrony's own bound on the system clock's error against its reference is
 * {@code root dispersion + root delay / 2} around that offset (chrony's documentation of
 * "tracking": the error is at most |system time| + root dispersion + root delay / 2, the first
 * term being the offset itself).
 *
 * @param referenceId         the selected source's reference ID in hex ({@code 00000000} when none)
 * @param referenceName       its name or address, possibly empty
 * @param stratum             chronyd's stratum (0 while unsynchronised)
 * @param referenceWallNanos  when the last measurement of the source was processed, ns since the epoch (0: never)
 * @param systemTimeNanos     chronyc's "System time": positive when the system clock is slow
 * @param lastOffsetNanos     the offset measured at the last clock update
 * @param rmsOffsetNanos      long-term average of the offsets
 * @param frequencyPpm        the system clock's frequency error chronyd corrects, positive when fast
 * @param skewPpm             the error bound of that frequency
 * @param rootDelayNanos      total network delay to the stratum-1 at the root
 * @param rootDispersionNanos total dispersion accumulated through the root
 * @param leap                the leap status as chronyc words it ({@code Normal}, {@code Insert second},
 *                            {@code Delete second}, {@code Not synchronised})
 */
public record ChronyTracking(String referenceId, String referenceName, int stratum, long referenceWallNanos,
                             long systemTimeNanos, long lastOffsetNanos, long rmsOffsetNanos, double frequencyPpm,
                             double skewPpm, long rootDelayNanos, long rootDispersionNanos, String leap) {

    /** Thrown for a line that is not a chronyc tracking report; the message is one printable line. */
    public static final class FormatException extends Exception {
        public FormatException(String message) {
            super(message.replaceAll("\\p{Cntrl}", "?"));
        }
    }

    /** Largest report read: a real one is about 150 bytes. */
    public static final int MAX_CHARS = 1024;

    /**
     * Reads the first line of {@code chronyc -c tracking} output.
     *
     * @throws FormatException for anything else (too few fields, a number that is not one, an
     *                         unknown leap status, chronyc's error text)
     */
    public static ChronyTracking parse(String output) throws FormatException {
        if (output == null || output.isBlank()) {
            throw new FormatException("empty chronyc output");
        }
        if (output.length() > MAX_CHARS) {
            throw new FormatException("chronyc output of " + output.length() + " characters, more than " + MAX_CHARS);
        }
        String line = output.strip().lines().findFirst().orElse("");
        String[] f = line.split(",", -1);
        if (f.length != 14) {
            throw new FormatException("not a chronyc -c tracking line (" + f.length + " fields, 14 expected): "
                    + (line.length() > 80 ? line.substring(0, 80) + "…" : line));
        }
        if (!f[0].matches("[0-9A-Fa-f]{8}")) {
            throw new FormatException("reference ID '" + f[0] + "' is not 8 hex digits");
        }
        String leap = f[13].strip();
        if (!leap.equals("Normal") && !leap.equals("Insert second") && !leap.equals("Delete second")
                && !leap.equals("Not synchronised")) {
            throw new FormatException("unknown leap status '" + leap + "'");
        }
        int stratum;
        try {
            stratum = Integer.parseInt(f[2]);
        } catch (NumberFormatException e) {
            throw new FormatException("stratum '" + f[2] + "' is not an integer");
        }
        if (stratum < 0 || stratum > 16) {
            throw new FormatException("stratum " + stratum + " out of range 0-16");
        }
        long rootDelay = nanos(f[10], "root delay");
        long rootDispersion = nanos(f[11], "root dispersion");
        if (rootDelay < 0 || rootDispersion < 0) {
            throw new FormatException("negative root delay or dispersion: " + line);
        }
        return new ChronyTracking(f[0].toUpperCase(Locale.ROOT), f[1].replaceAll("\\p{Cntrl}", "?"), stratum,
                nanos(f[3], "reference time"), nanos(f[4], "system time"), nanos(f[5], "last offset"),
                nanos(f[6], "RMS offset"), number(f[7], "frequency"), number(f[9], "skew"), rootDelay,
                rootDispersion, leap);
    }

    /** Seconds with up to nine decimals, exactly to ns (a double would lose ns of a reference time). */
    private static long nanos(String seconds, String what) throws FormatException {
        try {
            return new BigDecimal(seconds.strip()).movePointRight(9).setScale(0, java.math.RoundingMode.HALF_EVEN)
                    .longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new FormatException(what + " '" + seconds + "' is not a number of seconds");
        }
    }

    private static double number(String text, String what) throws FormatException {
        try {
            double v = Double.parseDouble(text.strip());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new FormatException(what + " '" + text + "' is not a number");
        }
    }

    /** Whether chronyd has a synchronised source (its leap status is anything but "Not synchronised"). */
    public boolean synced() {
        return !leap.equals("Not synchronised");
    }

    /** System clock − reference clock by chronyd's estimate (chronyc's "System time", sign turned). */
    public long systemMinusReferenceNanos() {
        return -systemTimeNanos;
    }

    /** chrony's own bound on the system clock's error around {@link #systemMinusReferenceNanos()}. */
    public long errorBoundNanos() {
        return rootDispersionNanos + rootDelayNanos / 2;
    }

    /** The leap status as one lower-case word for JSON and metrics: normal, insert, delete, unsynchronised. */
    public String leapWord() {
        return switch (leap) {
            case "Normal" -> "normal";
            case "Insert second" -> "insert";
            case "Delete second" -> "delete";
            default -> "unsynchronised";
        };
    }
}
