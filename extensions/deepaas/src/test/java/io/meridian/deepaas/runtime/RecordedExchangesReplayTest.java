package io.meridian.deepaas.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.deepaas.Json;
import io.meridian.deepaas.RecordedExchanges;
import io.meridian.deepaas.RecordedExchanges.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays, in order, the requests recorded against a real DEEPaaS 2.6.0 server (rebuilt from
 * their curl command lines) against this runtime serving a twin of {@code deepaas-test}, and
 * compares status, Content-Type and body: text and 422 bodies exactly, JSON by shape (same keys
 * and value types; ours may add the documented {@code progress}, {@code metrics}, {@code message}).
 * Where the runtime differs on purpose (see docs/deepaas-runtime.md: JSON-only predict answers,
 * cancelling unfinished trainings, no Swagger UI page) the test checks our answer instead.
 */
class RecordedExchangesReplayTest {
    private static final Set<String> EXTENSION_FIELDS = Set.of("progress", "metrics", "message");
    /** Served only as JSON here: the real test model also offered text/plain and image/png. */
    private static final Set<String> OTHER_MEDIA_TYPES = Set.of("13_predict_accept_text", "14_predict_accept_png");
    /** The real server's faults when cancelling unfinished trainings; ours cancels them. */
    private static final Set<String> CANCEL_FAULTS = Set.of("44_train_delete_queued_BUG_emptyreply",
            "45_train_delete_running_BUG_500");
    /** The Swagger UI HTML pages, which the runtime does not serve. */
    private static final Set<String> SWAGGER_UI = Set.of("48_swagger_ui_html", "49_ui_redirect_302");

    private static DeepaasServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        server = DeepaasServer.start(new InetSocketAddress("127.0.0.1", 0), List.of(new DeepaasTestModel()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyRecordedExchangeGetsTheSameStatusTypeAndShape() throws Exception {
        Map<String, String> uuids = new HashMap<>();
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (Exchange rec : RecordedExchanges.list()) {
            if (SWAGGER_UI.contains(rec.name())) {
                continue;
            }
            String target = rec.target();
            for (Map.Entry<String, String> u : uuids.entrySet()) {
                target = target.replace(u.getKey(), u.getValue());
            }
            HttpResponse<byte[]> ours = send(rec, target);
            if (rec.status() != null && rec.responseJson() != null && rec.method().equals("GET")
                    && rec.target().contains("/train/")) {
                ours = awaitSameStatuses(rec, target, ours);
            }
            String oursType = ours.headers().firstValue("Content-Type").orElse("");
            JsonNode oursJson = oursType.startsWith("application/json") ? Json.MAPPER.readTree(ours.body()) : null;
            if (ours.statusCode() == 200 && rec.method().equals("POST") && rec.target().contains("/train/")) {
                uuids.put(rec.responseJson().get("uuid").asText(), oursJson.get("uuid").asText());
            }
            if (OTHER_MEDIA_TYPES.contains(rec.name())) {
                expect(mismatches, rec, ours.statusCode() == 422 && oursJson.has("accept"), "a 422 on accept", ours);
                continue;
            }
            if (CANCEL_FAULTS.contains(rec.name())) {
                expect(mismatches, rec, ours.statusCode() == 200 && oursJson.get("status").asText().equals("cancelled"),
                        "200 with status cancelled", ours);
                continue;
            }
            if (rec.status() == null) {
                expect(mismatches, rec, ours.statusCode() == 200, "an answer while a training runs", ours);
                continue;
            }
            compared++;
            if (rec.status() != ours.statusCode() || !rec.contentType().equals(oursType)) {
                mismatches.add(rec.name() + ": recorded " + rec.status() + " " + rec.contentType() + ", ours "
                        + ours.statusCode() + " " + oursType + " " + new String(ours.body(), StandardCharsets.UTF_8));
                continue;
            }
            if (rec.responseHeaders().containsKey("location")) {
                String location = ours.headers().firstValue("Location").orElse("");
                if (!rec.responseHeaders().get("location").equals(location)) {
                    mismatches.add(rec.name() + ": Location " + location);
                }
            }
            if (rec.name().equals("47_swagger_json")) {
                compareSwagger(rec.responseJson(), oursJson, mismatches);
            } else if (rec.responseJson() == null) {
                if (!rec.text().equals(new String(ours.body(), StandardCharsets.UTF_8))) {
                    mismatches.add(rec.name() + ": text " + new String(ours.body(), StandardCharsets.UTF_8));
                }
            } else if (rec.status() == 422) {
                // The accept error lists the media types served: the real test model had three, we serve JSON.
                JsonNode expected = Json.MAPPER.readTree(rec.text().replace(
                        "application/json, text/plain, image/png.", "application/json."));
                if (!expected.equals(oursJson)) {
                    mismatches.add(rec.name() + ": 422 body " + oursJson + " instead of " + expected);
                }
            } else {
                sameShape(rec.responseJson(), oursJson, rec.name(), mismatches);
            }
        }
        assertEquals(List.of(), mismatches);
        assertTrue(compared >= 38, "compared only " + compared + " exchanges");
    }

    private static void expect(List<String> mismatches, Exchange rec, boolean ok, String what,
                               HttpResponse<byte[]> ours) {
        if (!ok) {
            mismatches.add(rec.name() + ": expected " + what + ", got " + ours.statusCode() + " "
                    + new String(ours.body(), StandardCharsets.UTF_8));
        }
    }

    /** Trainings take time: poll until ours shows the statuses the recording shows. */
    private HttpResponse<byte[]> awaitSameStatuses(Exchange rec, String target, HttpResponse<byte[]> first)
            throws Exception {
        List<String> wanted = rec.responseJson().findValuesAsText("status");
        Instant deadline = Instant.now().plusSeconds(15);
        HttpResponse<byte[]> ours = first;
        while (Instant.now().isBefore(deadline) && ours.statusCode() == 200
                && !Json.MAPPER.readTree(ours.body()).findValuesAsText("status").equals(wanted)) {
            Thread.sleep(100);
            ours = send(rec, target);
        }
        return ours;
    }

    private static void sameShape(JsonNode recorded, JsonNode ours, String where, List<String> mismatches) {
        if (ours == null || recorded.getNodeType() != ours.getNodeType()) {
            mismatches.add(where + ": " + recorded.getNodeType() + " recorded, ours " + ours);
            return;
        }
        if (recorded.isObject()) {
            for (Iterator<String> it = recorded.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                sameShape(recorded.get(field), ours.get(field), where + "." + field, mismatches);
            }
            for (Iterator<String> it = ours.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!recorded.has(field) && !EXTENSION_FIELDS.contains(field)
                        && !where.endsWith(".args")) {
                    mismatches.add(where + ": ours has the extra field " + field);
                }
            }
        } else if (recorded.isArray()) {
            if (where.endsWith("versions_root.links")) {
                // The real root also links its Swagger UI page (/api), which the runtime does not serve.
                sameShape(recorded.get(1), ours.get(0), where + "[0]", mismatches);
                return;
            }
            if (recorded.size() != ours.size()) {
                mismatches.add(where + ": " + recorded.size() + " elements recorded, ours " + ours.size());
                return;
            }
            for (int i = 0; i < recorded.size(); i++) {
                sameShape(recorded.get(i), ours.get(i), where + "[" + i + "]", mismatches);
            }
        }
    }

    /** Same operations and the same argument names for every path the real server described. */
    private static void compareSwagger(JsonNode recorded, JsonNode ours, List<String> mismatches) {
        assertEquals("2.0", ours.path("swagger").asText());
        for (Iterator<String> paths = recorded.get("paths").fieldNames(); paths.hasNext(); ) {
            String path = paths.next();
            if (path.equals("/v2/debug/")) {
                continue;
            }
            for (Iterator<String> ops = recorded.get("paths").get(path).fieldNames(); ops.hasNext(); ) {
                String op = ops.next();
                JsonNode theirs = recorded.get("paths").get(path).get(op);
                JsonNode mine = ours.path("paths").path(path).path(op);
                if (mine.isMissingNode()) {
                    mismatches.add("swagger: missing " + op + " " + path);
                    continue;
                }
                if (!theirs.get("parameters").findValuesAsText("name").equals(mine.get("parameters").findValuesAsText("name"))) {
                    mismatches.add("swagger: parameters of " + op + " " + path + " are "
                            + mine.get("parameters").findValuesAsText("name"));
                }
            }
        }
    }

    /** Sends what the recorded curl command sent: method, headers, form fields, files or data. */
    private HttpResponse<byte[]> send(Exchange rec, String target) throws Exception {
        Curl curl = Curl.parse(rec.curl());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + target))
                .timeout(Duration.ofSeconds(curl.maxTime == 0 ? 20 : curl.maxTime));
        String accept = "*/*";
        String contentType = null;
        for (String h : curl.headers) {
            String name = h.substring(0, h.indexOf(':')).trim();
            String value = h.substring(h.indexOf(':') + 1).trim();
            if (name.equalsIgnoreCase("Accept")) {
                accept = value;
            } else if (name.equalsIgnoreCase("Content-Type")) {
                contentType = value;
            }
        }
        b.header("Accept", accept);
        byte[] body = null;
        if (!curl.forms.isEmpty()) {
            String boundary = "------------------------replay";
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String form : curl.forms) {
                String name = form.substring(0, form.indexOf('='));
                String value = form.substring(form.indexOf('=') + 1);
                if (value.startsWith("@")) {
                    String[] fileAndType = value.substring(1).split(";type=");
                    out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                            + "\"; filename=\"" + fileAndType[0].replace("./", "") + "\"\r\nContent-Type: "
                            + (fileAndType.length > 1 ? fileAndType[1] : "text/plain") + "\r\n\r\nsome input\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));
                } else {
                    out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                            + "\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            body = out.toByteArray();
            contentType = "multipart/form-data; boundary=" + boundary;
        } else if (curl.data != null) {
            body = curl.data.getBytes(StandardCharsets.UTF_8);
            contentType = contentType == null ? "application/x-www-form-urlencoded" : contentType;
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(rec.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The parts of a recorded curl command line that shape the request. */
    private static final class Curl {
        final List<String> headers = new ArrayList<>();
        final List<String> forms = new ArrayList<>();
        String data;
        int maxTime;

        static Curl parse(String commandLine) {
            List<String> words = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            for (int i = 0; i < commandLine.length(); i++) {
                char c = commandLine.charAt(i);
                if (c == '\\' && i + 1 < commandLine.length()) {
                    word.append(commandLine.charAt(++i));
                } else if (c == ' ') {
                    if (word.length() > 0) {
                        words.add(word.toString());
                        word.setLength(0);
                    }
                } else {
                    word.append(c);
                }
            }
            words.add(word.toString());
            Curl curl = new Curl();
            for (int i = 1; i < words.size(); i++) {
                switch (words.get(i)) {
                    case "-H":
                        curl.headers.add(words.get(++i));
                        break;
                    case "-F":
                        curl.forms.add(words.get(++i));
                        break;
                    case "-d":
                        curl.data = words.get(++i);
                        break;
                    case "--max-time":
                        curl.maxTime = Integer.parseInt(words.get(++i));
                        break;
                    case "-X":
                        i++;
                        break;
                    default:
                        break;
                }
            }
            return curl;
        }
    }
}
