package io.lockstep.internal.estimate;

/**
 * The Wald–Wolfowitz runs test on the signs of residuals: if a line fits, residual signs come
 * in random order; if the clock's frequency wandered within the window, they come in long runs
 * (too few sign changes). The tracker uses it to shorten its window until the model fits.
 * Stateless and thread-safe.
 */
public final class RunsTest {

    /** One-sided z below which there are too few runs to believe the line (p ≈ 0.0005). */
    public static final double REJECT_Z = -3.29;

    private RunsTest() {
    }

    /**
     * The z-score of the number of sign runs among {@code residuals[from, to)}, counting only
     * residuals larger than {@code deadBandNanos} (0 when there are too few of either sign to
     * tell): quantised stamps (Time Echo's 1 ms) give residuals whose signs
     * follow the phase of the quantisation, not the model, so those inside half the resolution
     * carry no evidence either way.
     */
    public static double z(double[] residuals, int from, int to, double deadBandNanos) {
        int plus = 0;
        int minus = 0;
        int runs = 0;
        int lastSign = 0;
        for (int i = from; i < to; i++) {
            int sign = residuals[i] > deadBandNanos ? 1 : residuals[i] < -deadBandNanos ? -1 : 0;
            if (sign == 0) {
                continue;
            }
            if (sign > 0) {
                plus++;
            } else {
                minus++;
            }
            if (sign != lastSign) {
                runs++;
                lastSign = sign;
            }
        }
        int n = plus + minus;
        if (plus < 2 || minus < 2 || n < 10) {
            return 0;
        }
        double mean = 2.0 * plus * minus / n + 1;
        double variance = (mean - 1) * (mean - 2) / (n - 1);
        return variance <= 0 ? 0 : (runs - mean) / Math.sqrt(variance);
    }

    /** True when the residual signs are consistent with random noise around the model. */
    public static boolean looksRandom(double[] residuals, int from, int to, double deadBandNanos) {
        return z(residuals, from, to, deadBandNanos) >= REJECT_Z;
    }
}
