package io.mlforge.operator.tuning.optimizer;

import io.mlforge.api.v1alpha1.ParameterScaling;
import io.mlforge.api.v1alpha1.ParameterType;
import io.mlforge.api.v1alpha1.TuningParameter;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Standard optimisation test problems with known minima, as search spaces and objectives over parameter values. */
record TestFunctions(
        String name,
        SearchSpace space,
        ToDoubleFunction<Map<String, String>> objective,
        double optimum,
        int budget,
        double tolerance) {

    static TuningParameter numeric(String name, ParameterType type, double min, double max, ParameterScaling scaling) {
        TuningParameter p = new TuningParameter();
        p.name = name;
        p.type = type;
        p.min = min;
        p.max = max;
        p.scaling = scaling;
        return p;
    }

    static TuningParameter categorical(String name, String... values) {
        TuningParameter p = new TuningParameter();
        p.name = name;
        p.type = ParameterType.Categorical;
        p.values = List.of(values);
        return p;
    }

    private static double d(Map<String, String> c, String name) {
        return Double.parseDouble(c.get(name));
    }

    /** Branin-Hoo on [-5, 10] × [0, 15]; f* = 0.397887 at three points. Within 1 %: regret ≤ 0.00398. */
    static TestFunctions branin() {
        return new TestFunctions(
                "branin",
                SearchSpace.of(List.of(
                        numeric("x1", ParameterType.Continuous, -5, 10, ParameterScaling.Linear),
                        numeric("x2", ParameterType.Continuous, 0, 15, ParameterScaling.Linear))),
                c -> {
                    double x1 = d(c, "x1");
                    double x2 = d(c, "x2");
                    double b = 5.1 / (4 * Math.PI * Math.PI);
                    return Math.pow(x2 - b * x1 * x1 + 5 / Math.PI * x1 - 6, 2)
                            + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1)
                            + 10;
                },
                0.397887,
                50,
                0.01 * 0.397887);
    }

    private static final double[] H_ALPHA = {1.0, 1.2, 3.0, 3.2};
    private static final double[][] H_A = {
        {10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}
    };
    private static final double[][] H_P = {
        {0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
        {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
        {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
        {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}
    };

    /** Hartmann-6 on [0, 1]⁶; f* = −3.32237. Within 1 %: regret ≤ 0.0332. */
    static TestFunctions hartmann6() {
        List<TuningParameter> ps = new java.util.ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            ps.add(numeric("x" + i, ParameterType.Continuous, 0, 1, ParameterScaling.Linear));
        }
        return new TestFunctions(
                "hartmann6",
                SearchSpace.of(ps),
                c -> {
                    double sum = 0;
                    for (int i = 0; i < 4; i++) {
                        double inner = 0;
                        for (int j = 0; j < 6; j++) {
                            double x = d(c, "x" + (j + 1));
                            inner += H_A[i][j] * (x - H_P[i][j]) * (x - H_P[i][j]);
                        }
                        sum += H_ALPHA[i] * Math.exp(-inner);
                    }
                    return -sum;
                },
                -3.32237,
                100,
                0.01 * 3.32237);
    }

    /** Integer layers 1..20, categorical activation, continuous dropout: f* = 0 at (14, relu, 0.37). Within 1 %: regret ≤ 0.01. */
    static TestFunctions mixed() {
        Map<String, Double> offset = Map.of("relu", 0.0, "gelu", 0.15, "tanh", 0.3, "sigmoid", 0.6);
        return new TestFunctions(
                "mixed-integer-categorical",
                SearchSpace.of(List.of(
                        numeric("layers", ParameterType.Integer, 1, 20, ParameterScaling.Linear),
                        categorical("activation", "sigmoid", "tanh", "relu", "gelu"),
                        numeric("dropout", ParameterType.Continuous, 0, 1, ParameterScaling.Linear))),
                c -> Math.pow((d(c, "layers") - 14) / 6, 2)
                        + offset.get(c.get("activation"))
                        + 2 * Math.pow(d(c, "dropout") - 0.37, 2),
                0,
                50,
                0.01);
    }

    /** Learning rate 1e-5..1 and weight decay 1e-6..0.1, both Logarithmic, with an interaction: f* = 0 at (1e-3, 1e-4). */
    static TestFunctions logScaled() {
        return new TestFunctions(
                "log-scaled",
                SearchSpace.of(List.of(
                        numeric("lr", ParameterType.Continuous, 1e-5, 1, ParameterScaling.Logarithmic),
                        numeric("weight_decay", ParameterType.Continuous, 1e-6, 0.1, ParameterScaling.Logarithmic))),
                c -> {
                    double a = Math.log10(d(c, "lr")) + 3;
                    double b = Math.log10(d(c, "weight_decay")) + 4 + 0.3 * a;
                    return a * a + 0.5 * b * b;
                },
                0,
                50,
                0.01);
    }
}
