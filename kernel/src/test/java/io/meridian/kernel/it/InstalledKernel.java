package io.meridian.kernel.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built kernel jar, installed as the meridian-java kernelspec under a temporary prefix. */
record InstalledKernel(Path prefix, Path jupyterPath) {

    static final String KERNEL_NAME = "meridian-java";
    static final Path JAR = Path.of("target", "meridian-kernel.jar").toAbsolutePath();

    /** Runs {@code java -jar meridian-kernel.jar install --prefix <prefix>} and checks the kernelspec exists. */
    static InstalledKernel installUnder(Path prefix) throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing; the integration tests run after package");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process install = new ProcessBuilder(java, "-jar", JAR.toString(), "install", "--prefix", prefix.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!install.waitFor(60, TimeUnit.SECONDS) || install.exitValue() != 0) {
            throw new IllegalStateException("kernelspec install failed: " + output);
        }
        Path jupyterPath = prefix.resolve("share").resolve("jupyter");
        Path spec = jupyterPath.resolve("kernels").resolve(KERNEL_NAME).resolve("kernel.json");
        if (!Files.isRegularFile(spec)) {
            throw new IllegalStateException("install printed '" + output.strip() + "' but wrote no " + spec);
        }
        return new InstalledKernel(prefix, jupyterPath);
    }

    /** Environment for a Jupyter process that must see this kernelspec and no user configuration. */
    void isolate(Map<String, String> environment, Path scratch) throws IOException {
        environment.put("JUPYTER_PATH", jupyterPath.toString());
        for (String variable : List.of("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")) {
            Path dir = Files.createDirectories(scratch.resolve(variable.toLowerCase()));
            environment.put(variable, dir.toString());
        }
        environment.put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
    }
}
