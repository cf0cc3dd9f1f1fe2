package io.mlforge.sandbox.apiserver;

import java.util.Optional;

/** Where the API server's pods/log comes from: the simulated kubelet's containers. */
public interface PodLogSource {
    /**
     * The log of a container as the kubelet serves it: lines "timestamp text" when {@code timestamps}, from
     * {@code sinceTime} (inclusive, RFC 3339) on, at most {@code limitBytes} bytes. Empty if there is no such pod.
     */
    Optional<String> read(String namespace, String pod, String container, String sinceTime, boolean timestamps, Integer limitBytes,
            Integer tailLines);
}
