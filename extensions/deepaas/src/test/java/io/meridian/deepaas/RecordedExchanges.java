package io.meridian.deepaas;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The 49 request/response pairs recorded from a real DEEPaaS 2.6.0 server serving its
 * {@code deepaas-test} model (a copy of shared/specs/deepaas-v2.6.0-exchanges.json).
 */
public final class RecordedExchanges {

    /** One recorded pair; {@code status} is null when the server never answered. */
    public record Exchange(String name, String curl, String method, String target, Integer status,
                           Map<String, String> responseHeaders, byte[] responseBody, JsonNode responseJson) {

        public String contentType() {
            return responseHeaders.get("content-type");
        }

        public String text() {
            return new String(responseBody, StandardCharsets.UTF_8);
        }
    }

    private RecordedExchanges() {
    }

    public static Map<String, Exchange> all() {
        try (InputStream in = RecordedExchanges.class.getResourceAsStream("/deepaas-v2.6.0-exchanges.json")) {
            Map<String, Exchange> byName = new LinkedHashMap<>();
            for (JsonNode e : Json.MAPPER.readTree(in)) {
                String[] requestLine = e.get("request_line").asText().split(" ");
                Map<String, String> headers = new LinkedHashMap<>();
                for (JsonNode h : e.get("response_headers")) {
                    headers.put(h.get(0).asText().toLowerCase(Locale.ROOT), h.get(1).asText());
                }
                byte[] body = e.hasNonNull("response_body_base64")
                        ? Base64.getDecoder().decode(e.get("response_body_base64").asText())
                        : e.path("response_body_text").asText("").getBytes(StandardCharsets.UTF_8);
                Integer status = e.hasNonNull("status") ? e.get("status").asInt() : null;
                byName.put(e.get("name").asText(), new Exchange(e.get("name").asText(), e.get("curl").asText(),
                        requestLine[0], requestLine[1], status, headers, body, e.get("response_body_json")));
            }
            return byName;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Exchange> list() {
        return new ArrayList<>(all().values());
    }
}
