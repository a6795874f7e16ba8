package io.meridian.deepaas.client;

import java.util.List;

/** {@code GET /}: the API versions the server offers and links to its documentation. */
public record Versions(List<ApiVersion> versions, List<Link> links) {
}
