package io.meridian.hub.proxy;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.websocket.WsRouting;

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
    private static final int COPY_BUFFER = 64 * 1024;

    private final ProxyGate gate;
    private final ProxySettings settings;
    private final ForwardedHeaders headers;
    private final ProxyReplies replies;
    private final ActivityThrottle activity;
    private final Http1Client http;
    private final ExecutorService webSocketThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient webSockets;

    public ProxyService(ProxyGate gate, ProxySettings settings) {
        this.gate = gate;
        this.settings = settings;
        this.headers = new ForwardedHeaders(settings.hubCookiePrefix());
        this.replies = new ProxyReplies(settings);
        this.activity = new ActivityThrottle(gate, settings.activityInterval(), Clock.systemUTC());
        // One pooled HTTP/1.1 client for every server: keep-alive connections are reused across requests, and each
        // request runs on the caller's virtual thread. The read timeout only ends a server silent for that long.
        this.http = Http1Client.builder()
                .followRedirects(false)
                .sendExpectContinue(false)
                .connectTimeout(settings.connectTimeout())
                .readTimeout(Duration.ofMinutes(10))
                .socketOptions(socket -> socket.tcpNoDelay(true))
                // bodies pass as they are: a gzip response stays gzip, with its own Content-Length
                .contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build())
                .build();
        // the JDK's client for the WebSocket side, which Helidon's HTTP/1.1 client does not speak
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
        Http1ClientRequest upstream = http.method(request.prologue().method())
                .uri(URI.create(stripSlash(allow.upstream().toString()) + path.rawPath() + query(request)))
                // the path is passed on exactly as the caller encoded it
                .skipUriEncoding(true)
                .headers(out -> headers.upstream(request.headers(), allow.serverToken(), request.remotePeer().host(),
                        request.isSecure(), (name, value) -> out.add(HeaderNames.create(name), value)));
        try (Http1ClientResponse answer = send(request, upstream)) {
            relay(request, response, answer, allow.upstream());
        } catch (UncheckedIOException e) {
            if (response.isSent()) {
                // the status line is gone already; all that is left is to end the connection
                LOG.log(Level.DEBUG, "response from " + path.baseUrl() + " broke off: " + e.getCause());
            } else if (e.getCause() instanceof ConnectException || e.getCause() instanceof SocketTimeoutException) {
                LOG.log(Level.DEBUG, "server " + path.baseUrl() + " is not responding: " + e.getCause());
                replies.notResponding(response, ProxyReplies.isBrowser(request, path), path);
            } else {
                LOG.log(Level.INFO, "proxying to " + path.baseUrl() + " failed: " + e.getCause());
                replies.badGateway(response, path, e.getCause().getClass().getSimpleName());
            }
        }
    }

    /** Sends the request, its body streamed (never buffered) when it has one, so large uploads pass in chunks. */
    private static Http1ClientResponse send(ServerRequest request, Http1ClientRequest upstream) {
        if (!request.content().hasEntity()) {
            return upstream.request();
        }
        request.headers().contentLength().ifPresent(length -> upstream.header(HeaderNames.CONTENT_LENGTH, Long.toString(length)));
        return upstream.outputStream(out -> {
            try (InputStream in = request.content().inputStream()) {
                copy(in, out);
            }
            out.close();
        });
    }

    private void relay(ServerRequest request, ServerResponse response, Http1ClientResponse answer, URI upstream) {
        response.status(answer.status());
        String upstreamOrigin = stripSlash(upstream.toString());
        for (Header header : answer.headers()) {
            for (String value : header.allValues()) {
                if (!headers.returned(header.name(), value)) {
                    continue;
                }
                // a server that names its own address in a redirect means a path on the hub
                if (header.headerName().equals(HeaderNames.LOCATION) && value.startsWith(upstreamOrigin)) {
                    value = value.substring(upstreamOrigin.length());
                }
                response.headers().add(header.headerName(), value);
            }
        }
        OptionalLong length = answer.headers().contentLength();
        int status = answer.status().code();
        boolean noBody = request.prologue().method() == Method.HEAD || status == 204 || status == 304
                || (length.isPresent() && length.getAsLong() == 0);
        if (noBody) {
            response.send();
            return;
        }
        length.ifPresent(n -> response.headers().contentLength(n));
        try (InputStream in = answer.inputStream(); OutputStream out = response.outputStream()) {
            copy(in, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    private static String query(ServerRequest request) {
        return request.prologue().hasQuery() ? "?" + request.prologue().query().rawValue() : "";
    }

    private static String stripSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    @Override
    public void close() {
        http.closeResource();
        // close() would wait for every proxied WebSocket to end, which an open JupyterLab tab never does
        webSockets.shutdownNow();
        webSocketThreads.close();
    }
}
