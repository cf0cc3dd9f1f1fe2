package io.mlforge.operator.tuning.optimizer;

import io.mlforge.api.v1alpha1.ParameterScaling;
import io.mlforge.api.v1alpha1.ParameterType;
import io.mlforge.api.v1alpha1.TuningParameter;
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

    /**
     * A continuous value with the given significant digits, without exponent for everyday magnitudes: what
     * {@code BigDecimal.valueOf(x).round(new MathContext(digits)).stripTrailingZeros()} prints (plain for 1e-4 &lt;=
     * |x| &lt; 1e7), worked out on the characters of {@link Double#toString}. The Bayesian suggester formats every
     * candidate it scores (about 2,600 per suggestion); BigDecimal's way, from x's exact binary value as before, was a
     * third of the operator's allocations in the TuningJob benchmark. Rounding the shortest decimal that reads back as
     * x instead of x's exact binary value differs only where x lies within a last-place unit of a half-way point.
     */
    static String format(double x, int digits) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("not a finite value: " + x);
        }
        if (x == 0) {
            return "0";
        }
        String shortest = Double.toString(Math.abs(x)); // "123.45", "0.00123", "1.2345E-5", "1.0E10"
        int e = shortest.indexOf('E');
        int exponent = e < 0 ? 0 : Integer.parseInt(shortest, e + 1, shortest.length(), 10);
        String mantissa = e < 0 ? shortest : shortest.substring(0, e);
        int point = mantissa.indexOf('.');
        // the significant digits, and the power of ten of the first one
        char[] d = new char[mantissa.length()];
        int n = 0;
        int first = -1;
        for (int i = 0; i < mantissa.length(); i++) {
            char c = mantissa.charAt(i);
            if (c == '.' || (n == 0 && c == '0')) {
                continue;
            }
            if (n == 0) {
                first = (i < point ? point - i - 1 : point - i) + exponent;
            }
            d[n++] = c;
        }
        if (n > digits) { // half up
            boolean up = d[digits] >= '5';
            n = digits;
            for (int i = n - 1; up && i >= 0; i--) {
                up = d[i] == '9';
                d[i] = up ? '0' : (char) (d[i] + 1);
            }
            if (up) { // 999.. -> 1000..
                d[0] = '1';
                first++;
            }
        }
        while (n > 1 && d[n - 1] == '0') {
            n--;
        }
        StringBuilder out = new StringBuilder(n + 8);
        if (x < 0) {
            out.append('-');
        }
        int scale = n - 1 - first; // digits after the point, as BigDecimal counts them
        boolean plain = Math.abs(x) >= 1e-4 && Math.abs(x) < 1e7 || scale >= 0 && first >= -6;
        if (plain && scale <= 0) {
            out.append(d, 0, n);
            for (int i = 0; i < -scale; i++) {
                out.append('0');
            }
        } else if (plain && first >= 0) {
            out.append(d, 0, first + 1).append('.').append(d, first + 1, n - first - 1);
        } else if (plain) {
            out.append("0.");
            for (int i = 0; i < -first - 1; i++) {
                out.append('0');
            }
            out.append(d, 0, n);
        } else {
            out.append(d[0]);
            if (n > 1) {
                out.append('.').append(d, 1, n - 1);
            }
            out.append('E').append(first >= 0 ? '+' : '-').append(Math.abs(first));
        }
        return out.toString();
    }
}
