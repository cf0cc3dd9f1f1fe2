package io.mlforge.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * kstatus as Flux computes it: the small Go command in e2e-tests/control-plane/go/kstatus (sigs.k8s.io/cli-utils),
 * built with Go on first use ({@link GoTool}), fed {@code kubectl get -o json}.
 */
public final class Kstatus {
    private Kstatus() {}

    /** kstatus of every object in a {@code kubectl get -o json} list: "Kind/name" to status (InProgress, Current, Failed, ...). */
    public static Map<String, String> compute(String listJson) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(GoTool.kstatus().toString()).start();
        process.getOutputStream().write(listJson.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("kstatus failed: " + err);
        }
        Map<String, String> result = new LinkedHashMap<>();
        out.lines().forEach(line -> {
            String[] parts = line.split(" ", 3);
            result.put(parts[0], parts[1]);
        });
        return result;
    }
}
