package io.mlforge.operator.tuning.optimizer;

import java.util.Arrays;
import org.hipparchus.exception.MathIllegalArgumentException;
import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.SimpleBounds;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;

/**
 * Gaussian-process regression with a Matérn 5/2 kernel and one length scale per feature (ARD), on standardised
 * observations. Hyperparameters (signal variance, length scales, noise variance; optimised in log space) are the
 * maximum a posteriori estimate: log marginal likelihood plus weak priors (Gamma(3, 6) on length scales, log-normal
 * on signal and noise), maximised by BOBYQA from the previous estimate (else from a default start).
 */
final class GaussianProcess {
    /** log σ², log ℓ_1..ℓ_d, log σ_n². */
    record Hyperparameters(double[] log) {
        double signal() {
            return Math.exp(log[0]);
        }

        double lengthScale(int i) {
            return Math.exp(log[1 + i]);
        }

        double noise() {
            return Math.exp(log[log.length - 1]);
        }

        static Hyperparameters initial(int features) {
            double[] log = new double[features + 2];
            log[0] = 0;
            Arrays.fill(log, 1, features + 1, Math.log(0.3));
            log[features + 1] = Math.log(1e-4);
            return new Hyperparameters(log);
        }
    }

    private static final double MIN_LOG_LENGTH = Math.log(0.01);
    private static final double MAX_LOG_LENGTH = Math.log(20);
    private static final double MIN_LOG_SIGNAL = Math.log(0.05);
    private static final double MAX_LOG_SIGNAL = Math.log(20);
    private static final double MIN_LOG_NOISE = Math.log(1e-6);
    private static final double MAX_LOG_NOISE = Math.log(0.5);
    private static final double SQRT5 = Math.sqrt(5);

    final double[][] x;
    final double[] y;
    final double mean;
    final double scale;
    final Hyperparameters theta;
    private final RealMatrix chol;
    private final double[] alpha;
    final double logMarginalLikelihood;

    private GaussianProcess(
            double[][] x,
            double[] y,
            double mean,
            double scale,
            Hyperparameters theta,
            RealMatrix chol,
            double[] alpha,
            double lml) {
        this.x = x;
        this.y = y;
        this.mean = mean;
        this.scale = scale;
        this.theta = theta;
        this.chol = chol;
        this.alpha = alpha;
        this.logMarginalLikelihood = lml;
    }

    /** Fits hyperparameters to the data (raw objective values, to be minimised), starting also from {@code previous}. */
    static GaussianProcess fit(double[][] x, double[] raw, Hyperparameters previous, int maxEvaluations) {
        double mean = Arrays.stream(raw).average().orElse(0);
        double sd =
                Math.sqrt(Arrays.stream(raw).map(v -> (v - mean) * (v - mean)).sum() / Math.max(1, raw.length - 1));
        double scale = sd > 1e-12 ? sd : 1;
        double[] y = Arrays.stream(raw).map(v -> (v - mean) / scale).toArray();
        int d = x[0].length;
        double[] lower = new double[d + 2];
        double[] upper = new double[d + 2];
        lower[0] = MIN_LOG_SIGNAL;
        upper[0] = MAX_LOG_SIGNAL;
        Arrays.fill(lower, 1, d + 1, MIN_LOG_LENGTH);
        Arrays.fill(upper, 1, d + 1, MAX_LOG_LENGTH);
        lower[d + 1] = MIN_LOG_NOISE;
        upper[d + 1] = MAX_LOG_NOISE;
        double[] best = null;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (Hyperparameters start : previous == null || previous.log().length != d + 2
                ? new Hyperparameters[] {Hyperparameters.initial(d)}
                : new Hyperparameters[] {previous}) {
            double[] x0 = clamp(start.log(), lower, upper);
            double[] bestHere = x0.clone();
            double[] bestHereValue = {logPosterior(x, y, x0)};
            ObjectiveFunction f = new ObjectiveFunction(p -> {
                double v = logPosterior(x, y, p);
                if (v > bestHereValue[0]) {
                    bestHereValue[0] = v;
                    System.arraycopy(p, 0, bestHere, 0, p.length);
                }
                return v;
            });
            try {
                new BOBYQAOptimizer(2 * (d + 2) + 1, 0.5, 1e-4)
                        .optimize(
                                new MaxEval(maxEvaluations),
                                f,
                                GoalType.MAXIMIZE,
                                new InitialGuess(x0),
                                new SimpleBounds(lower, upper));
            } catch (MathIllegalStateException e) {
                // evaluation budget used up: keep the best point seen
            }
            if (bestHereValue[0] > bestValue) {
                bestValue = bestHereValue[0];
                best = bestHere;
            }
        }
        return condition(x, y, mean, scale, new Hyperparameters(best));
    }

    /** The same hyperparameters on other data (e.g. with fantasised pending points), raw values. */
    GaussianProcess with(double[][] x2, double[] raw2) {
        double[] y2 = Arrays.stream(raw2).map(v -> (v - mean) / scale).toArray();
        return condition(x2, y2, mean, scale, theta);
    }

    private static GaussianProcess condition(
            double[][] x, double[] y, double mean, double scale, Hyperparameters theta) {
        double[][] k = covariance(x, theta.log());
        RealMatrix l = cholesky(k);
        if (l == null) {
            throw new IllegalStateException("covariance not positive definite");
        }
        double[] alpha = backward(l, forward(l, y));
        return new GaussianProcess(x, y, mean, scale, theta, l, alpha, logMarginalLikelihood(l, y, alpha));
    }

    /** Posterior mean and variance of the standardised objective at {@code point}. */
    double[] predict(double[] point) {
        int n = x.length;
        double[] ks = new double[n];
        for (int i = 0; i < n; i++) {
            ks[i] = kernel(point, x[i], theta.log());
        }
        double mu = 0;
        for (int i = 0; i < n; i++) {
            mu += ks[i] * alpha[i];
        }
        double[] v = forward(chol, ks);
        double var = theta.signal();
        for (double vi : v) {
            var -= vi * vi;
        }
        return new double[] {mu, Math.max(var, 1e-12)};
    }

    /** Standardised value → raw. */
    double raw(double standardised) {
        return mean + scale * standardised;
    }

    private static double logPosterior(double[][] x, double[] y, double[] log) {
        RealMatrix l = cholesky(covariance(x, log));
        if (l == null) {
            return -1e300;
        }
        double[] alpha = backward(l, forward(l, y));
        double prior = 0;
        for (int i = 1; i < log.length - 1; i++) {
            double ell = Math.exp(log[i]);
            prior += 2 * Math.log(ell) - 6 * ell; // Gamma(3, rate 6) density of ℓ, times the Jacobian ℓ of log ℓ
        }
        prior += -0.5 * log[0] * log[0] / 4; // log σ² ~ N(0, 2²)
        prior += -0.5 * Math.pow(log[log.length - 1] - Math.log(1e-4), 2) / 9; // log σ_n² ~ N(log 1e-4, 3²)
        return logMarginalLikelihood(l, y, alpha) + prior;
    }

    private static double logMarginalLikelihood(RealMatrix l, double[] y, double[] alpha) {
        double fit = 0;
        double logDet = 0;
        for (int i = 0; i < y.length; i++) {
            fit += y[i] * alpha[i];
            logDet += Math.log(l.getEntry(i, i));
        }
        return -0.5 * fit - logDet - 0.5 * y.length * Math.log(2 * Math.PI);
    }

    static double kernel(double[] a, double[] b, double[] log) {
        double r2 = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = (a[i] - b[i]) / Math.exp(log[1 + i]);
            r2 += diff * diff;
        }
        double r = Math.sqrt(r2);
        return Math.exp(log[0]) * (1 + SQRT5 * r + 5.0 / 3.0 * r2) * Math.exp(-SQRT5 * r);
    }

    private static double[][] covariance(double[][] x, double[] log) {
        int n = x.length;
        double noise = Math.exp(log[log.length - 1]);
        double[] inverseLength = new double[x[0].length];
        for (int i = 0; i < inverseLength.length; i++) {
            inverseLength[i] = Math.exp(-log[1 + i]);
        }
        double signal = Math.exp(log[0]);
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double r2 = 0;
                for (int f = 0; f < inverseLength.length; f++) {
                    double diff = (x[i][f] - x[j][f]) * inverseLength[f];
                    r2 += diff * diff;
                }
                double r = Math.sqrt(r2);
                k[i][j] = signal * (1 + SQRT5 * r + 5.0 / 3.0 * r2) * Math.exp(-SQRT5 * r);
                k[j][i] = k[i][j];
            }
            k[i][i] = signal + noise + 1e-9 * signal;
        }
        return k;
    }

    /** Lower Cholesky factor (Hipparchus), or null when the matrix is not (numerically) positive definite. */
    static RealMatrix cholesky(double[][] a) {
        try {
            return new CholeskyDecomposition(new Array2DRowRealMatrix(a, false), 1e-8, 1e-14).getL();
        } catch (MathIllegalArgumentException e) {
            return null;
        }
    }

    /** Solves L v = b. */
    static double[] forward(RealMatrix l, double[] b) {
        ArrayRealVector v = new ArrayRealVector(b, true);
        MatrixUtils.solveLowerTriangularSystem(l, v);
        return v.getDataRef();
    }

    /** Solves Lᵀ v = b. */
    static double[] backward(RealMatrix l, double[] b) {
        ArrayRealVector v = new ArrayRealVector(b, true);
        MatrixUtils.solveUpperTriangularSystem(l.transpose(), v);
        return v.getDataRef();
    }

    private static double[] clamp(double[] v, double[] lower, double[] upper) {
        double[] c = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            c[i] = Math.min(upper[i] - 1e-9, Math.max(lower[i] + 1e-9, v[i]));
        }
        return c;
    }
}
