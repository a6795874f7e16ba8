package io.meridian.hub.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.websocket.WsRouting;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The hub's reverse proxy for {@code /user/{user}/{server}/**}: asks the {@link ProxyGate} who may pass, then
 * streams the request to the user's Jupyter server with the server token and streams the answer back.
 * WebSocket upgrades on the same paths go through {@link #webSocketRouting()}.
 *
 * <p>Wiring: {@code routing.register("/user", proxy)} and {@code serverBuilder.addRouting(proxy.webSocketRouting())}.
 */
public final class ProxyService implements HttpService, AutoCloseable {
    private static final Logger LOG = System.getLogger(ProxyService.class.getName());
    private static final int COPY_BUFFER = 64 * 1024;

    private final ProxyGate gate;
    private final ProxySettings settings;
    private final ForwardedHeaders headers;
    private final ProxyReplies replies;
    private final ActivityThrottle activity;
    private final ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;

    public ProxyService(ProxyGate gate, ProxySettings settings) {
        this.gate = gate;
        this.settings = settings;
        this.headers = new ForwardedHeaders(settings.hubCookiePrefix());
        this.replies = new ProxyReplies(settings);
        this.activity = new ActivityThrottle(gate, settings.activityInterval(), Clock.systemUTC());
        // one pooled HTTP/1.1 client for every server: keep-alive connections are reused across requests
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout())
                .executor(clientThreads)
                .build();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::forward);
    }

    /** The WebSocket side of the proxy (kernel channels, terminals, event streams). */
    public WsRouting.Builder webSocketRouting() {
        return WsRouting.builder()
                .endpoint(ProxyPath.PREFIX + "*",
                        () -> new WebSocketBridge(gate, headers, activity, http, settings.connectTimeout()));
    }

    private void forward(ServerRequest request, ServerResponse response) {
        String rawPath = request.prologue().uriPath().rawPath();
        ProxyPath path = ProxyPath.parse(rawPath, gate::hasNamedServer).orElse(null);
        if (path == null) {
            replies.json(response, Status.NOT_FOUND_404, "No user in the path " + rawPath, Map.of());
            return;
        }
        boolean browser = ProxyReplies.isBrowser(request, path);
        switch (gate.decide(request, path.user(), path.server())) {
            case ProxyGate.Decision.Allow allow -> {
                if (path.missingTrailingSlash()) {
                    response.status(Status.FOUND_302).header(HeaderNames.LOCATION, path.baseUrl() + query(request)).send();
                } else {
                    activity.touch(path.user(), path.server());
                    proxy(request, response, path, allow);
                }
            }
            case ProxyGate.Decision.NotRunning notRunning -> replies.notRunning(response, browser, path);
            case ProxyGate.Decision.LoginRequired loginRequired -> replies.loginRequired(request, response);
            case ProxyGate.Decision.Unauthorized unauthorized -> replies.unauthorized(response, unauthorized.message());
            case ProxyGate.Decision.Forbidden forbidden -> replies.forbidden(response, browser, forbidden.message());
        }
    }

    private void proxy(ServerRequest request, ServerResponse response, ProxyPath path, ProxyGate.Decision.Allow allow) {
        URI target = URI.create(stripSlash(allow.upstream().toString()) + path.rawPath() + query(request));
        HttpRequest.Builder upstream = HttpRequest.newBuilder(target)
                .method(request.prologue().method().text(), body(request));
        headers.upstream(request.headers(), allow.serverToken(), request.remotePeer().host(), request.isSecure(),
                upstream::header);

        HttpResponse<InputStream> answer;
        try {
            answer = http.send(upstream.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException | HttpConnectTimeoutException | ClosedChannelException e) {
            LOG.log(Level.DEBUG, "server " + path.baseUrl() + " is not responding: " + e);
            replies.notResponding(response, ProxyReplies.isBrowser(request, path), path);
            return;
        } catch (IOException e) {
            LOG.log(Level.INFO, "proxying to " + path.baseUrl() + " failed: " + e);
            replies.badGateway(response, path, e.getClass().getSimpleName());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            replies.notResponding(response, false, path);
            return;
        }
        relay(request, response, answer, allow.upstream());
    }

    private void relay(ServerRequest request, ServerResponse response, HttpResponse<InputStream> answer, URI upstream) {
        response.status(Status.create(answer.statusCode()));
        String upstreamOrigin = stripSlash(upstream.toString());
        answer.headers().map().forEach((name, values) -> {
            for (String value : values) {
                if (!headers.returned(name, value)) {
                    continue;
                }
                // a server that names its own address in a redirect means a path on the hub
                if (name.equalsIgnoreCase("location") && value.startsWith(upstreamOrigin)) {
                    value = value.substring(upstreamOrigin.length());
                }
                response.headers().add(HeaderNames.create(name), value);
            }
        });
        OptionalLong length = answer.headers().firstValueAsLong("content-length");
        boolean noBody = request.prologue().method() == Method.HEAD || answer.statusCode() == 204
                || answer.statusCode() == 304 || (length.isPresent() && length.getAsLong() == 0);
        try (InputStream in = answer.body()) {
            if (noBody) {
                response.send();
                return;
            }
            length.ifPresent(n -> response.headers().contentLength(n));
            try (OutputStream out = response.outputStream()) {
                copy(in, out);
            }
        } catch (IOException e) {
            // the status line is gone already; all that is left is to end the connection
            LOG.log(Level.DEBUG, "response from " + upstreamOrigin + " broke off: " + e);
        }
    }

    /** Copies as it arrives: flushes whenever the server pauses, so event streams and long polls are not held back. */
    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            out.write(buffer, 0, read);
            if (in.available() == 0) {
                out.flush();
            }
        }
    }

    private static HttpRequest.BodyPublisher body(ServerRequest request) {
        if (!request.content().hasEntity()) {
            return HttpRequest.BodyPublishers.noBody();
        }
        // streamed, never buffered: large uploads pass through in chunks
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> request.content().inputStream());
        OptionalLong length = request.headers().contentLength();
        return length.isPresent() ? HttpRequest.BodyPublishers.fromPublisher(stream, length.getAsLong()) : stream;
    }

    private static String query(ServerRequest request) {
        return request.prologue().hasQuery() ? "?" + request.prologue().query().rawValue() : "";
    }

    private static String stripSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    @Override
    public void close() {
        http.close();
        clientThreads.close();
    }
}
