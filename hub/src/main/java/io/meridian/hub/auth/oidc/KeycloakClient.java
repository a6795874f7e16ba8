package io.meridian.hub.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.web.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The hub's calls to Keycloak: discovery (fetched on first use and kept), the token endpoint
 * (authorization code with PKCE verifier, refresh, the client's own service account), the JWKS
 * document and reads on the realm's Admin REST API. Every call has a
 * timeout; failures become {@link OidcException} with a message that never contains a token or
 * the client secret.
 */
public final class KeycloakClient {
    private final OidcSettings settings;
    private final HttpClient http;
    private volatile Metadata metadata;

    public KeycloakClient(OidcSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.httpTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The endpoints of the realm, from its discovery document. */
    public record Metadata(String issuer, URI authorizationEndpoint, URI tokenEndpoint, URI jwksUri,
                           URI endSessionEndpoint) {
    }

    /** The tokens the token endpoint answers; none of them is ever logged. */
    public record Tokens(String idToken, String accessToken, String refreshToken) {
        @Override
        public String toString() {
            return "Tokens[hidden]";
        }
    }

    /** An access token of the client's own service account; never logged. */
    public record ServiceToken(String accessToken, Duration lifetime) {
        @Override
        public String toString() {
            return "ServiceToken[hidden, lifetime=" + lifetime + "]";
        }
    }

    public OidcSettings settings() {
        return settings;
    }

    /** The discovery document, fetched once; a failed fetch is retried on the next call. */
    public Metadata metadata() {
        Metadata known = metadata;
        if (known != null) {
            return known;
        }
        URI url = URI.create(settings.issuer() + "/.well-known/openid-configuration");
        JsonNode doc = getJson(url, "the discovery document");
        String issuer = doc.path("issuer").asText("");
        // The issuer in the document must be the configured one, or tokens would be checked against the wrong realm.
        if (!issuer.equals(settings.issuer().toString())) {
            throw new OidcException("the discovery document at " + url + " names issuer '" + issuer
                    + "', not the configured " + settings.issuer());
        }
        Metadata fetched = new Metadata(issuer,
                endpoint(doc, "authorization_endpoint", true),
                endpoint(doc, "token_endpoint", true),
                endpoint(doc, "jwks_uri", true),
                endpoint(doc, "end_session_endpoint", false));
        metadata = fetched;
        return fetched;
    }

    /** Exchanges an authorization code, proving possession of the PKCE verifier. */
    public Tokens exchangeCode(String code, String codeVerifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", settings.callbackUrl());
        form.put("code_verifier", codeVerifier);
        return tokenRequest(form, "exchanging the authorization code");
    }

    public Tokens refresh(String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return tokenRequest(form, "refreshing the tokens");
    }

    /** A token for the hub's client itself (client-credentials grant), for the Admin REST API. */
    public ServiceToken clientCredentials() {
        String what = "getting a service-account token for client " + settings.clientId();
        JsonNode json = tokenResponse(Map.of("grant_type", "client_credentials"), what);
        return new ServiceToken(json.get("access_token").asText(), Duration.ofSeconds(json.path("expires_in").asLong(60)));
    }

    /**
     * A GET on the realm's Admin REST API ({@code pathAndQuery} below {@code <base>/admin/realms/<realm>},
     * already encoded); the raw answer, whose status the caller interprets.
     */
    public HttpResponse<String> adminGet(String pathAndQuery, ServiceToken token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.adminApi() + pathAndQuery))
                .timeout(settings.httpTimeout())
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + token.accessToken())
                .GET().build();
        return send(request, "reading the Admin REST API");
    }

    /** The realm's current public keys, as the JWKS JSON text. */
    public String fetchJwks() {
        return getJson(metadata().jwksUri(), "the JWKS").toString();
    }

    private Tokens tokenRequest(Map<String, String> form, String what) {
        JsonNode json = tokenResponse(form, what);
        return new Tokens(json.path("id_token").asText(null), json.get("access_token").asText(),
                json.path("refresh_token").asText(null));
    }

    private JsonNode tokenResponse(Map<String, String> form, String what) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        // client_secret_basic: RFC 6749 form-encodes id and secret before joining them.
        String basic = Base64.getEncoder().encodeToString((enc(settings.clientId()) + ":" + enc(settings.clientSecret()))
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(metadata().tokenEndpoint())
                .timeout(settings.httpTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = send(request, what);
        if (response.statusCode() != 200) {
            // Keycloak's error and error_description say what went wrong (invalid_grant, ...) without secrets;
            // a proxy in front of Keycloak may answer a page that is not JSON at all.
            JsonNode error = response.statusCode() >= 500 ? Json.MAPPER.missingNode() : parse(response.body(), what);
            throw new OidcException(what + " failed: Keycloak answered " + response.statusCode() + " "
                    + clean(error.path("error").asText("")) + " " + clean(error.path("error_description").asText("")));
        }
        JsonNode json = parse(response.body(), what);
        if (!json.hasNonNull("access_token")) {
            throw new OidcException(what + " failed: Keycloak's answer has no access_token");
        }
        return json;
    }

    private JsonNode getJson(URI url, String what) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(settings.httpTimeout())
                .header("Accept", "application/json").GET().build();
        HttpResponse<String> response = send(request, "fetching " + what);
        if (response.statusCode() != 200) {
            throw new OidcException("fetching " + what + " from " + url + " failed: HTTP " + response.statusCode());
        }
        return parse(response.body(), what);
    }

    private HttpResponse<String> send(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new OidcException(what + " failed: Keycloak at " + request.uri().getHost() + ":" + request.uri().getPort()
                    + " is not reachable (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OidcException(what + " was interrupted");
        }
    }

    private static JsonNode parse(String body, String what) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new OidcException(what + ": Keycloak's answer is not JSON");
        }
    }

    private static URI endpoint(JsonNode doc, String field, boolean required) {
        String value = doc.path(field).asText("");
        if (value.isEmpty()) {
            if (required) {
                throw new OidcException("the discovery document has no " + field);
            }
            return null;
        }
        return URI.create(value);
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String clean(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 200 ? printable.substring(0, 200) : printable;
    }
}
