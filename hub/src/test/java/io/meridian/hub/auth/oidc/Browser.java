package io.meridian.hub.auth.oidc;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a browser does in a login: keeps cookies per host, follows redirects one by one (so the
 * tests can look at each hop), and fills in HTML forms found by parsing the page. Cookies are kept
 * by host and name: java.net.CookieManager drops Keycloak's login cookies on http://localhost,
 * which browsers keep.
 */
final class Browser {
    private final Map<String, Map<String, String>> cookies = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    /** Every response of one navigation, the last one being the page it ended on. */
    record Navigation(List<HttpResponse<String>> hops) {
        HttpResponse<String> last() {
            return hops.getLast();
        }

        Document page() {
            return Jsoup.parse(last().body(), last().uri().toString());
        }

        /** The hops and the final page's text, for assertion messages. */
        String describe() {
            return hops.stream().map(h -> h.statusCode() + " " + h.uri()).collect(Collectors.joining("\n"))
                    + "\n" + page().text();
        }

        boolean visited(String urlPrefix) {
            return hops.stream().anyMatch(h -> h.uri().toString().startsWith(urlPrefix));
        }
    }

    HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /** A GET with only the given Cookie header (a cookie copied out of another browser). */
    HttpResponse<String> getWithCookie(String url, String cookie) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).GET());
    }

    HttpResponse<String> postForm(String url, String body) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** GET, then follow redirects (at most 10). */
    Navigation open(String url) {
        return follow(get(url));
    }

    /** Submits the form matching {@code selector} on the page with these fields set, following redirects. */
    Navigation submit(Document page, String selector, Map<String, String> fields) {
        Element form = page.selectFirst(selector);
        if (form == null) {
            throw new AssertionError("no form " + selector + " on " + page.location() + ":\n" + page.text());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Element input : form.select("input[name]")) {
            values.put(input.attr("name"), input.attr("value"));
        }
        values.putAll(fields);
        String body = values.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        String action = form.absUrl("action");
        return follow(send(HttpRequest.newBuilder(URI.create(action))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))));
    }

    /** Logs in at the hub through Keycloak's own login form. */
    Navigation logIn(String hubUrl, String user, String password) {
        Navigation toKeycloak = open(hubUrl + "/hub/oauth_login?next=/hub/home");
        if (toKeycloak.last().statusCode() != 200 || toKeycloak.page().selectFirst("form#kc-form-login") == null) {
            // Keycloak remembered the user (SSO session): the login ended already.
            return toKeycloak;
        }
        return submit(toKeycloak.page(), "form#kc-form-login", Map.of("username", user, "password", password));
    }

    /** The value of a cookie the browser would send to {@code url}. */
    Optional<String> cookie(String url, String name) {
        return Optional.ofNullable(cookies.getOrDefault(hostOf(URI.create(url)), Map.of()).get(name));
    }

    private Navigation follow(HttpResponse<String> first) {
        List<HttpResponse<String>> hops = new ArrayList<>(List.of(first));
        HttpResponse<String> current = first;
        for (int i = 0; i < 10 && current.statusCode() / 100 == 3; i++) {
            String location = current.headers().firstValue("Location").orElseThrow();
            current = get(current.uri().resolve(location).toString());
            hops.add(current);
        }
        return new Navigation(hops);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
        String host = hostOf(built.uri());
        Map<String, String> jar = cookies.computeIfAbsent(host, h -> new LinkedHashMap<>());
        if (!jar.isEmpty() && built.headers().firstValue("Cookie").isEmpty()) {
            built = HttpRequest.newBuilder(built, (n, v) -> true)
                    .header("Cookie", jar.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("; "))).build();
        }
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            for (String header : response.headers().allValues("Set-Cookie")) {
                for (HttpCookie c : HttpCookie.parse(header)) {
                    if (c.getMaxAge() == 0 || c.getValue().isEmpty()) {
                        jar.remove(c.getName());
                    } else {
                        jar.put(c.getName(), c.getValue());
                    }
                }
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String hostOf(URI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
