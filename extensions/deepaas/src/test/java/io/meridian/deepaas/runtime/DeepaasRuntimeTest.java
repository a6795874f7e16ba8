package io.meridian.deepaas.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.deepaas.Json;
import io.meridian.deepaas.client.CancelOutcome;
import io.meridian.deepaas.client.DeepaasClient;
import io.meridian.deepaas.client.DeepaasException;
import io.meridian.deepaas.client.ModelInfo;
import io.meridian.deepaas.client.PredictRequest;
import io.meridian.deepaas.client.Prediction;
import io.meridian.deepaas.client.Training;
import io.meridian.deepaas.demo.IrisModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DEEPaaS client against the Java runtime serving the Iris model, over real HTTP. */
class DeepaasRuntimeTest {
    private static final String IRIS = "iris-classifier";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(50);

    @TempDir
    static Path modelDir;
    private static DeepaasServer server;
    private static DeepaasClient client;

    @BeforeAll
    static void start() throws Exception {
        IrisModel iris = IrisModel.open(modelDir.resolve("iris-model.json"));
        server = DeepaasServer.start(new InetSocketAddress("127.0.0.1", 0), List.of(iris, new FailingModel()));
        client = DeepaasClient.connect(server.localUri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, Object> measurements(double sl, double sw, double pl, double pw) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sepal_length", sl);
        m.put("sepal_width", sw);
        m.put("petal_length", pl);
        m.put("petal_width", pw);
        return m;
    }

    @Test
    void listsItsModelsWithTheirMetadata() {
        List<ModelInfo> models = client.models();
        assertEquals(List.of(IRIS, "failing"), models.stream().map(ModelInfo::name).toList());
        ModelInfo iris = client.model(IRIS);
        assertEquals("0", iris.id());
        assertEquals("Meridian", iris.author());
        assertEquals("/v2/models/" + IRIS, iris.links().get(0).href());
        assertEquals("v2", client.v2().id());
    }

    @Test
    void predictsTheSpeciesFromMeasurementsSentAsJsonQueryOrForm() {
        Map<String, Object> virginica = measurements(6.3, 3.3, 6.0, 2.5);
        for (PredictRequest request : List.of(PredictRequest.json(virginica), PredictRequest.query(virginica),
                PredictRequest.form(virginica))) {
            JsonNode answer = client.predict(IRIS, request).json();
            assertEquals("virginica", answer.at("/predictions/0/species").asText(), request.encoding().name());
            assertTrue(answer.at("/predictions/0/probabilities/virginica").asDouble() > 0.5);
        }
        JsonNode setosa = client.predict(IRIS, PredictRequest.json(measurements(5.0, 3.4, 1.5, 0.2))).json();
        assertEquals("setosa", setosa.at("/predictions/0/species").asText());
    }

    @Test
    void predictsEveryRowOfAnUploadedCsvAndScoresLabelledRows() {
        String csv = "sepal_length,sepal_width,petal_length,petal_width,species\n"
                + "5.1,3.5,1.4,0.2,setosa\n6.4,3.2,4.5,1.5,versicolor\n7.7,2.6,6.9,2.3,virginica\n"
                + "4.9,3.0,1.4,0.2,Iris-setosa\n";
        Prediction p = client.predict(IRIS, PredictRequest.form(Map.of())
                .withFile("data", "flowers.csv", "text/csv", csv.getBytes(StandardCharsets.UTF_8)));
        JsonNode answer = p.json();
        assertEquals("application/json; charset=utf-8", p.contentType());
        assertEquals(List.of("setosa", "versicolor", "virginica", "setosa"), answer.get("predictions")
                .findValuesAsText("species"));
        assertEquals(4, answer.get("labelled").asInt());
        assertEquals(1.0, answer.get("accuracy").asDouble());
    }

    @Test
    void badPredictInputIsRefusedWithAReason() {
        DeepaasException partial = assertThrows(DeepaasException.class, () -> client.predict(IRIS,
                PredictRequest.json(Map.of("sepal_length", 5.0))));
        assertEquals(400, partial.status());
        assertTrue(partial.getMessage().contains("missing measurements [sepal_width, petal_length, petal_width]"),
                partial.getMessage());
        DeepaasException notNumber = assertThrows(DeepaasException.class, () -> client.predict(IRIS,
                PredictRequest.query(Map.of("sepal_length", "long"))));
        assertEquals(422, notNumber.status());
        assertEquals(Map.of("sepal_length", List.of("Not a valid number.")), notNumber.fieldErrors());
        DeepaasException badCsv = assertThrows(DeepaasException.class, () -> client.predict(IRIS,
                PredictRequest.form(Map.of()).withFile("data", "x.csv", "text/csv", "1,2,3\n".getBytes())));
        assertEquals(400, badCsv.status());
        assertTrue(badCsv.getMessage().contains("x.csv: line 1: expected 4 measurements"), badCsv.getMessage());
    }

    @Test
    void trainingReportsProgressAndMetricsThenIsDoneAndServesTheNewModel() {
        Training started = client.startTraining(IRIS, Map.of("epochs", 300, "epoch_delay_ms", 2));
        assertEquals(Training.RUNNING, started.status());
        assertEquals(300, started.args().get("epochs").asInt());
        assertEquals(0.5, started.args().get("learning_rate").asDouble(), "defaults are applied and shown");

        Training midway = null;
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            Training t = client.training(IRIS, started.uuid());
            if (t.progress() > 0 && t.progress() < 1 && t.status().equals(Training.RUNNING)) {
                midway = t;
                break;
            }
        }
        assertTrue(midway != null, "never saw the training part way");
        assertTrue(midway.metrics().containsKey("loss") && midway.metrics().containsKey("train_accuracy"),
                midway.metrics().toString());

        Training done = client.awaitTraining(IRIS, started.uuid(), WAIT, POLL);
        assertEquals(Training.DONE, done.status());
        assertEquals(1.0, done.progress());
        assertEquals(300.0, done.metrics().get("epoch"));
        assertTrue(done.metrics().get("loss") < midway.metrics().get("loss"), "loss goes down");
        JsonNode output = done.result().output();
        assertTrue(output.get("test_accuracy").asDouble() > 0.85, output.toString());
        assertTrue(done.result().duration().matches("0:00:\\d\\d\\.\\d{6}"), done.result().duration());
        assertTrue(client.trainings(IRIS).stream().anyMatch(t -> t.uuid().equals(started.uuid())));

        JsonNode prediction = client.predict(IRIS, PredictRequest.json(measurements(5.9, 3.0, 5.1, 1.8))).json();
        assertEquals(300, prediction.at("/model/epochs").asInt(), "predict uses the model just trained");
    }

    @Test
    void cancellingARunningTrainingStopsItAndKeepsTheSavedModel() {
        JsonNode before = client.predict(IRIS, PredictRequest.json(measurements(5.9, 3.0, 5.1, 1.8))).json();
        Training started = client.startTraining(IRIS, Map.of("epochs", 5000, "epoch_delay_ms", 20));
        Instant deadline = Instant.now().plus(WAIT);
        while (client.training(IRIS, started.uuid()).progress() == 0 && Instant.now().isBefore(deadline)) {
            Thread.onSpinWait();
        }
        CancelOutcome outcome = client.cancelTraining(IRIS, started.uuid());
        assertTrue(outcome.confirmed(), outcome.message());
        assertEquals(Training.CANCELLED, outcome.training().status());
        assertTrue(outcome.training().progress() > 0 && outcome.training().progress() < 1);
        DeepaasException gone = assertThrows(DeepaasException.class, () -> client.training(IRIS, started.uuid()));
        assertEquals(404, gone.status());
        JsonNode after = client.predict(IRIS, PredictRequest.json(measurements(5.9, 3.0, 5.1, 1.8))).json();
        assertEquals(before.get("model"), after.get("model"), "a cancelled training saves no model");

        Training next = client.startTraining(IRIS, Map.of("seed", 11));
        Training done = client.awaitTraining(IRIS, next.uuid(), WAIT, POLL);
        assertEquals(Training.DONE, done.status(), "the worker is free again after the cancel");
    }

    @Test
    void aTrainingThatThrowsEndsAsErrorWithItsMessage() {
        Training failing = client.startTraining("failing", Map.of("reason", "disk full"));
        Training ended = client.awaitTraining("failing", failing.uuid(), WAIT, POLL);
        assertEquals(Training.ERROR, ended.status());
        assertEquals("disk full", ended.message());
        assertEquals(0.5, ended.progress());
        assertNull(ended.result());

        Training badEpochs = client.startTraining(IRIS, Map.of("epochs", 0));
        Training refused = client.awaitTraining(IRIS, badEpochs.uuid(), WAIT, POLL);
        assertEquals(Training.ERROR, refused.status());
        assertEquals("epochs must be between 1 and 100000, not 0", refused.message());
    }

    @Test
    void aPredictThatThrowsIsA500WithItsMessage() {
        DeepaasException e = assertThrows(DeepaasException.class,
                () -> client.predict("failing", PredictRequest.json(Map.of())));
        assertEquals(500, e.status());
        assertTrue(e.getMessage().contains("predict is broken too"), e.getMessage());
    }

    @Test
    void invalidTrainArgumentsAre422AndStartNothing() {
        int before = client.trainings(IRIS).size();
        DeepaasException e = assertThrows(DeepaasException.class,
                () -> client.startTraining(IRIS, Map.of("epochs", "many", "learning_rate", "fast")));
        assertEquals(422, e.status());
        assertEquals(Map.of("epochs", List.of("Not a valid integer."), "learning_rate", List.of("Not a valid number.")),
                e.fieldErrors());
        assertEquals(before, client.trainings(IRIS).size());
    }

    @Test
    void unknownModelsAndTrainingsAre404() {
        assertEquals(404, assertThrows(DeepaasException.class, () -> client.model("no-such-model")).status());
        assertEquals(404, assertThrows(DeepaasException.class,
                () -> client.startTraining("no-such-model", Map.of())).status());
        assertEquals(404, assertThrows(DeepaasException.class,
                () -> client.training(IRIS, "00000000000000000000000000000000")).status());
        assertEquals(404, assertThrows(DeepaasException.class,
                () -> client.cancelTraining(IRIS, "not-a-uuid")).status());
    }

    @Test
    void routesWithoutTheirTrailingSlashRedirectWith308() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.localUri().resolve(
                "v2/models/" + IRIS + "/predict?sepal_length=1")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(308, r.statusCode());
        assertEquals("/v2/models/" + IRIS + "/predict/?sepal_length=1", r.headers().firstValue("Location").orElse(""));
        HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(server.localUri().resolve("v2/models/"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("GET", wrongMethod.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void predictWantsExactlyOneAcceptTypeLikeTheRealServer() throws Exception {
        URI predict = server.localUri().resolve("v2/models/" + IRIS + "/predict/?sepal_length=5&sepal_width=3"
                + "&petal_length=1.5&petal_width=0.2");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(predict).header("Accept", "application/json, */*")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(422, list.statusCode());
        assertEquals("{\"accept\":[\"Must be one of: application/json.\"]}", list.body());

        // HttpURLConnection's default Accept up to JDK 22 (JDK 23 changed it to */*).
        HttpResponse<String> urlConnectionDefault = http.send(HttpRequest.newBuilder(predict)
                .header("Accept", "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(422, urlConnectionDefault.statusCode());

        HttpResponse<String> any = http.send(HttpRequest.newBuilder(predict).header("Accept", "*/*")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, any.statusCode());
    }

    @Test
    void swaggerDocumentDescribesEveryModelRouteAndArgument() throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                server.localUri().resolve("swagger.json")).build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode doc = Json.MAPPER.readTree(r.body());
        assertEquals("2.0", doc.get("swagger").asText());
        JsonNode predict = doc.at("/paths/~1v2~1models~1" + IRIS + "~1predict~1/post");
        assertEquals(List.of("sepal_length", "sepal_width", "petal_length", "petal_width", "data", "accept"),
                predict.get("parameters").findValuesAsText("name"));
        assertEquals("file", predict.get("parameters").get(4).get("type").asText());
        JsonNode train = doc.at("/paths/~1v2~1models~1" + IRIS + "~1train~1/post/parameters");
        assertEquals(500, train.get(0).get("default").asInt());
        assertTrue(doc.at("/paths/~1v2~1models~1" + IRIS + "~1train~1{uuid}/delete").isObject());
        assertTrue(doc.at("/definitions/Training/properties/progress").isObject());
    }
}
