package io.meridian.deepaas.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code result} of a done training: what the model returned, and when it finished.
 * Dates and durations are kept as DEEPaaS writes them (Python's {@code str()} of a datetime or a
 * timedelta, e.g. "2026-11-29 21:10:07.886690" and "0:00:01.003495").
 */
public record TrainingResult(JsonNode output, @JsonProperty("finish_date") String finishDate, String duration) {
}
