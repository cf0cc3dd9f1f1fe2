package io.mlforge.operator.tuning.optimizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Hyperband (Li et al., JMLR 2018) with asynchronous promotions (ASHA, Li et al. 2020), so free slots never wait for a
 * rung to fill. The brackets are exactly the paper's: with R = maxResource / minResource and s_max = ⌊log_η R⌋, bracket
 * s starts n = ⌈(s_max + 1)/(s + 1) · η^s⌉ configurations with r = R · η^−s and its rung i keeps ⌊n η^−i⌋ of them with
 * r η^i each (R = 81, η = 3: s=4 (81,1)(27,3)(9,9)(3,27)(1,81) … s=0 (5,81)). A trial is one run of a configuration at
 * one rung's resource; a promotion is a new trial of the same configuration at the next rung.
 *
 * <p>{@link #next} decides what a free slot runs: the best configuration of a rung that ranks in the top 1/η of that
 * rung's finished trials and is not yet promoted (while the next rung has room), else a new configuration in the
 * first bracket whose bottom rung has room; when every bracket is full, a new round of brackets begins.
 */
public final class Hyperband {
    /** Rung i of a bracket: how many trials it holds and the resource each gets. */
    public record Rung(int trials, int resource) {}

    /** Bracket s with its rungs, bottom first. */
    public record Bracket(int s, List<Rung> rungs) {}

    /** A trial as Hyperband sees it; value null while running or when it failed, lower is better. */
    public record Trial(
            int round, int bracket, int rung, String configuration, Double value, boolean finished, boolean promoted) {}

    /** What a free slot runs: a configuration (null: a new one) at a bracket's rung with its resource. */
    public record Decision(int round, int bracket, int rung, int resource, String promote) {
        public boolean isNew() {
            return promote == null;
        }
    }

    private final int eta;
    private final List<Bracket> brackets;

    public Hyperband(int minResource, int maxResource, int eta) {
        this.eta = eta;
        this.brackets = brackets(minResource, maxResource, eta);
    }

    public List<Bracket> brackets() {
        return brackets;
    }

    public static List<Bracket> brackets(int minResource, int maxResource, int eta) {
        double r = (double) maxResource / minResource;
        int sMax = (int) Math.floor(Math.log(r) / Math.log(eta) + 1e-9);
        List<Bracket> result = new ArrayList<>();
        for (int s = sMax; s >= 0; s--) {
            int n = (int) Math.ceil((double) (sMax + 1) / (s + 1) * Math.pow(eta, s) - 1e-9);
            double base = r * Math.pow(eta, -s);
            List<Rung> rungs = new ArrayList<>();
            for (int i = 0; i <= s; i++) {
                int trials = (int) Math.floor(n * Math.pow(eta, -i) + 1e-9);
                int resource = (int) Math.max(
                        minResource, Math.min(maxResource, Math.round(base * Math.pow(eta, i) * minResource)));
                rungs.add(new Rung(trials, resource));
            }
            result.add(new Bracket(s, List.copyOf(rungs)));
        }
        return List.copyOf(result);
    }

    /** What a free slot should run next, given every trial so far. */
    public Decision next(List<Trial> trials) {
        int round = trials.stream().mapToInt(Trial::round).max().orElse(0);
        for (int r = 0; r <= round; r++) {
            for (Bracket bracket : brackets) {
                Optional<Decision> promotion = promotion(trials, r, bracket);
                if (promotion.isPresent()) {
                    return promotion.get();
                }
            }
        }
        for (int r = round; ; r++) {
            for (Bracket bracket : brackets) {
                int finalR = r;
                long started = trials.stream()
                        .filter(t -> t.round() == finalR && t.bracket() == bracket.s() && t.rung() == 0)
                        .count();
                if (started < bracket.rungs().get(0).trials()) {
                    return new Decision(
                            r, bracket.s(), 0, bracket.rungs().get(0).resource(), null);
                }
            }
        }
    }

    private Optional<Decision> promotion(List<Trial> trials, int round, Bracket bracket) {
        for (int i = bracket.rungs().size() - 2; i >= 0; i--) {
            int rung = i;
            List<Trial> here = trials.stream()
                    .filter(t -> t.round() == round && t.bracket() == bracket.s() && t.rung() == rung)
                    .toList();
            long above = trials.stream()
                    .filter(t -> t.round() == round && t.bracket() == bracket.s() && t.rung() == rung + 1)
                    .count();
            if (above >= bracket.rungs().get(rung + 1).trials()) {
                continue;
            }
            List<Trial> finished = here.stream()
                    .filter(t -> t.finished() && t.value() != null)
                    .sorted(Comparator.comparingDouble(Trial::value))
                    .toList();
            int top = finished.size() / eta;
            for (Trial t : finished.subList(0, top)) {
                if (!t.promoted()) {
                    return Optional.of(new Decision(
                            round,
                            bracket.s(),
                            rung + 1,
                            bracket.rungs().get(rung + 1).resource(),
                            t.configuration()));
                }
            }
        }
        return Optional.empty();
    }
}
