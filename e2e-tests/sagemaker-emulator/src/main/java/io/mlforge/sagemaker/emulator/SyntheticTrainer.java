package io.mlforge.sagemaker.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a training container "computes" in the sandbox. The sandbox trainer image ({@value #IMAGE}) evaluates a
 * synthetic objective of its hyperparameters: {@code objective=branin} (x1 in [-5, 10], x2 in [0, 15]),
 * {@code objective=branin-currin} (x1, x2 in [0, 1]; two objectives, the second printed as objective2=),
 * {@code objective=hartmann6} (x1..x6 in [0, 1]) or the default learning curve (lr, best near 0.01), approaching the
 * final value over {@code epochs} (or num_round) epochs. Other images follow the default learning curve for 10 epochs.
 * Every epoch prints one line that the samples' metric regexes match.
 */
public final class SyntheticTrainer {
    public static final String IMAGE = "mlforge/sandbox-trainer";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SyntheticTrainer() {}

    public static boolean isSyntheticTrainer(String image) {
        return image != null && (image.equals(IMAGE) || image.startsWith(IMAGE + ":") || image.startsWith(IMAGE + "@"));
    }

    /** The log lines of a run, one per epoch. {@code hyperParametersJson} is SM_HPS. */
    public static List<String> epochs(String image, String hyperParametersJson) {
        JsonNode hp = parse(hyperParametersJson);
        boolean sandboxImage = isSyntheticTrainer(image);
        int epochs = sandboxImage ? (int) number(hp, "epochs", number(hp, "num_round", 10)) : 10;
        epochs = Math.max(1, Math.min(epochs, 1000));
        String objective = sandboxImage ? hp.path("objective").asText("curve") : "curve";
        double target = switch (objective) {
            case "branin" -> branin(number(hp, "x1", 0), number(hp, "x2", 0));
            case "branin-currin" -> branin(15 * number(hp, "x1", 0.5) - 5, 15 * number(hp, "x2", 0.5));
            case "hartmann6" ->
                hartmann6(new double[] {
                    number(hp, "x1", 0.5),
                    number(hp, "x2", 0.5),
                    number(hp, "x3", 0.5),
                    number(hp, "x4", 0.5),
                    number(hp, "x5", 0.5),
                    number(hp, "x6", 0.5)
                });
            default -> curveLoss(number(hp, "lr", number(hp, "eta", 0.01)));
        };
        // A second objective, printed as objective2=: Currin's function for branin-currin (two objectives on [0, 1]²)
        Double target2 =
                objective.equals("branin-currin") ? currin(number(hp, "x1", 0.5), number(hp, "x2", 0.5)) : null;
        double start = Math.abs(target) + 2.0;
        List<String> lines = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            // Approaches the target as 1/e^(3 e / epochs): close after a third of the run, exact at the end.
            double remaining = e == epochs ? 0 : Math.exp(-3.0 * e / epochs);
            double value = target + (start - target) * remaining;
            double loss = Math.max(0, objective.equals("curve") ? value : Math.log1p(Math.abs(value)));
            double accuracy = Math.max(0, Math.min(1, 1 - loss / (1 + loss)));
            lines.add(String.format(
                            Locale.ROOT,
                            "epoch=%d loss=%.6f val_loss=%.6f val_acc=%.6f validation-auc:%.6f f1=%.6f objective=%.6f",
                            e,
                            loss,
                            loss * 1.05,
                            accuracy,
                            accuracy,
                            accuracy,
                            value)
                    + (target2 == null
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    " objective2=%.6f",
                                    target2 + (Math.abs(target2) + 2.0 - target2) * remaining)));
        }
        return lines;
    }

    /** Branin-Hoo; minimum 0.397887 at (-pi, 12.275), (pi, 2.275), (9.42478, 2.475). */
    static double branin(double x1, double x2) {
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        return Math.pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * Math.cos(x1) + 10;
    }

    /**
     * Currin's exponential function on [0, 1]², the second objective of the BraninCurrin problem (the first is Branin
     * on the same unit square rescaled to [-5, 10] × [0, 15]).
     */
    static double currin(double u, double v) {
        double factor = v <= 0 ? 1 : 1 - Math.exp(-1 / (2 * v));
        return factor
                * (2300 * u * u * u + 1900 * u * u + 2092 * u + 60)
                / (100 * u * u * u + 500 * u * u + 4 * u + 20);
    }

    /** Hartmann 6-d; minimum -3.32237. */
    static double hartmann6(double[] x) {
        double[] alpha = {1.0, 1.2, 3.0, 3.2};
        double[][] a = {
            {10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}
        };
        double[][] p = {
            {1312, 1696, 5569, 124, 8283, 5886},
            {2329, 4135, 8307, 3736, 1004, 9991},
            {2348, 1451, 3522, 2883, 3047, 6650},
            {4047, 8828, 8732, 5743, 1091, 381}
        };
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            double inner = 0;
            for (int j = 0; j < 6; j++) {
                inner += a[i][j] * Math.pow(x[j] - p[i][j] * 1e-4, 2);
            }
            sum += alpha[i] * Math.exp(-inner);
        }
        return -sum;
    }

    /** Final loss of the default curve: best (0.05) at lr = 0.01, worse by the square of the decades away. */
    static double curveLoss(double lr) {
        double decades = Math.log10(Math.max(lr, 1e-9) / 0.01);
        return 0.05 + 0.3 * decades * decades;
    }

    private static JsonNode parse(String json) {
        try {
            return json == null || json.isBlank() ? JSON.createObjectNode() : JSON.readTree(json);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    private static double number(JsonNode hp, String name, double fallback) {
        JsonNode v = hp.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.asText());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
