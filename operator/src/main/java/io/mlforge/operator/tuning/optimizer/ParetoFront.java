package io.mlforge.operator.tuning.optimizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Pareto dominance over objective vectors that are all minimised (pure): the front, its thinning, hypervolume. */
public final class ParetoFront {
    private ParetoFront() {}

    /** Whether {@code a} is at least as good as {@code b} everywhere and better somewhere. */
    public static boolean dominates(double[] a, double[] b) {
        boolean better = false;
        for (int i = 0; i < a.length; i++) {
            if (a[i] > b[i]) {
                return false;
            }
            better |= a[i] < b[i];
        }
        return better;
    }

    /**
     * Indices of the non-dominated points, ordered by the first objective (then the others); of identical points only
     * the first is kept, so a front never lists one outcome twice.
     */
    public static List<Integer> indices(List<double[]> points) {
        List<Integer> front = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            boolean keep = true;
            for (int j = 0; j < points.size() && keep; j++) {
                if (j != i
                        && (dominates(points.get(j), points.get(i))
                                || (j < i && Arrays.equals(points.get(j), points.get(i))))) {
                    keep = false;
                }
            }
            if (keep) {
                front.add(i);
            }
        }
        front.sort(Comparator.comparing(i -> points.get(i), ParetoFront::lexicographic));
        return front;
    }

    private static int lexicographic(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            int c = Double.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /**
     * At most {@code limit} members of a front ordered by its first objective: both ends, and the rest spread evenly
     * between them (a bounded status that still shows the whole trade-off).
     */
    public static <T> List<T> spread(List<T> front, int limit) {
        if (front.size() <= limit) {
            return front;
        }
        List<T> kept = new ArrayList<>();
        for (int k = 0; k < limit; k++) {
            kept.add(front.get((int) Math.round((double) k * (front.size() - 1) / (limit - 1))));
        }
        return kept;
    }

    /**
     * The hypervolume dominated by two-objective points and bounded by {@code reference} (the area between the front
     * and the reference point); points not better than the reference in both objectives add nothing.
     */
    public static double hypervolume2d(List<double[]> points, double[] reference) {
        List<double[]> inside = new ArrayList<>();
        for (double[] p : points) {
            if (p[0] < reference[0] && p[1] < reference[1]) {
                inside.add(p);
            }
        }
        List<Integer> front = indices(inside);
        double volume = 0;
        double ceiling = reference[1];
        for (int i : front) {
            double[] p = inside.get(i);
            if (p[1] < ceiling) {
                volume += (reference[0] - p[0]) * (ceiling - p[1]);
                ceiling = p[1];
            }
        }
        return volume;
    }
}
