package io.meridian.deepaas.runtime;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.meridian.deepaas.demo.IrisModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime's /swagger.json loads as Swagger 2.0 in a real validator, and the runtime's
 * answers to real requests match what it describes.
 */
class SwaggerDocumentTest {
    @TempDir
    static Path dir;
    private static DeepaasServer server;
    private static OpenApiInteractionValidator validator;
    private static final String MULTIPART = "multipart/form-data; boundary=b0undary";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        server = DeepaasServer.start(new InetSocketAddress("127.0.0.1", 0),
                List.of(IrisModel.open(dir.resolve("m.json")), new DeepaasTestModel()));
        String doc = HTTP.send(HttpRequest.newBuilder(server.localUri().resolve("swagger.json")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        validator = OpenApiInteractionValidator.createForInlineApiSpecification(doc).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void answersMatchTheDocumentTheServerPublishes() throws Exception {
        List<String> problems = new ArrayList<>();
        check("GET", "/", null, problems);
        check("GET", "/v2/", null, problems);
        check("GET", "/v2/models/", null, problems);
        check("GET", "/v2/models/iris-classifier/", null, problems);
        byte[] multipart = ("--b0undary\r\nContent-Disposition: form-data; name=\"data\"; filename=\"f.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n5.1,3.5,1.4,0.2\r\n--b0undary--\r\n").getBytes();
        check("POST", "/v2/models/iris-classifier/predict/", multipart, problems);
        // A request the document forbids (parameter is an integer): only the 422 answer is checked.
        checkAnswer("POST", "/v2/models/deepaas-test/predict/?parameter=x", multipart, problems);
        String training = check("POST", "/v2/models/iris-classifier/train/?epochs=20", null, problems);
        String uuid = training.replaceAll(".*\"uuid\":\"([0-9a-f]{32})\".*", "$1");
        check("GET", "/v2/models/iris-classifier/train/", null, problems);
        check("GET", "/v2/models/iris-classifier/train/" + uuid, null, problems);
        check("GET", "/v2/models/deepaas-test/train/" + "0".repeat(32), null, problems);
        assertEquals(List.of(), problems);
    }

    @Test
    void theValidatorNoticesAnArgumentOfTheWrongType() {
        ValidationReport report = validator.validateRequest(SimpleRequest.Builder
                .post("/v2/models/iris-classifier/train/").withQueryParam("epochs", "many").build());
        assertTrue(report.hasErrors(), "an integer argument given as text must be flagged");
    }

    private static String check(String method, String target, byte[] body, List<String> problems) throws Exception {
        String path = target.split("\\?")[0];
        SimpleRequest.Builder request = new SimpleRequest.Builder(method, path).withHeader("Accept", "application/json");
        if (target.contains("?")) {
            for (String pair : target.split("\\?")[1].split("&")) {
                request.withQueryParam(pair.split("=")[0], pair.split("=")[1]);
            }
        }
        if (body != null) {
            request.withContentType(MULTIPART).withBody(body);
        }
        collect(method + " " + target, validator.validateRequest(request.build()), problems);
        return checkAnswer(method, target, body, problems);
    }

    private static String checkAnswer(String method, String target, byte[] body, List<String> problems)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.localUri().resolve(target.substring(1)))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", MULTIPART);
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        SimpleResponse response = SimpleResponse.Builder.status(r.statusCode())
                .withContentType(r.headers().firstValue("Content-Type").orElse("")).withBody(r.body()).build();
        collect(method + " " + target + " -> " + r.statusCode(), validator.validateResponse(target.split("\\?")[0],
                Request.Method.valueOf(method), response), problems);
        return r.body();
    }

    private static void collect(String what, ValidationReport report, List<String> problems) {
        report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .forEach(m -> problems.add(what + ": " + m.getKey() + " " + m.getMessage()));
    }
}
