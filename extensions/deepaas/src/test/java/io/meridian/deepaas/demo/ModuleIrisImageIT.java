package io.meridian.deepaas.demo;

import io.meridian.deepaas.client.DeepaasClient;
import io.meridian.deepaas.client.PredictRequest;
import io.meridian.deepaas.client.Training;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The module image (images/module-iris) in real Docker: built by its build script, healthy by
 * its HEALTHCHECK, trainable and keeping its model in a volume across containers. Skipped when
 * Docker or the base image (images/build-base.sh) is not there.
 */
class ModuleIrisImageIT {
    private static final String IMAGE = "meridian/module-iris:latest";
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
    private final List<String> containers = new ArrayList<>();
    private String volume;

    @BeforeAll
    static void buildImage() throws Exception {
        assumeTrue(run("docker", "info").exitCode() == 0, "Docker is not reachable");
        assumeTrue(run("docker", "image", "inspect", "meridian/base:trixie").exitCode() == 0,
                "meridian/base:trixie is missing; images/build-base.sh builds it");
        Result build = run(ROOT.resolve("images/module-iris/build.sh").toString());
        assertEquals(0, build.exitCode(), build.output());
    }

    @AfterEach
    void removeContainers() throws Exception {
        for (String id : containers) {
            run("docker", "rm", "-f", id);
        }
        if (volume != null) {
            run("docker", "volume", "rm", "-f", volume);
        }
    }

    @Test
    void containerBecomesHealthyTrainsAndKeepsItsModelInItsVolume() throws Exception {
        volume = "meridian-iris-it-" + ProcessHandle.current().pid();
        DeepaasClient first = startContainer();
        Training t = first.startTraining(IrisModel.NAME, Map.of("epochs", 700));
        assertEquals(Training.DONE, first.awaitTraining(IrisModel.NAME, t.uuid(), Duration.ofSeconds(60),
                Duration.ofMillis(200)).status());
        run("docker", "rm", "-f", containers.get(0));

        DeepaasClient second = startContainer();
        var answer = second.predict(IrisModel.NAME, PredictRequest.json(Map.of("sepal_length", 5.0, "sepal_width", 3.6,
                "petal_length", 1.4, "petal_width", 0.2))).json();
        assertEquals("setosa", answer.at("/predictions/0/species").asText());
        assertEquals(700, answer.at("/model/epochs").asInt(), "the model trained in the first container was kept");
    }

    private DeepaasClient startContainer() throws Exception {
        Result started = run("docker", "run", "-d", "-p", "127.0.0.1::5000", "-v", volume + ":/var/lib/meridian/model",
                IMAGE);
        assertEquals(0, started.exitCode(), started.output());
        String id = started.output().trim();
        containers.add(id);
        Instant deadline = Instant.now().plusSeconds(60);
        String health = "";
        while (Instant.now().isBefore(deadline) && !health.equals("healthy")) {
            Thread.sleep(500);
            health = run("docker", "inspect", "-f", "{{.State.Health.Status}}", id).output().trim();
        }
        assertEquals("healthy", health, run("docker", "logs", id).output());
        String port = run("docker", "port", id, "5000/tcp").output().lines().findFirst().orElseThrow();
        return DeepaasClient.connect(URI.create("http://" + port.trim() + "/"));
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("docker", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " timed out");
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
