package io.mlforge.operator.tuning.optimizer;

import org.hipparchus.special.Erf;

/**
 * log EI for minimisation, computed without underflow (Ament et al., "Unexpected improvements to expected
 * improvement", 2023). EI = σ h(z) with z = (best − μ)/σ and h(z) = φ(z) + zΦ(z); where h underflows (z ≪ 0),
 * log h(z) = −z²/2 − log√(2π) + log(1 − |z| R(|z|)), R the Mills ratio Φ(−x)/φ(x) = √(π/2)·erfcx(x/√2), and for
 * very negative z the series 1 − |z| R(|z|) = z⁻² − 3z⁻⁴ + 15z⁻⁶ − 105z⁻⁸ … avoids the cancellation.
 */
final class LogExpectedImprovement {
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double SQRT_HALF_PI = Math.sqrt(Math.PI / 2);

    private LogExpectedImprovement() {}

    static double of(double mean, double variance, double best) {
        double sigma = Math.sqrt(variance);
        return Math.log(sigma) + logH((best - mean) / sigma);
    }

    /** log(φ(z) + zΦ(z)). */
    static double logH(double z) {
        if (z > -1) {
            double phi = Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
            double cdf = 0.5 * Erf.erfc(-z / Math.sqrt(2));
            return Math.log(phi + z * cdf);
        }
        double a = -z;
        double oneMinus;
        if (a < 10) {
            oneMinus = 1 - a * SQRT_HALF_PI * erfcx(a / Math.sqrt(2));
        } else {
            double inv2 = 1 / (a * a);
            oneMinus = inv2 * (1 - inv2 * (3 - inv2 * (15 - inv2 * (105 - inv2 * 945))));
        }
        return -0.5 * z * z - LOG_SQRT_2PI + Math.log(oneMinus);
    }

    /** exp(x²) erfc(x) for x ≥ 0. */
    static double erfcx(double x) {
        if (x < 25) {
            return Math.exp(x * x) * Erf.erfc(x);
        }
        double inv2 = 1 / (2 * x * x);
        return 1 / (x * Math.sqrt(Math.PI)) * (1 - inv2 * (1 - 3 * inv2 * (1 - 5 * inv2)));
    }
}
