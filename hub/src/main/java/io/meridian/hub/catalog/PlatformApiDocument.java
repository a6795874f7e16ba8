package io.meridian.hub.catalog;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code /api/v1/openapi.yaml}: the OpenAPI document of the platform API, public like the API's own docs. */
public final class PlatformApiDocument implements HttpService {
    static final String RESOURCE = "/io/meridian/hub/platform-api.yaml";
    private final byte[] document;

    public PlatformApiDocument() {
        try (InputStream in = PlatformApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the platform API's OpenAPI document is missing from the hub's jar");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/openapi.yaml", this::serve);
    }

    private void serve(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/yaml; charset=utf-8");
        res.send(document);
    }
}
