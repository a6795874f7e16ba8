package io.meridian.deepaas.client;

import java.util.List;

/** {@code GET /v2/}: {"version": "stable", "id": "v2", "links": [...]}. */
public record ApiVersion(String version, String id, List<Link> links) {
}
