package io.meridian.hub.deployments;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.web.ApiException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code /deployments/{id}/**}: the deployment's DEEPaaS API, for its owner only. The caller's hub
 * credential stays here (never forwarded); a {@code DeepaasClient} with a base of
 * {@code <hub>/deployments/{id}/} and the user's token as bearer speaks to it unchanged.
 */
public final class DeploymentProxy implements HttpService {
    private static final Set<String> NOT_FORWARDED = Set.of("authorization", "cookie", "host", "connection",
            "content-length", "transfer-encoding", "upgrade", "expect", "keep-alive", "te", "trailer",
            "proxy-authorization", "http2-settings", "x-xsrftoken");

    private final Function<ServerRequest, Caller> callers;
    private final Deployments deployments;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();

    public DeploymentProxy(Function<ServerRequest, Caller> callers, Deployments deployments) {
        this.callers = callers;
        this.deployments = deployments;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::forward);
    }

    private void forward(ServerRequest req, ServerResponse res) {
        String raw = req.prologue().uriPath().rawPath();
        String rest = raw.startsWith("/deployments/") ? raw.substring("/deployments/".length()) : "";
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        if (id.isEmpty()) {
            throw ApiException.notFound("no deployment in the path " + raw);
        }
        Deployment d = deployments.get(DeploymentsApi.owner(callers.apply(req)), id);
        if (slash < 0) {
            res.status(Status.FOUND_302).header(HeaderNames.LOCATION, "/deployments/" + id + "/").send();
            return;
        }
        if (!d.running() || d.upstream() == null) {
            throw new ApiException(503, "deployment " + id + " is " + d.state()
                    + (d.message() == null ? "" : ": " + d.message()));
        }
        String query = req.prologue().query().rawValue();
        URI target = URI.create(d.upstream() + rest.substring(slash + 1) + (query.isEmpty() ? "" : "?" + query));
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpRequest.Builder out = HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(10))
                .method(req.prologue().method().text(), body.length == 0
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        req.headers().forEach(h -> {
            if (!NOT_FORWARDED.contains(h.name().toLowerCase(Locale.ROOT))) {
                h.allValues().forEach(v -> out.header(h.name(), v));
            }
        });
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            // the container may have died just now: let the watcher's verdict explain it
            Deployment now = deployments.refresh(d);
            throw new ApiException(502, "deployment " + id + " did not answer (" + e.getClass().getSimpleName() + ")"
                    + (now.running() ? "" : ": " + now.message()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted");
        }
        res.status(Status.create(answer.statusCode()));
        answer.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(lower) && !lower.equals(":status") && !lower.equals("date")) {
                res.header(HeaderNames.create(name), values.toArray(String[]::new));
            }
        });
        res.send(answer.body());
    }
}
