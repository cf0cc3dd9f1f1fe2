package io.mlforge.operator.tuning.optimizer;

import java.util.SplittableRandom;
import org.hipparchus.random.SobolSequenceGenerator;

/**
 * Points of the unit cube by trial index. Sobol: Hipparchus' Sobol sequence (skipping the origin) with a random
 * shift modulo 1 drawn from the seed (a Cranley-Patterson rotation: as even as Sobol, different per seed). Uniform:
 * independent draws from a random stream keyed by seed and index.
 */
final class QuasiRandom {
    private QuasiRandom() {}

    static double[] sobol(int dimension, long seed, long index) {
        SobolSequenceGenerator sobol = new SobolSequenceGenerator(dimension);
        double[] point = sobol.skipTo((int) Math.min(Integer.MAX_VALUE - 1, index + 1));
        SplittableRandom shift = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < dimension; i++) {
            double s = shift.nextDouble();
            point[i] = (point[i] + s) % 1.0;
        }
        return point;
    }

    static double[] uniform(int dimension, long seed, long index) {
        SplittableRandom random = stream(seed, index);
        double[] point = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            point[i] = random.nextDouble();
        }
        return point;
    }

    /** An independent random stream per (seed, index). */
    static SplittableRandom stream(long seed, long index) {
        return new SplittableRandom(new SplittableRandom(seed).split().nextLong() * 31 + index * 0x9E3779B97F4A7C15L);
    }
}
