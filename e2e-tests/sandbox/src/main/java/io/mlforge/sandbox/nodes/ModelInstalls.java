package io.mlforge.sandbox.nodes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.mlforge.agent.DataAgent;
import io.mlforge.agent.ModelCache;
import io.mlforge.agent.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model-download init containers of serving pods that use a model cache, run for real: the data agent's
 * {@link ModelCache} against the sandbox's S3 store, with the pod's volumes mapped onto directories of this machine
 * (a hostPath to a directory per simulated node, a claim to one directory per claim, shared by every node), so a
 * second replica or a restarted pod really finds the model unpacked and the time each start took is measured. Other
 * init containers stay simulated.
 */
public final class ModelInstalls {
    private final Path root;
    private final ObjectStore store;
    private final Map<String, List<Installed>> byPod = new ConcurrentHashMap<>();

    /** One init container's install: which pod, node, model, whether the cache had it, how long it took. */
    public record Installed(String pod, String node, String uri, boolean hit, long bytes, long millis) {}

    public ModelInstalls(Path root, ObjectStore store) {
        this.root = root;
        this.store = store;
    }

    /** Whether the pod has an init container to run here. */
    static boolean applies(Pod pod) {
        return pod.getSpec().getInitContainers() != null
                && pod.getSpec().getInitContainers().stream()
                        .anyMatch(c -> SimulatedKubelet.env(c, DataAgent.MODEL_CACHE_DIR_ENV) != null);
    }

    /** Runs the pod's cached model installs on {@code node}; throws with the data agent's message when one fails. */
    List<Installed> run(Pod pod, String node) throws IOException {
        List<Installed> done = new ArrayList<>();
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        for (Container c : pod.getSpec().getInitContainers()) {
            String cacheDir = SimulatedKubelet.env(c, DataAgent.MODEL_CACHE_DIR_ENV);
            if (cacheDir == null) {
                continue;
            }
            Path cache = volumeDir(pod, c, cacheDir, node);
            Path modelDir = root.resolve("pods").resolve(ns).resolve(name).resolve(c.getName());
            String uri = SimulatedKubelet.env(c, "MLFORGE_MODEL_URI");
            long max = Long.parseLong(SimulatedKubelet.env(c, DataAgent.MODEL_CACHE_MAX_BYTES_ENV));
            ModelCache.Result result = new ModelCache(cache, max).install(store, uri, modelDir);
            done.add(new Installed(name, node, uri, result.hit(), result.bytes(), result.millis()));
        }
        byPod.put(ns + "/" + name, List.copyOf(done));
        return done;
    }

    /** Every install so far, by pod (namespace/name). */
    public Map<String, List<Installed>> installs() {
        return Map.copyOf(byPod);
    }

    /** The directory of this machine that stands for the volume mounted at {@code path} in container {@code c}. */
    private Path volumeDir(Pod pod, Container c, String path, String node) throws IOException {
        String volumeName = c.getVolumeMounts().stream()
                .filter(m -> path.equals(m.getMountPath()))
                .map(VolumeMount::getName)
                .findFirst()
                .orElseThrow(() -> new IOException("nothing is mounted at " + path + " in " + c.getName()));
        Volume volume = pod.getSpec().getVolumes().stream()
                .filter(v -> volumeName.equals(v.getName()))
                .findFirst()
                .orElseThrow(() -> new IOException("no volume " + volumeName));
        if (volume.getHostPath() != null) {
            return root.resolve("nodes")
                    .resolve(node)
                    .resolve(volume.getHostPath().getPath().replaceFirst("^/", ""));
        }
        if (volume.getPersistentVolumeClaim() != null) {
            return root.resolve("claims")
                    .resolve(pod.getMetadata().getNamespace())
                    .resolve(volume.getPersistentVolumeClaim().getClaimName());
        }
        throw new IOException("volume " + volumeName + " is neither a hostPath nor a claim");
    }
}
