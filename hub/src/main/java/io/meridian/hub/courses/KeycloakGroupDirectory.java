package io.meridian.hub.courses;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.auth.oidc.KeycloakClient;
import io.meridian.hub.auth.oidc.KeycloakClient.ServiceToken;
import io.meridian.hub.auth.oidc.OidcException;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Course members from a Keycloak group, read through the realm's Admin REST API as the hub's own
 * client: its service account, which needs the realm-management role {@code view-users} and no
 * more. Lists the group's direct members (or, on request, those of its whole subtree, each person
 * once), people who never logged in to the hub included, and leaves out disabled accounts.
 */
public final class KeycloakGroupDirectory implements GroupDirectory {
    /** Keycloak's own default and largest sensible page of group members. */
    static final int PAGE = 100;
    private static final Duration LONGEST_EARLY_REFRESH = Duration.ofSeconds(30);

    private final KeycloakClient keycloak;
    private final Clock clock;
    private ServiceToken token;
    private Instant renewAt = Instant.MIN;

    public KeycloakGroupDirectory(KeycloakClient keycloak, Clock clock) {
        this.keycloak = keycloak;
        this.clock = clock;
    }

    @Override
    public List<RosterEntry> members(String group, boolean withSubgroups) {
        JsonNode found = read("/group-by-path" + encodedPath(group));
        if (found == null) {
            throw ApiException.notFound("Keycloak has no group " + canonical(group));
        }
        // by username: a person in the group and in one of its subgroups is one student
        Map<String, RosterEntry> members = new LinkedHashMap<>();
        Deque<String> pending = new ArrayDeque<>(List.of(found.path("id").asText()));
        while (!pending.isEmpty()) {
            String id = URLEncoder.encode(pending.removeFirst(), StandardCharsets.UTF_8);
            for (JsonNode user : pages("/groups/" + id + "/members?briefRepresentation=true", group)) {
                if (user.path("enabled").asBoolean(true)) {
                    members.putIfAbsent(user.path("username").asText(), entry(user));
                }
            }
            if (withSubgroups) {
                for (JsonNode child : pages("/groups/" + id + "/children?briefRepresentation=true", group)) {
                    pending.addLast(child.path("id").asText());
                }
            }
        }
        return List.copyOf(members.values());
    }

    /** Every item of a paged Admin REST list ({@code first}/{@code max}). */
    private List<JsonNode> pages(String pathAndQuery, String group) {
        List<JsonNode> all = new ArrayList<>();
        for (int first = 0; ; first += PAGE) {
            JsonNode page = read(pathAndQuery + "&first=" + first + "&max=" + PAGE);
            if (page == null) {
                throw ApiException.notFound("Keycloak group " + canonical(group) + " was changed while its members were read");
            }
            page.forEach(all::add);
            if (page.size() < PAGE) {
                return all;
            }
        }
    }

    private static RosterEntry entry(JsonNode user) {
        String name = (user.path("firstName").asText("") + " " + user.path("lastName").asText("")).trim();
        return new RosterEntry(user.path("username").asText(), user.path("email").asText(""), name);
    }

    /** The JSON answer to a GET, or null for a 404; every other failure is a 502 that says what to fix. */
    private JsonNode read(String pathAndQuery) {
        try {
            HttpResponse<String> response = keycloak.adminGet(pathAndQuery, token(false));
            if (response.statusCode() == 401) {
                // Keycloak may have dropped the token early (restart, key rotation, revoked session): once more, fresh.
                response = keycloak.adminGet(pathAndQuery, token(true));
            }
            return switch (response.statusCode()) {
                case 200 -> Json.MAPPER.readTree(response.body());
                case 404 -> null;
                case 401, 403 -> throw ApiException.badGateway("Keycloak refused the service account of client "
                        + keycloak.settings().clientId() + " (HTTP " + response.statusCode() + "): it needs the "
                        + "realm-management role view-users (Clients -> " + keycloak.settings().clientId()
                        + " -> Service accounts roles)");
                default -> throw ApiException.badGateway("Keycloak's Admin REST API answered HTTP " + response.statusCode()
                        + " when reading groups; try again later or check Keycloak's log");
            };
        } catch (OidcException e) {
            throw ApiException.badGateway("cannot read Keycloak groups: " + e.getMessage());
        } catch (IOException e) {
            throw ApiException.badGateway("cannot read Keycloak groups: the Admin REST API's answer is not JSON");
        }
    }

    /** The service-account token, fetched again shortly before it expires (or when {@code renew}). */
    private synchronized ServiceToken token(boolean renew) {
        Instant now = clock.instant();
        if (token == null || renew || !now.isBefore(renewAt)) {
            token = keycloak.clientCredentials();
            Duration early = token.lifetime().dividedBy(2).compareTo(LONGEST_EARLY_REFRESH) < 0
                    ? token.lifetime().dividedBy(2) : LONGEST_EARLY_REFRESH;
            renewAt = now.plus(token.lifetime()).minus(early);
        }
        return token;
    }

    /** {@code ml-101} and {@code /courses/ml-101/} both name groups by path: {@code /ml-101}, {@code /courses/ml-101}. */
    private static String canonical(String group) {
        if (group == null || group.isBlank()) {
            throw ApiException.badRequest("a Keycloak group name or path is required, e.g. /courses/ml-101");
        }
        String trimmed = group.strip();
        String path = (trimmed.startsWith("/") ? "" : "/") + trimmed;
        path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (path.isEmpty() || path.contains("//")) {
            throw ApiException.badRequest("invalid Keycloak group path " + Json.MAPPER.valueToTree(group)
                    + ": use names separated by single slashes, e.g. /courses/ml-101");
        }
        return path;
    }

    private static String encodedPath(String group) {
        return Arrays.stream(canonical(group).substring(1).split("/"))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/", "/", ""));
    }
}
