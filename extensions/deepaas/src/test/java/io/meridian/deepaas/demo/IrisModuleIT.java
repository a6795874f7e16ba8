package io.meridian.deepaas.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.deepaas.client.DeepaasClient;
import io.meridian.deepaas.client.DeepaasException;
import io.meridian.deepaas.client.PredictRequest;
import io.meridian.deepaas.client.Training;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged demo module, run as {@code java -jar ... --port N} in its own process. */
class IrisModuleIT {
    private static final Path JAR = Path.of(System.getProperty("iris.jar",
            "target/meridian-deepaas-0.1.0-SNAPSHOT-module-iris.jar"));
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path modelDir;

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process launch(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static DeepaasClient awaitUp(int port) throws InterruptedException {
        DeepaasClient client = DeepaasClient.connect(URI.create("http://127.0.0.1:" + port + "/"));
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try {
                client.v2();
                return client;
            } catch (DeepaasException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void servesTrainsAndKeepsItsModelAcrossRestarts() throws Exception {
        int port = freePort();
        launch("--port", String.valueOf(port), "--model-dir", modelDir.toString());
        DeepaasClient client = awaitUp(port);
        assertEquals(List.of(IrisModel.NAME), client.models().stream().map(m -> m.name()).toList());
        JsonNode first = client.predict(IrisModel.NAME, PredictRequest.json(Map.of("sepal_length", 5.1,
                "sepal_width", 3.5, "petal_length", 1.4, "petal_width", 0.2))).json();
        assertEquals("setosa", first.at("/predictions/0/species").asText(), "a default model is ready at start");

        Training t = client.startTraining(IrisModel.NAME, Map.of("epochs", 800, "seed", 1));
        Training done = client.awaitTraining(IrisModel.NAME, t.uuid(), Duration.ofSeconds(60), Duration.ofMillis(100));
        assertEquals(Training.DONE, done.status(), String.valueOf(done.message()));
        assertTrue(done.result().output().get("test_accuracy").asDouble() > 0.9, done.result().output().toString());
        processes.get(0).destroy();
        processes.get(0).waitFor(10, TimeUnit.SECONDS);

        int again = freePort();
        launch("--port", String.valueOf(again), "--model-dir", modelDir.toString());
        JsonNode after = awaitUp(again).predict(IrisModel.NAME, PredictRequest.query(Map.of("sepal_length", 6.7,
                "sepal_width", 3.0, "petal_length", 5.2, "petal_width", 2.3))).json();
        assertEquals(800, after.at("/model/epochs").asInt(), "the trained model was saved and loaded again");
        assertEquals("virginica", after.at("/predictions/0/species").asText());
    }

    @Test
    void aBadPortIsRefusedWithAMessage() throws Exception {
        Process p = launch("--port", "fifty", "--model-dir", modelDir.toString());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), output);
        assertTrue(output.contains("--port must be a number from 0 to 65535, not fifty"), output);
    }
}
