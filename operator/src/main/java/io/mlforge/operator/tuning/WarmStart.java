package io.mlforge.operator.tuning;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrialPhase;
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.api.v1alpha1.TuningPhase;
import io.mlforge.operator.core.ResourceNames;
import io.mlforge.operator.tuning.optimizer.Observation;
import io.mlforge.operator.tuning.optimizer.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Observations from up to five finished parent TuningJobs (warmStart.parents): their succeeded trials whose
 * parameters fit this search's space seed the model. Empty while a parent has not finished.
 */
public final class WarmStart {
    private WarmStart() {}

    public static Optional<List<Observation>> observations(KubernetesClient client, TuningJob job) {
        var warm = job.getSpec().warmStart;
        if (warm == null || warm.parents == null || warm.parents.isEmpty()) {
            return Optional.of(List.of());
        }
        String ns = job.getMetadata().getNamespace();
        SearchSpace space = SearchSpace.of(job.getSpec().parameters);
        List<Observation> observations = new ArrayList<>();
        for (String parent : warm.parents) {
            TuningJob p = client.resources(TuningJob.class)
                    .inNamespace(ns)
                    .withName(parent)
                    .get();
            if (p == null
                    || p.getStatus() == null
                    || p.getStatus().phase == null
                    || p.getStatus().phase == TuningPhase.Running
                    || p.getStatus().phase == TuningPhase.Pending
                    || p.getStatus().phase == TuningPhase.Stopping) {
                return Optional.empty();
            }
            List<TrainingJob> children = client.resources(TrainingJob.class)
                    .inNamespace(ns)
                    .withLabel(TuningLabels.TUNING_JOB, ResourceNames.labelValue(parent))
                    .list()
                    .getItems();
            for (Trial t : TrialObserver.observe(children, TuningPlanner.primary(job.getSpec()).metricName)) {
                if (t.phase() != TrialPhase.Succeeded || t.objective() == null) {
                    continue;
                }
                try {
                    space.encode(t.parameters()); // the parent's values must fit this space: same names, known
                    // categorical values
                    observations.add(new Observation(
                            t.parameters(),
                            TuningPlanner.minimised(TuningPlanner.primary(job.getSpec()), t.objective())));
                } catch (RuntimeException e) {
                    // a parameter this search does not know, or a categorical value it does not have: not usable
                }
            }
        }
        return Optional.of(observations);
    }
}
