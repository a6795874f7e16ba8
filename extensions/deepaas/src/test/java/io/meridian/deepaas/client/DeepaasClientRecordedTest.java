package io.meridian.deepaas.client;

import io.meridian.deepaas.RecordedExchanges;
import io.meridian.deepaas.RecordedExchanges.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client against the responses a real DEEPaaS 2.6.0 server gave (replayed by
 * {@link FakeRecordedDeepaas}): every call sends the request line that was recorded, and
 * understands the real server's JSON, errors and faults.
 */
class DeepaasClientRecordedTest {
    private static final Map<String, Exchange> REC = RecordedExchanges.all();
    private static final String MODEL = "deepaas-test";
    private static final byte[] INPUT = "some input\n".getBytes(StandardCharsets.UTF_8);

    private FakeRecordedDeepaas server;
    private DeepaasClient client;

    @BeforeEach
    void start() throws Exception {
        server = new FakeRecordedDeepaas();
        client = DeepaasClient.connect(server.uri());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private void answer(String... names) {
        for (String name : names) {
            server.answerWith(REC.get(name));
        }
    }

    /** The request line the client sent last, compared with the one recorded for {@code name}. */
    private void assertSentAsRecorded(String name) {
        Exchange e = REC.get(name);
        assertEquals(e.method() + " " + e.target() + " HTTP/1.1", server.requestLines.get(server.requestLines.size() - 1));
    }

    private void assertSentPathOf(String name) {
        Exchange e = REC.get(name);
        String sent = server.requestLines.get(server.requestLines.size() - 1);
        assertEquals(e.method() + " " + e.target().split("\\?")[0], sent.split("[ ?]")[0] + " " + sent.split("[ ?]")[1]);
    }

    @Test
    void readsVersionsAndModelMetadataOfTheRealServer() {
        answer("01_versions_root", "02_v2_version", "04_models_list", "06_model_meta");
        Versions versions = client.versions();
        assertSentAsRecorded("01_versions_root");
        assertEquals("v2", versions.versions().get(0).id());
        assertTrue(versions.links().stream().anyMatch(l -> l.href().equals("/swagger.json")));
        ApiVersion v2 = client.v2();
        assertSentAsRecorded("02_v2_version");
        assertEquals("stable", v2.version());
        List<ModelInfo> models = client.models();
        assertSentAsRecorded("04_models_list");
        assertEquals(List.of(MODEL), models.stream().map(ModelInfo::name).toList());
        ModelInfo meta = client.model(MODEL);
        assertSentAsRecorded("06_model_meta");
        assertEquals("Alvaro Lopez Garcia", meta.author());
        assertEquals("/v2/models/deepaas-test", meta.links().get(0).href());
    }

    @Test
    void unknownModelIsA404WithAClearMessage() {
        answer("08_model_meta_unknown_404");
        DeepaasException e = assertThrows(DeepaasException.class, () -> client.model("no-such-model"));
        assertSentAsRecorded("08_model_meta_unknown_404");
        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains("no such model"), e.getMessage());
    }

    @Test
    void predictsWithQueryArgumentsAndAnUploadedFile() {
        answer("10_predict_ok_query_param");
        Prediction p = client.predict(MODEL, PredictRequest.query(Map.of("parameter", 1))
                .withFile("data", "input.txt", "text/plain", INPUT));
        assertSentAsRecorded("10_predict_ok_query_param");
        assertEquals("application/json", server.requestHeaders.get(0).get("accept"));
        assertTrue(server.requestHeaders.get(0).get("content-type").startsWith("multipart/form-data; boundary="));
        assertEquals("foo", p.json().path("labels").get(0).path("label").asText());
    }

    @Test
    void predictsWithFormArgumentsAndReadsTextAndImageAnswers() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("parameter", 2);
        args.put("parameter_three", "foo");
        answer("11_predict_ok_form_params", "13_predict_accept_text", "14_predict_accept_png");
        Prediction json = client.predict(MODEL, PredictRequest.form(args).withFile("data", "input.txt", null, INPUT));
        assertSentAsRecorded("11_predict_ok_form_params");
        assertTrue(json.json().path("data").asText().startsWith("data:image/png;base64,"));

        Prediction text = client.predict(MODEL, PredictRequest.query(Map.of("parameter", 1))
                .withFile("data", "input.txt", null, INPUT).withAccept("text/plain"));
        assertSentAsRecorded("13_predict_accept_text");
        assertEquals("text/plain", server.requestHeaders.get(1).get("accept"));
        assertTrue(text.text().startsWith("data:image/png;base64,"));

        Prediction png = client.predict(MODEL, PredictRequest.query(Map.of("parameter", 1))
                .withFile("data", "input.txt", null, INPUT).withAccept("image/png"));
        assertEquals("image/png", png.contentType());
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png.body(), 4));
    }

    @Test
    void refusesAnAcceptListBeforeSendingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PredictRequest.query(Map.of("parameter", 1)).withAccept("application/json, */*"));
        assertTrue(e.getMessage().contains("exactly one media type"), e.getMessage());
        assertTrue(server.requestLines.isEmpty());
    }

    @Test
    void validationErrorsCarryTheServersMessagesPerArgument() {
        answer("15_predict_accept_xml_422", "17_predict_no_args_422", "20_predict_bad_int_422",
                "21_predict_bad_enum_422", "33_train_missing_sleep_422", "34_train_bad_sleep_422");
        DeepaasException accept = assertThrows(DeepaasException.class, () -> client.predict(MODEL,
                PredictRequest.query(Map.of("parameter", 1)).withFile("data", "input.txt", null, INPUT)
                        .withAccept("application/xml")));
        assertEquals(422, accept.status());
        assertEquals(List.of("Must be one of: application/json, text/plain, image/png."), accept.fieldErrors().get("accept"));

        DeepaasException none = assertThrows(DeepaasException.class,
                () -> client.predict(MODEL, PredictRequest.query(Map.of())));
        assertSentAsRecorded("17_predict_no_args_422");
        assertEquals(Map.of("data", List.of("Missing data for required field."),
                "parameter", List.of("Missing data for required field.")), none.fieldErrors());
        assertTrue(none.getMessage().contains("data: Missing data for required field."), none.getMessage());

        DeepaasException badInt = assertThrows(DeepaasException.class, () -> client.predict(MODEL,
                PredictRequest.query(Map.of("parameter", "abc")).withFile("data", "input.txt", null, INPUT)));
        assertSentAsRecorded("20_predict_bad_int_422");
        assertEquals(List.of("Not a valid integer."), badInt.fieldErrors().get("parameter"));

        DeepaasException badEnum = assertThrows(DeepaasException.class, () -> client.predict(MODEL,
                PredictRequest.query(Map.of("parameter", 1)).withFile("data", "input.txt", null, INPUT)));
        assertEquals(List.of("Must be one of: foo, bar."), badEnum.fieldErrors().get("parameter_three"));

        DeepaasException noSleep = assertThrows(DeepaasException.class, () -> client.startTraining(MODEL, Map.of()));
        assertSentPathOf("33_train_missing_sleep_422");
        assertEquals(List.of("Missing data for required field."), noSleep.fieldErrors().get("sleep"));
        DeepaasException badSleep = assertThrows(DeepaasException.class,
                () -> client.startTraining(MODEL, Map.of("sleep", "abc")));
        assertEquals(List.of("Not a valid integer."), badSleep.fieldErrors().get("sleep"));
    }

    @Test
    void followsATrainingFromStartToDone() {
        answer("25_train_list_empty", "30_train_start_json_body", "27_train_get_running", "28_train_list_running",
                "29_train_get_done", "32_train_list_done");
        assertTrue(client.trainings(MODEL).isEmpty());
        assertSentAsRecorded("25_train_list_empty");

        Training started = client.startTraining(MODEL, Map.of("sleep", 1, "parameter_two", "json"));
        assertSentAsRecorded("30_train_start_json_body");
        assertEquals("application/json", server.requestHeaders.get(1).get("content-type"));
        assertEquals(Training.RUNNING, started.status());
        assertEquals(1, started.args().get("sleep").asInt());
        assertFalse(started.finished());

        String uuid = "815e80ef66e8423583777cc8f1c55cb1";
        Training running = client.training(MODEL, uuid);
        assertSentAsRecorded("27_train_get_running");
        assertEquals(Training.RUNNING, running.status());
        assertNull(running.progress(), "a Python DEEPaaS server reports no progress");
        assertEquals(1, client.trainings(MODEL).size());

        Training done = client.training(MODEL, uuid);
        assertEquals(Training.DONE, done.status());
        assertTrue(done.finished());
        assertEquals("0:00:01.003495", done.result().duration());
        assertEquals("2026-11-29 21:10:07.886690", done.result().finishDate());
        assertTrue(done.result().output().isNull());
        List<Training> all = client.trainings(MODEL);
        assertEquals(List.of(Training.DONE, Training.DONE, Training.DONE), all.stream().map(Training::status).toList());
    }

    @Test
    void unknownTrainingIsA404() {
        answer("36_train_get_unknown_404", "38_train_delete_again_404");
        DeepaasException get = assertThrows(DeepaasException.class,
                () -> client.training(MODEL, "00000000000000000000000000000000"));
        assertSentAsRecorded("36_train_get_unknown_404");
        assertEquals(404, get.status());
        DeepaasException delete = assertThrows(DeepaasException.class,
                () -> client.cancelTraining(MODEL, "815e80ef66e8423583777cc8f1c55cb1"));
        assertSentAsRecorded("38_train_delete_again_404");
        assertEquals(404, delete.status());
    }

    @Test
    void cancellingAFinishedTrainingRemovesIt() {
        answer("37_train_delete_done_200");
        CancelOutcome outcome = client.cancelTraining(MODEL, "815e80ef66e8423583777cc8f1c55cb1");
        assertSentAsRecorded("37_train_delete_done_200");
        assertTrue(outcome.confirmed());
        assertEquals(Training.DONE, outcome.training().status());
    }

    @Test
    void survivesTheConnectionTheRealServerClosesWhenCancellingAQueuedTraining() {
        answer("44_train_delete_queued_BUG_emptyreply", "36_train_get_unknown_404");
        CancelOutcome outcome = client.cancelTraining(MODEL, "7271513d9ae24ddcb6fc6d83effd16de");
        assertEquals("DELETE /v2/models/deepaas-test/train/7271513d9ae24ddcb6fc6d83effd16de HTTP/1.1",
                server.requestLines.get(0));
        assertEquals("GET /v2/models/deepaas-test/train/7271513d9ae24ddcb6fc6d83effd16de HTTP/1.1",
                server.requestLines.get(1));
        assertTrue(outcome.confirmed());
        assertNull(outcome.training());
        assertTrue(outcome.message().contains("closed the connection"), outcome.message());
        assertTrue(outcome.message().contains("no longer listed"), outcome.message());
    }

    @Test
    void survivesThe500TheRealServerAnswersWhenCancellingARunningTraining() {
        answer("45_train_delete_running_BUG_500", "27_train_get_running");
        CancelOutcome outcome = client.cancelTraining(MODEL, "8d8c53bef050400c8e01253b4d92f4db");
        assertFalse(outcome.confirmed());
        assertEquals(Training.RUNNING, outcome.training().status());
        assertTrue(outcome.message().contains("500"), outcome.message());
        assertTrue(outcome.message().contains("may still run"), outcome.message());
    }

    @Test
    void aServerThatIsNotThereIsAClearErrorWithoutAnHttpStatus() throws Exception {
        server.close();
        DeepaasException e = assertThrows(DeepaasException.class, () -> client.models());
        assertEquals(DeepaasException.NO_ANSWER, e.status());
        assertTrue(e.getMessage().contains("cannot connect to DEEPaaS at " + server.uri()), e.getMessage());
    }

    @Test
    void keepsAPathPrefixSuchAsTheHubsDeploymentProxy() {
        answer("02_v2_version", "29_train_get_done");
        DeepaasClient proxied = DeepaasClient.connect(server.uri().resolve("/deployments/42"))
                .withBearerToken("user-token");
        assertEquals("v2", proxied.v2().id());
        assertEquals("GET /deployments/42/v2/ HTTP/1.1", server.requestLines.get(0));
        assertEquals("Bearer user-token", server.requestHeaders.get(0).get("authorization"));
        proxied.training(MODEL, "815e80ef66e8423583777cc8f1c55cb1");
        assertEquals("GET /deployments/42/v2/models/deepaas-test/train/815e80ef66e8423583777cc8f1c55cb1 HTTP/1.1",
                server.requestLines.get(1));
    }
}
