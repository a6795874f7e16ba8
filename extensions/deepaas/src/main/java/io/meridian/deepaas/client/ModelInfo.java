package io.meridian.deepaas.client;

import java.util.List;

/** A model's metadata, from {@code GET /v2/models/} or {@code GET /v2/models/{name}/}. */
public record ModelInfo(String id, String name, String description, String author, String version, String url,
                        String license, List<Link> links) {
}
