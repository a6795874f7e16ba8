package io.meridian.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.web.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/** Reads a spawn's Server-Sent Events stream until its final (ready or failed) event. */
public record ProgressEvents(int status, String contentType, List<JsonNode> events, int keepalives) {

    public static ProgressEvents read(HttpClient http, String url, String token, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Authorization", "token " + token).header("Accept", "text/event-stream").build();
        try {
            HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
            List<JsonNode> events = new ArrayList<>();
            int keepalives = 0;
            try (Stream<String> lines = response.body()) {
                Iterator<String> it = lines.iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.startsWith(":")) {
                        keepalives++;
                    } else if (line.startsWith("data:")) {
                        JsonNode event = Json.MAPPER.readTree(line.substring(5).trim());
                        events.add(event);
                        if (event.path("ready").asBoolean() || event.path("failed").asBoolean()) {
                            break;
                        }
                    }
                }
            }
            return new ProgressEvents(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    events, keepalives);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode last() {
        return events.getLast();
    }
}
