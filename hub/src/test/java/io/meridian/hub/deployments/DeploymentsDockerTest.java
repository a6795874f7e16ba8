package io.meridian.hub.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.deepaas.client.DeepaasClient;
import io.meridian.deepaas.client.PredictRequest;
import io.meridian.hub.TestHub;
import io.meridian.platform.Platform;
import io.meridian.platform.PlatformException;
import io.meridian.platform.deploy.Deployer;
import io.meridian.platform.deploy.Deployment;
import io.meridian.platform.deploy.InferenceService;
import io.meridian.platform.deploy.Resources;
import io.meridian.platform.deploy.Training;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deployments, trainings and local inference through the hub's HTTP API, with real Docker and the real
 * Iris module image (meridian/module-iris:latest, built by images/module-iris/build.sh).
 */
class DeploymentsDockerTest {
    static final String IRIS = "meridian/module-iris:latest";
    static final String MODEL = "iris-classifier";
    static final Map<String, Object> SETOSA = Map.of("sepal_length", 5.0, "sepal_width", 3.4,
            "petal_length", 1.5, "petal_width", 0.2);

    static Path dataDir;
    static TestHub hub;

    @BeforeAll
    static void startHub() {
        dataDir = TestHub.tempDir();
        hub = TestHub.start(dataDir, Map.of());
    }

    @AfterAll
    static void stopHub() {
        hub.close();
        // whatever a failed test left behind
        String left = docker("ps", "-aq", "--filter", "label=meridian.hub=" + hubId()).strip();
        if (!left.isEmpty()) {
            docker(("rm -f " + left.replace('\n', ' ')).split(" "));
        }
    }

    @Test
    void deploymentAnswersPredictThroughTheHubForItsOwnerOnlyAndDeleteRemovesItsContainer() {
        String dora = hub.userWithToken("dpl-dora");
        String eve = hub.userWithToken("dpl-eve");
        JsonNode created = deploy(dora, 1, 512);
        String id = created.get("id").asText();
        assertEquals("running", created.get("state").asText(), created.toString());
        assertEquals(1, created.get("resources").get("cpu").asInt());
        assertEquals(512, created.get("resources").get("memory_mb").asInt());
        assertEquals("/deployments/" + id + "/", created.get("endpoints").get("deepaas").asText());
        assertTrue(created.get("gpus").isEmpty());

        JsonNode got = hub.get("/api/v1/deployments/" + id, dora).json();
        assertEquals("running", got.get("state").asText());
        assertTrue(hub.get("/api/v1/deployments", dora).json().toString().contains(id));

        DeepaasClient throughHub = DeepaasClient.connect(URI.create(hub.url("/deployments/" + id + "/")))
                .withBearerToken(dora);
        JsonNode answer = throughHub.predict(MODEL, PredictRequest.json(SETOSA)).json();
        assertEquals("setosa", answer.get("predictions").get(0).get("species").asText(), answer.toString());

        assertEquals(404, hub.get("/deployments/" + id + "/v2/models/", eve).status(), "another user must not reach it");
        assertEquals(404, hub.get("/api/v1/deployments/" + id, eve).status());
        assertEquals(401, hub.get("/deployments/" + id + "/v2/models/", null).status());

        JsonNode logs = hub.get("/api/v1/deployments/" + id + "/logs", dora).json();
        assertTrue(logs.get("logs").asText().contains("listening"), logs.toString());

        String container = containerOf(id);
        assertTrue(docker("inspect", "-f", "{{.State.Running}}", container).contains("true"));
        assertEquals(204, hub.call("DELETE", "/api/v1/deployments/" + id, dora, null).status());
        assertEquals(404, hub.get("/api/v1/deployments/" + id, dora).status());
        assertFalse(docker("ps", "-aq", "--filter", "id=" + container).contains(container.substring(0, 12)),
                "the container must be gone");
    }

    @Test
    void trainingRunsToDoneWithProgressMetricsAndResult() {
        String tara = hub.userWithToken("dpl-tara");
        String eve = hub.userWithToken("dpl-eve");
        String id = deploy(tara, 1, 512).get("id").asText();
        JsonNode started = hub.post("/api/v1/trainings", tara, """
                {"deployment": "%s", "args": {"epochs": 300, "epoch_delay_ms": 10}}""".formatted(id)).json();
        String training = started.get("id").asText();
        assertEquals("running", started.get("status").asText(), started.toString());
        assertEquals(MODEL, started.get("model").asText());

        JsonNode midway = await(tara, training, t -> t.path("progress").asDouble(0) > 0.05);
        assertEquals("running", midway.get("status").asText(), "an epoch_delay of 10 ms x 300 takes ~3 s: " + midway);
        assertTrue(midway.get("progress").asDouble() < 1.0);
        assertTrue(midway.get("metrics").has("loss"), midway.toString());

        JsonNode done = await(tara, training, t -> !t.get("status").asText().equals("running"));
        assertEquals("done", done.get("status").asText(), done.toString());
        assertEquals(1.0, done.get("progress").asDouble());
        JsonNode result = hub.get("/api/v1/trainings/" + training + "/result", tara).json();
        assertTrue(result.get("result").get("test_accuracy").asDouble() > 0.8, result.toString());
        assertEquals(300, result.get("result").get("epochs").asInt());
        assertTrue(hub.get("/api/v1/trainings?deployment=" + id, tara).json().toString().contains(training));
        assertEquals(404, hub.get("/api/v1/trainings/" + training, eve).status());
        hub.call("DELETE", "/api/v1/deployments/" + id, tara, null);
    }

    @Test
    void cancelledTrainingStaysCancelledAndATrainingThatRaisesEndsAsError() {
        String cora = hub.userWithToken("dpl-cora");
        String id = deploy(cora, 1, 512).get("id").asText();
        String slow = hub.post("/api/v1/trainings", cora, """
                {"deployment": "%s", "args": {"epochs": 2000, "epoch_delay_ms": 20}}""".formatted(id))
                .json().get("id").asText();
        await(cora, slow, t -> t.path("progress").asDouble(0) > 0);
        JsonNode cancelled = hub.call("DELETE", "/api/v1/trainings/" + slow, cora, null).json();
        assertEquals("cancelled", cancelled.get("status").asText(), cancelled.toString());
        TestHub.sleep(1500);
        assertEquals("cancelled", hub.get("/api/v1/trainings/" + slow, cora).json().get("status").asText());
        assertEquals(409, hub.get("/api/v1/trainings/" + slow + "/result", cora).status());
        assertEquals(409, hub.call("DELETE", "/api/v1/trainings/" + slow, cora, null).status());

        String bad = hub.post("/api/v1/trainings", cora, """
                {"deployment": "%s", "args": {"epochs": 0}}""".formatted(id)).json().get("id").asText();
        JsonNode failed = await(cora, bad, t -> !t.get("status").asText().equals("running"));
        assertEquals("error", failed.get("status").asText(), failed.toString());
        assertTrue(failed.get("message").asText().contains("epochs must be between"), failed.toString());
        hub.call("DELETE", "/api/v1/deployments/" + id, cora, null);
    }

    @Test
    void killingTheDeploymentDuringATrainingEndsTheTrainingAsError() {
        String kim = hub.userWithToken("dpl-kim");
        String id = deploy(kim, 1, 512).get("id").asText();
        String training = hub.post("/api/v1/trainings", kim, """
                {"deployment": "%s", "args": {"epochs": 5000, "epoch_delay_ms": 20}}""".formatted(id))
                .json().get("id").asText();
        await(kim, training, t -> t.path("progress").asDouble(0) > 0);
        docker("kill", containerOf(id));
        JsonNode failed = await(kim, training, t -> !t.get("status").asText().equals("running"));
        assertEquals("error", failed.get("status").asText(), failed.toString());
        assertTrue(failed.get("message").asText().contains("stopped during the training"), failed.toString());
        JsonNode deployment = hub.get("/api/v1/deployments/" + id, kim).json();
        assertEquals("exited", deployment.get("state").asText(), deployment.toString());
        assertTrue(deployment.get("message").asText().contains("exit code 137"), deployment.toString());
        assertEquals(503, hub.get("/deployments/" + id + "/v2/models/", kim).status());
        assertEquals("", docker("ps", "-q", "--filter", "label=meridian.deployment=" + id).strip(), "nothing runs");
        assertTrue(hub.get("/api/v1/trainings?deployment=" + id, kim).json().findValuesAsText("status").stream()
                .noneMatch("running"::equals), "no training left running");
        assertEquals(204, hub.call("DELETE", "/api/v1/deployments/" + id, kim, null).status());
        assertEquals("", docker("ps", "-aq", "--filter", "label=meridian.deployment=" + id).strip(), "container removed");
    }

    @Test
    void missingImageIsAClear404AndLeavesNothing() {
        String mia = hub.userWithToken("dpl-mia");
        TestHub.Response r = hub.post("/api/v1/deployments", mia, """
                {"image": "meridian/module-missing:latest"}""");
        assertEquals(404, r.status(), r.body());
        assertTrue(r.json().get("message").asText().contains("is not on this Docker host"), r.body());
        assertTrue(hub.get("/api/v1/deployments", mia).json().isEmpty());
        assertEquals("", docker("ps", "-aq", "--filter", "label=meridian.user=dpl-mia").strip());
    }

    @Test
    void quotaAndDisallowedImagesAreRefusedBeforeAnythingStarts() {
        String quinn = hub.userWithToken("dpl-quinn");
        TestHub.Response tooBig = hub.post("/api/v1/deployments", quinn, """
                {"image": "%s", "resources": {"cpu": 5, "memory_mb": 512}}""".formatted(IRIS));
        assertEquals(403, tooBig.status(), tooBig.body());
        assertTrue(tooBig.json().get("message").asText().contains("quota exceeded"), tooBig.body());
        TestHub.Response tooManyGpus = hub.post("/api/v1/deployments", quinn, """
                {"image": "%s", "resources": {"cpu": 1, "memory_mb": 512, "gpu": 2}}""".formatted(IRIS));
        assertEquals(403, tooManyGpus.status(), tooManyGpus.body());
        assertTrue(tooManyGpus.json().get("message").asText().contains("2 GPUs; your quota is 4 CPUs, 8192 MB and 1 GPUs"),
                tooManyGpus.body());
        TestHub.Response notAllowed = hub.post("/api/v1/deployments", quinn, """
                {"image": "meridian/base:trixie"}""");
        assertEquals(403, notAllowed.status(), notAllowed.body());
        assertEquals(400, hub.post("/api/v1/deployments", quinn, "{}").status());
        assertEquals(400, hub.post("/api/v1/deployments", quinn, """
                {"image": "%s", "resources": {"cpu": "lots"}}""".formatted(IRIS)).status());
        assertTrue(hub.get("/api/v1/deployments", quinn).json().isEmpty());
        assertEquals("", docker("ps", "-aq", "--filter", "label=meridian.user=dpl-quinn").strip());
    }

    @Test
    void localInferenceServiceIsCreatedInvokedListedAndDeleted() {
        String ines = hub.userWithToken("dpl-ines");
        String eve = hub.userWithToken("dpl-eve");
        TestHub.Response created = hub.post("/api/v1/inference", ines, """
                {"name": "iris", "image": "%s", "resources": {"cpu": 1, "memory_mb": 512}}""".formatted(IRIS));
        assertEquals(201, created.status(), created.body());
        assertEquals("local", created.json().get("backend").asText());
        assertEquals("running", created.json().get("deployment").get("state").asText());
        assertEquals(409, hub.post("/api/v1/inference", ines, """
                {"name": "iris", "image": "%s"}""".formatted(IRIS)).status());

        TestHub.Response answer = hub.post("/api/v1/inference/iris/invoke", ines, """
                {"sepal_length": 6.7, "sepal_width": 3.0, "petal_length": 5.2, "petal_width": 2.3}""");
        assertEquals(200, answer.status(), answer.body());
        assertEquals("virginica", answer.json().get("predictions").get(0).get("species").asText());
        assertEquals(1, hub.get("/api/v1/inference", ines).json().size());
        assertEquals(404, hub.get("/api/v1/inference/iris", eve).status());

        String deployment = created.json().get("deployment").get("id").asText();
        assertEquals(204, hub.call("DELETE", "/api/v1/inference/iris", ines, null).status());
        assertEquals(404, hub.get("/api/v1/deployments/" + deployment, ines).status());
        assertTrue(hub.get("/api/v1/inference", ines).json().isEmpty());
    }

    @Test
    void deploymentsAndTrainingsSurviveAHubRestart() {
        String rita = hub.userWithToken("dpl-rita");
        String id = deploy(rita, 1, 512).get("id").asText();
        String training = hub.post("/api/v1/trainings", rita, """
                {"deployment": "%s", "args": {"epochs": 400, "epoch_delay_ms": 10}}""".formatted(id))
                .json().get("id").asText();
        hub.close();
        hub = TestHub.start(dataDir, Map.of());
        JsonNode again = hub.get("/api/v1/deployments/" + id, rita).json();
        assertEquals("running", again.get("state").asText(), again.toString());
        assertEquals("done", await(rita, training, t -> !t.get("status").asText().equals("running")).get("status").asText());
        DeepaasClient throughHub = DeepaasClient.connect(URI.create(hub.url("/deployments/" + id + "/")))
                .withBearerToken(rita);
        assertEquals("setosa", throughHub.predict(MODEL, PredictRequest.json(SETOSA)).json()
                .get("predictions").get(0).get("species").asText());
        hub.call("DELETE", "/api/v1/deployments/" + id, rita, null);
    }

    @Test
    void notebookApiDeploysPredictsTrainsCancelsAndServes() {
        String nina = hub.userWithToken("dpl-nina");
        Platform platform = Platform.connect(hub.url("/hub/api"), nina);
        Deployer deployer = platform.deployer();
        Deployment deployment = deployer.deployImage(IRIS, Resources.of(1, 512, 0));
        assertEquals("running", deployment.state());
        assertEquals("setosa", deployment.predict(SETOSA).get("predictions").get(0).get("species").asText());

        Training done = platform.train(deployment, Map.of("epochs", 100, "epoch_delay_ms", 5));
        assertEquals("done", done.status(), done.toString());
        assertEquals(1.0, done.progress());
        assertTrue(done.metrics().containsKey("loss"), done.metrics().toString());
        assertTrue(done.result().get("test_accuracy").asDouble() > 0.8);

        Training slow = deployer.startTraining(deployment, Map.of("epochs", 3000, "epoch_delay_ms", 20));
        assertEquals("cancelled", slow.cancel().status());
        assertEquals(2, deployer.trainings().size());

        InferenceService service = platform.inference().create("flowers", IRIS, Resources.of(1, 512, 0), "local");
        assertEquals("virginica", service.invoke(Map.of("sepal_length", 6.7, "sepal_width", 3.0, "petal_length", 5.2,
                "petal_width", 2.3)).get("predictions").get(0).get("species").asText());
        assertEquals(1, platform.inference().list().size());
        PlatformException missing = assertThrows(PlatformException.class, () -> platform.inference().get("nope"));
        assertEquals(404, missing.status());
        service.delete();
        assertTrue(platform.inference().list().isEmpty());

        assertEquals(1, deployer.deployments().size());
        deployment.delete();
        assertTrue(deployer.deployments().isEmpty());
        PlatformException refused = assertThrows(PlatformException.class,
                () -> deployer.deployImage("meridian/module-missing:latest", null));
        assertEquals(404, refused.status());
        assertTrue(refused.getMessage().contains("not on this Docker host"), refused.getMessage());
    }

    // ---- helpers

    static JsonNode deploy(String token, int cpu, int memoryMb) {
        TestHub.Response r = hub.post("/api/v1/deployments", token, """
                {"image": "%s", "resources": {"cpu": %d, "memory_mb": %d}}""".formatted(IRIS, cpu, memoryMb));
        assertEquals(201, r.status(), r.body());
        return r.json();
    }

    static JsonNode await(String token, String training, Predicate<JsonNode> condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = hub.get("/api/v1/trainings/" + training, token).json();
            if (condition.test(last)) {
                return last;
            }
            TestHub.sleep(100);
        }
        throw new AssertionError("training " + training + " never reached the condition; last: " + last);
    }

    /** The hub id the hub under test labels its containers with (see DeploymentSettings). */
    static String hubId() {
        return DeploymentSettings.fromEnv(Map.of(), dataDir).hubId();
    }

    static String containerOf(String deployment) {
        String id = docker("ps", "-aq", "--no-trunc", "--filter", "label=meridian.deployment=" + deployment).strip();
        assertFalse(id.isEmpty(), "no container for deployment " + deployment);
        return id;
    }

    static String docker(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "docker";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new AssertionError("docker " + String.join(" ", args) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
