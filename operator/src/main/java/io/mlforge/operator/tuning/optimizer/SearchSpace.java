package io.mlforge.operator.tuning.optimizer;

import io.mlforge.api.v1alpha1.ParameterScaling;
import io.mlforge.api.v1alpha1.ParameterType;
import io.mlforge.api.v1alpha1.TuningParameter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tuned parameters as the optimizers see them. Each parameter has one coordinate in the unit cube, under its
 * scaling (SageMaker semantics): Linear maps [min, max] uniformly; Logarithmic maps log x (min &gt; 0); Reverse-
 * logarithmic maps -log(1 - x) (Continuous within [0, 1), dense near 1); Auto is Logarithmic when min &gt; 0 and the
 * range spans at least two orders of magnitude, else Linear. Integers round to the nearest value; a Categorical
 * coordinate u picks value floor(u × k). The Gaussian process sees {@link #features}: numeric coordinates as they are
 * and each Categorical one-hot.
 */
public final class SearchSpace {
    /** One parameter: its name, type, range or values, and effective scaling (never Auto). */
    public record Dimension(
            String name, ParameterType type, double min, double max, List<String> values, ParameterScaling scaling) {
        boolean categorical() {
            return type == ParameterType.Categorical;
        }

        /** Unit coordinate → value (as the training code receives it). */
        String decode(double u) {
            u = Math.min(1, Math.max(0, u));
            if (categorical()) {
                return values.get(Math.min(values.size() - 1, (int) Math.floor(u * values.size())));
            }
            double x = switch (scaling) {
                case Logarithmic -> Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)));
                case ReverseLogarithmic -> 1 - Math.exp(Math.log1p(-min) - u * (Math.log1p(-min) - Math.log1p(-max)));
                default -> min + u * (max - min);
            };
            x = Math.min(max, Math.max(min, x));
            if (type == ParameterType.Integer) {
                return Long.toString(Math.round(x));
            }
            // six significant digits; near 1 (reverse-logarithmic) six of 1 - x, where the resolution matters
            return format(
                    x,
                    scaling == ParameterScaling.ReverseLogarithmic
                            ? 6 + (int) Math.ceil(-Math.log10(Math.max(1e-12, 1 - x)))
                            : 6);
        }

        /** Value → unit coordinate (categorical: the centre of its cell). */
        double encode(String value) {
            if (categorical()) {
                int i = values.indexOf(value);
                if (i < 0) {
                    throw new IllegalArgumentException(name + ": " + value + " is not one of " + values);
                }
                return (i + 0.5) / values.size();
            }
            double x = Math.min(max, Math.max(min, Double.parseDouble(value)));
            double u = switch (scaling) {
                case Logarithmic -> (Math.log(x) - Math.log(min)) / (Math.log(max) - Math.log(min));
                case ReverseLogarithmic -> (Math.log1p(-min) - Math.log1p(-x)) / (Math.log1p(-min) - Math.log1p(-max));
                default -> (x - min) / (max - min);
            };
            return Math.min(1, Math.max(0, u));
        }

        /** Number of distinct values (Integer, Categorical), or 0 for Continuous. */
        long cardinality() {
            return switch (type) {
                case Categorical -> values.size();
                case Integer -> (long) max - (long) min + 1;
                default -> 0;
            };
        }
    }

    private final List<Dimension> dimensions;
    private final int featureCount;

    public SearchSpace(List<Dimension> dimensions) {
        this.dimensions = List.copyOf(dimensions);
        this.featureCount = dimensions.stream()
                .mapToInt(d -> d.categorical() ? d.values().size() : 1)
                .sum();
    }

    public static SearchSpace of(List<TuningParameter> parameters) {
        List<Dimension> dimensions = new ArrayList<>();
        for (TuningParameter p : parameters) {
            if (p.type == ParameterType.Categorical) {
                dimensions.add(new Dimension(p.name, p.type, 0, 0, List.copyOf(p.values), ParameterScaling.Linear));
            } else {
                dimensions.add(new Dimension(p.name, p.type, p.min, p.max, List.of(), effectiveScaling(p)));
            }
        }
        return new SearchSpace(dimensions);
    }

    static ParameterScaling effectiveScaling(TuningParameter p) {
        ParameterScaling s = p.scaling == null ? ParameterScaling.Auto : p.scaling;
        if (s != ParameterScaling.Auto) {
            return s;
        }
        return p.min > 0 && p.max / p.min >= 100 ? ParameterScaling.Logarithmic : ParameterScaling.Linear;
    }

    public List<Dimension> dimensions() {
        return dimensions;
    }

    /** Coordinates per configuration (one per parameter). */
    public int size() {
        return dimensions.size();
    }

    /** Length of {@link #features}. */
    public int featureCount() {
        return featureCount;
    }

    public Map<String, String> decode(double[] unit) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < dimensions.size(); i++) {
            values.put(dimensions.get(i).name(), dimensions.get(i).decode(unit[i]));
        }
        return values;
    }

    public double[] encode(Map<String, String> configuration) {
        double[] unit = new double[dimensions.size()];
        for (int i = 0; i < dimensions.size(); i++) {
            Dimension d = dimensions.get(i);
            String value = configuration.get(d.name());
            if (value == null) {
                throw new IllegalArgumentException("configuration lacks parameter " + d.name());
            }
            unit[i] = d.encode(value);
        }
        return unit;
    }

    /** What the Gaussian process sees of a configuration: numeric unit coordinates (after rounding), categoricals one-hot. */
    public double[] features(Map<String, String> configuration) {
        double[] f = new double[featureCount];
        int j = 0;
        for (Dimension d : dimensions) {
            String value = configuration.get(d.name());
            if (d.categorical()) {
                f[j + d.values().indexOf(value)] = 1;
                j += d.values().size();
            } else {
                f[j++] = d.encode(value);
            }
        }
        return f;
    }

    /** Every combination of Integer and Categorical values, if the space has no Continuous parameter; else -1. */
    public long gridSize() {
        long n = 1;
        for (Dimension d : dimensions) {
            long c = d.cardinality();
            if (c == 0) {
                return -1;
            }
            n = Math.multiplyExact(n, c);
        }
        return n;
    }

    /** The index-th grid point: the last parameter varies fastest. */
    public Map<String, String> gridPoint(long index) {
        Map<String, String> values = new LinkedHashMap<>();
        long rest = index;
        String[] chosen = new String[dimensions.size()];
        for (int i = dimensions.size() - 1; i >= 0; i--) {
            Dimension d = dimensions.get(i);
            long c = d.cardinality();
            long k = rest % c;
            rest /= c;
            chosen[i] = d.categorical() ? d.values().get((int) k) : Long.toString((long) d.min() + k);
        }
        for (int i = 0; i < dimensions.size(); i++) {
            values.put(dimensions.get(i).name(), chosen[i]);
        }
        return values;
    }

    /** A continuous value with the given significant digits, without exponent for everyday magnitudes. */
    static String format(double x, int digits) {
        if (x == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(x).round(new MathContext(digits)).stripTrailingZeros();
        return Math.abs(x) >= 1e-4 && Math.abs(x) < 1e7 ? d.toPlainString() : d.toString();
    }
}
