package io.mlforge.operator.tuning.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HyperbandTest {
    private static String table(List<Hyperband.Bracket> brackets) {
        StringBuilder b = new StringBuilder();
        for (Hyperband.Bracket bracket : brackets) {
            b.append("s=").append(bracket.s()).append(":");
            bracket.rungs()
                    .forEach(r -> b.append(" (")
                            .append(r.trials())
                            .append(",")
                            .append(r.resource())
                            .append(")"));
            b.append("\n");
        }
        return b.toString();
    }

    @Test
    void bracketsAreThoseOfLiEtAl2018ForR81AndEta3() {
        assertThat(table(Hyperband.brackets(1, 81, 3))).isEqualTo("""
                s=4: (81,1) (27,3) (9,9) (3,27) (1,81)
                s=3: (34,3) (11,9) (3,27) (1,81)
                s=2: (15,9) (5,27) (1,81)
                s=1: (8,27) (2,81)
                s=0: (5,81)
                """);
    }

    @Test
    void minResourceScalesTheResources() {
        assertThat(table(Hyperband.brackets(2, 18, 3))).isEqualTo("""
                s=2: (9,2) (3,6) (1,18)
                s=1: (5,6) (1,18)
                s=0: (3,18)
                """);
    }

    @Test
    void freeSlotsStartNewConfigurationsUntilATopThirdCanBePromoted() {
        Hyperband hyperband = new Hyperband(1, 9, 3); // s=2: (9,1)(3,3)(1,9); s=1: (5,3)(1,9); s=0: (3,9)
        List<Hyperband.Trial> trials = new ArrayList<>();
        Hyperband.Decision first = hyperband.next(trials);
        assertThat(first).isEqualTo(new Hyperband.Decision(0, 2, 0, 1, null));
        trials.add(new Hyperband.Trial(0, 2, 0, "a", 5.0, true, false));
        trials.add(new Hyperband.Trial(0, 2, 0, "b", 3.0, true, false));
        assertThat(hyperband.next(trials).isNew())
                .as("2 finished: the top third is empty")
                .isTrue();
        trials.add(new Hyperband.Trial(0, 2, 0, "c", 4.0, true, false));
        assertThat(hyperband.next(trials))
                .as("3 finished: the best one moves up")
                .isEqualTo(new Hyperband.Decision(0, 2, 1, 3, "b"));
        trials.set(1, new Hyperband.Trial(0, 2, 0, "b", 3.0, true, true));
        trials.add(new Hyperband.Trial(0, 2, 1, "b", null, false, false));
        assertThat(hyperband.next(trials))
                .as("nothing else to promote: a new configuration, never waiting")
                .isEqualTo(new Hyperband.Decision(0, 2, 0, 1, null));
    }

    @Test
    void fullBracketsHandOverToTheNextBracketThenANewRound() {
        Hyperband hyperband = new Hyperband(1, 3, 3); // s=1: (3,1)(1,3); s=0: (2,3)
        List<Hyperband.Trial> trials = new ArrayList<>();
        for (String c : List.of("a", "b", "c")) {
            trials.add(new Hyperband.Trial(0, 1, 0, c, null, false, false));
        }
        assertThat(hyperband.next(trials)).isEqualTo(new Hyperband.Decision(0, 0, 0, 3, null));
        trials.add(new Hyperband.Trial(0, 0, 0, "d", null, false, false));
        trials.add(new Hyperband.Trial(0, 0, 0, "e", null, false, false));
        assertThat(hyperband.next(trials)).isEqualTo(new Hyperband.Decision(1, 1, 0, 1, null));
    }
}
