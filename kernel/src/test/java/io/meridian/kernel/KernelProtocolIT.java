package io.meridian.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel's protocol behaviour with a real jupyter_client peer (src/test/python/test_protocol.py):
 * streaming, interrupts, stdin, comms, display updates, errors, history, bad input and extensions.
 */
class KernelProtocolIT {

    private static final Path TEST_CLASSES = Path.of("target", "test-classes");
    /** The oldest JDK the kernel runs on; Debian bookworm's default JDK (scripts/setup.d/12-jdk17.sh). */
    private static final Path JDK_17 = Path.of(System.getenv().getOrDefault("MERIDIAN_JDK17_HOME",
            "/usr/lib/jvm/java-17-openjdk-amd64"));

    @Test
    void kernelBehavesAsAJupyterClientExpects(@TempDir Path tmp) throws Exception {
        Path jupyterPath = PytestRunner.installKernelspec(tmp.resolve("prefix"));
        Path extensionJar = extensionJar(tmp.resolve("test-extensions.jar"));

        PytestRunner.Outcome outcome = PytestRunner.pytest("test_protocol.py", tmp, Map.of(
                "JUPYTER_PATH", jupyterPath.toString(),
                "MERIDIAN_TEST_EXTENSION_JAR", extensionJar.toString()), 900);

        assertEquals(0, outcome.exitCode(), outcome.output());
        assertFalse(outcome.output().contains("SKIPPED"), outcome.output());
    }

    /** JDK 17 has no virtual threads: interrupts work as there, except for socket reads (test_protocol.py). */
    @Test
    void interruptsOnJdk17EndWhatTheyCanThere(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(JDK_17.resolve("bin").resolve("jshell")),
                "no JDK 17 at " + JDK_17 + " (set MERIDIAN_JDK17_HOME)");
        Path jupyterPath = PytestRunner.installKernelspec(tmp.resolve("prefix"), JDK_17);
        Path extensionJar = extensionJar(tmp.resolve("test-extensions.jar"));

        PytestRunner.Outcome outcome = PytestRunner.pytest("test_protocol.py", List.of("-k", "interrupt or sigint"), tmp,
                Map.of("JUPYTER_PATH", jupyterPath.toString(),
                       "MERIDIAN_TEST_EXTENSION_JAR", extensionJar.toString()), 600);

        assertEquals(0, outcome.exitCode(), outcome.output());
        assertTrue(outcome.output().contains("test_interrupt_ends_a_blocking_network_read[socket] PASSED"),
                outcome.output());
    }

    /** A jar like a third party would ship: the test extensions and their ServiceLoader registration. */
    private static Path extensionJar(Path jar) throws IOException {
        Path classes = TEST_CLASSES.resolve("io/meridian/kernel/testext");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.list(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                out.putNextEntry(new JarEntry("io/meridian/kernel/testext/" + file.getFileName()));
                Files.copy(file, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/io.meridian.kernel.spi.KernelExtension"));
            write(out, String.join("\n", List.of("io.meridian.kernel.testext.GreetingExtension",
                    "io.meridian.kernel.testext.FailingExtension")) + "\n");
            out.closeEntry();
        }
        return jar;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
