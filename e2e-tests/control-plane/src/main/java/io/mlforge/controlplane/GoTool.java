package io.mlforge.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command built with Go from one of our small modules under e2e-tests/control-plane/go (helm, kstatus), once per
 * machine: cached in {@code ${XDG_CACHE_HOME:-~/.cache}/mlforge/tools/<module>-<hash of the module's files>}, so
 * changing the module (a new version in go.mod) builds it again and everything else reuses it.
 */
public final class GoTool {
    private static final Logger LOG = LoggerFactory.getLogger(GoTool.class);

    private GoTool() {}

    /** The Helm 4 command line (go/helm), with its release version stamped as the Helm release build does. */
    public static Path helm() throws IOException, InterruptedException {
        return build(
                "helm",
                "helm.sh/helm/v4/cmd/helm",
                "helm",
                "-X helm.sh/helm/v4/internal/version.version=" + required("helm", "helm.sh/helm/v4"));
    }

    /** Kueue's manager (go/kueue), with its release version stamped as Kueue's release build does. */
    public static Path kueue() throws IOException, InterruptedException {
        return build(
                "kueue",
                "sigs.k8s.io/kueue/cmd/kueue",
                "kueue",
                "-X sigs.k8s.io/kueue/pkg/version.GitVersion=" + kueueVersion());
    }

    /** The Kueue release go/kueue/go.mod pins (its CRDs and webhook manifests come from the same module). */
    public static String kueueVersion() throws IOException {
        return required("kueue", "sigs.k8s.io/kueue");
    }

    /** The kstatus command (go/kstatus, sigs.k8s.io/cli-utils). */
    public static Path kstatus() throws IOException, InterruptedException {
        return build("kstatus", ".", "kstatus", "");
    }

    /**
     * The files of a published Go module (for example a project's CRD manifests), downloaded once per machine through
     * the Go module proxy into the module cache: {@code go mod download -json module@version}.
     */
    public static synchronized Path moduleSource(String modulePath, String version)
            throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("mlforge-go-download");
        try {
            List<String> command = List.of("go", "mod", "download", "-json", modulePath + "@" + version);
            Process download;
            try {
                download = new ProcessBuilder(command)
                        .directory(work.toFile())
                        .redirectErrorStream(true)
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException(
                        "cannot download " + modulePath + "@" + version + ": no Go toolchain on PATH", e);
            }
            String out = new String(download.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            java.util.regex.Matcher dir =
                    java.util.regex.Pattern.compile("\"Dir\":\\s*\"([^\"]+)\"").matcher(out);
            if (download.waitFor() != 0 || !dir.find()) {
                throw new IllegalStateException("cannot download " + modulePath + "@" + version + " (`"
                        + String.join(" ", command) + "`):\n" + out);
            }
            return Path.of(dir.group(1));
        } finally {
            Files.deleteIfExists(work);
        }
    }

    private static Path module(String name) {
        return KubeBinaries.repoRoot().resolve("e2e-tests/control-plane/go").resolve(name);
    }

    /** The version go.mod requires of a module. */
    static String required(String moduleName, String dependency) throws IOException {
        for (String line : Files.readAllLines(module(moduleName).resolve("go.mod"))) {
            String[] words = line.trim().split("\\s+");
            for (int i = 0; i + 1 < words.length; i++) {
                if (words[i].equals(dependency) && words[i + 1].startsWith("v")) {
                    return words[i + 1];
                }
            }
        }
        throw new IllegalStateException(module(moduleName) + "/go.mod does not require " + dependency);
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("mlforge/tools");
    }

    private static String hash(Path module) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<Path> files;
            try (Stream<Path> walk = Files.list(module)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path file : files) {
                digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(file));
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized Path build(String moduleName, String pkg, String binaryName, String ldflags)
            throws IOException, InterruptedException {
        Path module = module(moduleName);
        Path dir = cacheRoot().resolve(moduleName + "-" + hash(module));
        Path binary = dir.resolve(binaryName);
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, binaryName, ".building");
        List<String> command = new ArrayList<>(List.of(
                "go", "build", "-trimpath", "-ldflags", ("-s -w " + ldflags).trim(), "-o", tmp.toString(), pkg));
        LOG.info(
                "building {} from {} into {} (first use on this machine; a few minutes for helm)",
                binaryName,
                module,
                dir);
        long start = System.nanoTime();
        Process build;
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).directory(module.toFile()).redirectErrorStream(true);
            builder.environment().put("CGO_ENABLED", "0");
            build = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot build " + binaryName + " from " + module
                            + ": no Go toolchain on PATH (needs Go >= 1.26 with a" + " Go module proxy)",
                    e);
        }
        String log = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (build.waitFor() != 0) {
            Files.deleteIfExists(tmp);
            throw new IllegalStateException("cannot build " + binaryName + " from " + module + " (`"
                    + String.join(" ", command) + "`):\n" + log);
        }
        Files.move(tmp, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.info("built {} in {} s", binaryName, (System.nanoTime() - start) / 1_000_000_000);
        return binary;
    }
}
