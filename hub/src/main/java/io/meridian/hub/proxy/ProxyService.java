package io.meridian.hub.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.websocket.WsRouting;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The hub's reverse proxy for {@code /user/{user}/{server}/**}: asks the {@link ProxyGate} who may pass, then
 * streams the request to the user's Jupyter server with the server token and streams the answer back.
 * WebSocket upgrades on the same paths go through {@link #webSocketRouting()}.
 *
 * <p>Wiring: {@code routing.register("/user", proxy)} and {@code serverBuilder.addRouting(proxy.webSocketRouting())}.
 */
public final class ProxyService implements HttpService, AutoCloseable {
    private static final Logger LOG = System.getLogger(ProxyService.class.getName());

    private final ProxyGate gate;
    private final ProxySettings settings;
    private final ForwardedHeaders headers;
    private final ProxyReplies replies;
    private final ActivityThrottle activity;
    private final UpstreamPool upstreams;
    private final ExecutorService webSocketThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient webSockets;

    public ProxyService(ProxyGate gate, ProxySettings settings) {
        this.gate = gate;
        this.settings = settings;
        this.headers = new ForwardedHeaders(settings.hubCookiePrefix());
        this.replies = new ProxyReplies(settings);
        this.activity = new ActivityThrottle(gate, settings.activityInterval(), Clock.systemUTC());
        // keep-alive connections shared by every request to a server; the read timeout only ends a server silent
        // for that long
        this.upstreams = new UpstreamPool(settings.connectTimeout(), Duration.ofMinutes(10));
        // the JDK's client for the WebSocket side, which the upstream pool does not speak
        this.webSockets = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .executor(webSocketThreads)
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
                        () -> new WebSocketBridge(gate, headers, activity, webSockets, settings.connectTimeout()));
    }

    private void forward(ServerRequest request, ServerResponse response) {
        String rawPath = request.prologue().uriPath().rawPath();
        ProxyPath path = ProxyPath.parse(rawPath, gate::hasNamedServer).orElse(null);
        if (path == null) {
            replies.json(response, Status.NOT_FOUND_404, "No user in the path " + rawPath, Map.of());
            return;
        }
        switch (gate.decide(request, path.user(), path.server())) {
            case ProxyGate.Decision.Allow allow -> {
                if (path.missingTrailingSlash()) {
                    response.status(Status.FOUND_302).header(HeaderNames.LOCATION, path.baseUrl() + query(request)).send();
                } else {
                    activity.touch(path.user(), path.server());
                    proxy(request, response, path, allow);
                }
            }
            case ProxyGate.Decision.NotRunning notRunning ->
                    replies.notRunning(response, ProxyReplies.isBrowser(request, path), path);
            case ProxyGate.Decision.LoginRequired loginRequired -> replies.loginRequired(request, response);
            case ProxyGate.Decision.Unauthorized unauthorized -> replies.unauthorized(response, unauthorized.message());
            case ProxyGate.Decision.Forbidden forbidden ->
                    replies.forbidden(response, ProxyReplies.isBrowser(request, path), forbidden.message());
        }
    }

    private void proxy(ServerRequest request, ServerResponse response, ProxyPath path, ProxyGate.Decision.Allow allow) {
        List<UpstreamConnection.Field> forwarded = new ArrayList<>(16);
        headers.upstream(request.headers(), allow.serverToken(), request.remotePeer().host(), request.isSecure(),
                (name, value) -> forwarded.add(new UpstreamConnection.Field(name, value)));
        URI server = allow.upstream();
        String method = request.prologue().method().text();
        // the path is passed on exactly as the caller encoded it
        UpstreamConnection.Request upstream = new UpstreamConnection.Request(method, path.rawPath() + query(request),
                server.getHost() + ":" + (server.getPort() < 0 ? 80 : server.getPort()), forwarded, bodyLength(request));
        try (UpstreamResponse answer = upstreams.send(server, upstream, out -> copyBody(request, out))) {
            relay(response, answer, server);
        } catch (IOException | UncheckedIOException e) {
            Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
            if (response.isSent()) {
                // the status line is gone already; all that is left is to end the connection
                LOG.log(Level.DEBUG, "response from " + path.baseUrl() + " broke off: " + cause);
            } else if (cause instanceof ConnectException || cause instanceof SocketTimeoutException) {
                LOG.log(Level.DEBUG, "server " + path.baseUrl() + " is not responding: " + cause);
                replies.notResponding(response, ProxyReplies.isBrowser(request, path), path);
            } else {
                LOG.log(Level.INFO, "proxying to " + path.baseUrl() + " failed: " + cause);
                replies.badGateway(response, path, cause.getClass().getSimpleName());
            }
        }
    }

    /**
     * The length of the body to send upstream: the caller's, -1 for one of unknown length (sent chunked, never
     * buffered, so large uploads pass as they arrive), 0 for a POST, PUT or PATCH without one, none otherwise.
     */
    private static OptionalLong bodyLength(ServerRequest request) {
        if (request.content().hasEntity()) {
            return OptionalLong.of(request.headers().contentLength().orElse(-1));
        }
        Method method = request.prologue().method();
        return method == Method.POST || method == Method.PUT || method == Method.PATCH ? OptionalLong.of(0)
                : OptionalLong.empty();
    }

    private static void copyBody(ServerRequest request, OutputStream out) throws IOException {
        if (request.content().hasEntity()) {
            try (InputStream in = request.content().inputStream()) {
                BodyRelay.copy(in, out);
            }
        }
    }

    private void relay(ServerResponse response, UpstreamResponse answer, URI upstream) throws IOException {
        response.status(Status.create(answer.status()));
        String upstreamOrigin = stripSlash(upstream.toString());
        for (UpstreamConnection.Field header : answer.headers()) {
            String value = header.value();
            if (!headers.returned(header.name(), value)) {
                continue;
            }
            // a server that names its own address in a redirect means a path on the hub
            if (header.name().equalsIgnoreCase("Location") && value.startsWith(upstreamOrigin)) {
                value = value.substring(upstreamOrigin.length());
            }
            response.headers().add(HeaderNames.create(header.name()), value);
        }
        OptionalLong length = answer.length();
        if (length.isPresent() && length.getAsLong() == 0) {
            response.send();
        } else if (length.isPresent() && length.getAsLong() <= BodyRelay.BUFFER) {
            // a small answer (most API calls) goes back in one write, and its connection is free before that write
            byte[] body = answer.body().readNBytes((int) length.getAsLong());
            if (body.length < length.getAsLong()) {
                throw new EOFException("the server closed the connection inside a response body");
            }
            response.send(body);
        } else {
            length.ifPresent(n -> response.headers().contentLength(n));
            try (InputStream in = answer.body(); OutputStream out = response.outputStream()) {
                BodyRelay.copy(in, out);
            }
        }
    }


    private static String query(ServerRequest request) {
        return request.prologue().hasQuery() ? "?" + request.prologue().query().rawValue() : "";
    }

    private static String stripSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    @Override
    public void close() {
        upstreams.close();
        // close() would wait for every proxied WebSocket to end, which an open JupyterLab tab never does
        webSockets.shutdownNow();
        webSocketThreads.close();
    }
}
