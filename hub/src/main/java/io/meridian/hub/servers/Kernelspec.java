package io.meridian.hub.servers;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Installs the Meridian Java kernel's kernelspec into the hub's data directory and tells servers
 * where it is (JUPYTER_PATH). The kernel jar is configured (kernel.jar) or found in the source
 * tree beside the hub module ({@code ../kernel/target/meridian-kernel.jar}).
 */
public final class Kernelspec {
    private static final System.Logger LOG = System.getLogger(Kernelspec.class.getName());

    private Kernelspec() {
    }

    /** The Jupyter data directory holding the kernelspec (for JUPYTER_PATH), empty when no kernel jar is available. */
    public static Optional<Path> install(Path configuredJar, Path dataDir) {
        Optional<Path> jar = Optional.ofNullable(configuredJar).or(Kernelspec::besideHubModule).filter(Files::isRegularFile);
        if (jar.isEmpty()) {
            LOG.log(Level.INFO, "no Meridian kernel jar found; servers get only the kernels installed on the host");
            return Optional.empty();
        }
        Path prefix = dataDir.resolve("jupyter");
        String java = ProcessHandle.current().info().command().orElse("java");
        try {
            Process process = new ProcessBuilder(java, "-jar", jar.get().toString(), "install", "--prefix", prefix.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("installing the kernelspec from " + jar.get() + " took over 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("installing the kernelspec from " + jar.get() + " failed (exit "
                        + process.exitValue() + "); run: " + java + " -jar " + jar.get() + " install --prefix " + prefix);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + java + " to install the kernelspec: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing the kernelspec", e);
        }
        LOG.log(Level.INFO, "installed the Meridian kernelspec from " + jar.get() + " into " + prefix);
        return Optional.of(prefix.resolve("share").resolve("jupyter"));
    }

    /**
     * The kernel extensions servers load (MERIDIAN_KERNEL_EXTENSIONS): the configured jars, or the
     * platform extension built beside the hub module; empty when there is none.
     */
    public static Optional<String> extensions(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Optional.of(configured);
        }
        return hubModule().map(hub -> hub.resolveSibling("extensions").resolve("platform").resolve("target"))
                .filter(Files::isDirectory)
                .flatMap(dir -> {
                    try (var jars = Files.list(dir)) {
                        return jars.filter(p -> p.getFileName().toString().matches("meridian-platform-[^-]+(-SNAPSHOT)?\\.jar"))
                                .findFirst().map(Path::toString);
                    } catch (IOException e) {
                        return Optional.empty();
                    }
                });
    }

    // hub/target/meridian-hub.jar or hub/target/classes -> ../kernel/target/meridian-kernel.jar
    private static Optional<Path> besideHubModule() {
        return hubModule().map(hub -> hub.resolveSibling("kernel").resolve("target").resolve("meridian-kernel.jar"));
    }

    private static Optional<Path> hubModule() {
        try {
            Path code = Path.of(Kernelspec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Optional.of(code.getParent().getParent());
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
