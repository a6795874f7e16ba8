package io.meridian.deepaas.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.deepaas.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A predict answer: its media type and bytes, readable as JSON or text. */
public record Prediction(String contentType, byte[] body) {

    public JsonNode json() {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("the prediction is not JSON (Content-Type " + contentType + ")", e);
        }
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
