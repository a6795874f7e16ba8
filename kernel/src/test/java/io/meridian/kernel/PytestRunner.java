package io.meridian.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Installs the kernelspec from the built jar into a temporary prefix and runs a pytest file from
 * src/test/python against it with Debian's python3, which carries jupyter_client and jupyter_kernel_test.
 */
final class PytestRunner {

    static final Path JAR = Path.of("target", "meridian-kernel.jar").toAbsolutePath();
    static final String PYTHON = System.getenv().getOrDefault("MERIDIAN_PYTHON", "/usr/bin/python3");

    record Outcome(int exitCode, String output) {
    }

    private PytestRunner() {
    }

    static Path installKernelspec(Path prefix) throws IOException, InterruptedException {
        return installKernelspec(prefix, Path.of(System.getProperty("java.home")));
    }

    /** Installs with the {@code java} of {@code javaHome}, which the kernelspec then starts the kernel with. */
    static Path installKernelspec(Path prefix, Path javaHome) throws IOException, InterruptedException {
        Files.createDirectories(prefix);
        Path java = javaHome.resolve("bin").resolve("java");
        Outcome install = exec(List.of(java.toString(), "-jar", JAR.toString(), "install", "--prefix", prefix.toString()),
                Map.of(), prefix, 60);
        if (install.exitCode() != 0) {
            throw new IllegalStateException("kernelspec install failed:\n" + install.output());
        }
        return prefix.resolve("share").resolve("jupyter");
    }

    static Outcome pytest(String testFile, Path workDir, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        return pytest(testFile, List.of(), workDir, env, timeoutSeconds);
    }

    /** @param options more pytest options, e.g. {@code -k} to select tests */
    static Outcome pytest(String testFile, List<String> options, Path workDir, Map<String, String> env,
                          long timeoutSeconds) throws IOException, InterruptedException {
        Path file = Path.of("src", "test", "python", testFile).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(PYTHON, "-m", "pytest", "-v", "-rs", "-p", "no:cacheprovider"));
        command.addAll(options);
        command.add(file.toString());
        return exec(command, env, workDir, timeoutSeconds);
    }

    static Outcome exec(List<String> command, Map<String, String> env, Path workDir, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(workDir, "run-", ".log");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return new Outcome(-1, Files.readString(log, StandardCharsets.UTF_8) + "\n[timed out after "
                    + timeoutSeconds + " s]");
        }
        return new Outcome(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
