package io.mlforge.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * kstatus as Flux computes it: the small Go command in e2e-tests/control-plane/go/kstatus (sigs.k8s.io/cli-utils),
 * built with Go on first use (the Go build cache makes later builds instant), fed {@code kubectl get -o json}.
 */
public final class Kstatus {
    private static Path binary;

    private Kstatus() {
    }

    private static synchronized Path binary() throws IOException, InterruptedException {
        if (binary == null) {
            Path module = KubeBinaries.repoRoot().resolve("e2e-tests/control-plane/go/kstatus");
            Path out = Files.createTempDirectory("mlforge-kstatus").resolve("kstatus");
            Process build = new ProcessBuilder("go", "build", "-o", out.toString(), ".").directory(module.toFile()).redirectErrorStream(true).start();
            String log = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (build.waitFor() != 0) {
                throw new IllegalStateException("cannot build the kstatus command in " + module + " (needs Go >= 1.26):\n" + log);
            }
            binary = out;
        }
        return binary;
    }

    /** kstatus of every object in a {@code kubectl get -o json} list: "Kind/name" to status (InProgress, Current, Failed, ...). */
    public static Map<String, String> compute(String listJson) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(binary().toString()).start();
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
