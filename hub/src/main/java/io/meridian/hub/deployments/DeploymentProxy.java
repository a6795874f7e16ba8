package io.meridian.hub.deployments;

import io.helidon.common.buffers.DataReader;
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
import io.meridian.hub.auth.Caller;
import io.meridian.hub.proxy.BodyRelay;
import io.meridian.hub.web.ApiException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code /deployments/{id}/**}: the deployment's DEEPaaS API, for its owner only. The caller's hub
 * credential stays here (never forwarded); a {@code DeepaasClient} with a base of
 * {@code <hub>/deployments/{id}/} and the user's token as bearer speaks to it unchanged. Bodies stream
 * through in both directions, so a large upload or download costs the hub a copy buffer, not its size.
 */
public final class DeploymentProxy implements HttpService, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DeploymentProxy.class.getName());
    /** Hop-by-hop headers, the ones the client computes itself, and the caller's hub credentials. */
    private static final Set<String> NOT_FORWARDED = Set.of("authorization", "cookie", "host", "connection",
            "content-length", "transfer-encoding", "upgrade", "expect", "keep-alive", "te", "trailer",
            "proxy-authorization", "proxy-connection", "http2-settings", "x-xsrftoken");
    /** Headers of the answer that the hub's own server sets, or that must not travel back: a deployment shares
     *  the hub's origin, so a cookie it set could shadow the hub's session cookie. */
    private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "content-length", "date", "server", "set-cookie");

    private final Function<ServerRequest, Caller> callers;
    private final Deployments deployments;
    private final Http1Client http;

    public DeploymentProxy(Function<ServerRequest, Caller> callers, Deployments deployments) {
        this.callers = callers;
        this.deployments = deployments;
        // One pooled HTTP/1.1 client for every deployment, set up as the server proxy's: keep-alive connections
        // are reused, and TCP_NODELAY keeps a request written in parts from waiting on the container's delayed ACK.
        this.http = Http1Client.builder()
                .followRedirects(false)
                .sendExpectContinue(false)
                .connectTimeout(Duration.ofSeconds(5))
                // a predict may compute for minutes; only a deployment silent for this long is given up
                .readTimeout(Duration.ofMinutes(10))
                .socketOptions(socket -> socket.tcpNoDelay(true))
                // bodies pass as they are: a gzip answer stays gzip, with its own Content-Length
                .contentEncoding(ContentEncodingContext.builder().contentEncodingsDiscoverServices(false).build())
                .build();
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
        Http1ClientRequest upstream = http.method(req.prologue().method())
                // path and query pass exactly as the caller encoded them: given as text, not as a java.net.URI,
                // which the client re-reads as parameters ("a=1&a=2" became "a=1,2", "flag" became "flag=")
                .skipUriEncoding(true)
                .uri(d.upstream() + rest.substring(slash + 1) + (query.isEmpty() ? "" : "?" + query))
                .headers(out -> req.headers().forEach(h -> {
                    if (!NOT_FORWARDED.contains(h.name().toLowerCase(Locale.ROOT))) {
                        h.allValues().forEach(v -> out.add(HeaderNames.create(h.name()), v));
                    }
                }));
        try (Http1ClientResponse answer = send(req, upstream)) {
            relay(req, res, answer, d);
        } catch (UncheckedIOException | DataReader.InsufficientDataAvailableException e) {
            // the second: the connection closed before a whole answer came (a runtime killed mid-request)
            Throwable cause = e instanceof UncheckedIOException io ? io.getCause() : e;
            if (res.isSent()) {
                // the status line is gone already; all that is left is to end the connection
                LOG.log(System.Logger.Level.DEBUG, "answer of deployment " + id + " broke off: " + cause);
                return;
            }
            // the container may have died just now: let the watcher's verdict explain it
            Deployment now = deployments.refresh(d);
            throw new ApiException(502, "deployment " + id + " did not answer (" + cause.getClass().getSimpleName()
                    + ")" + (now.running() ? "" : ": " + now.message()));
        }
    }

    /** Sends the request, its body streamed in chunks (never held whole) when it has one. */
    private static Http1ClientResponse send(ServerRequest req, Http1ClientRequest upstream) {
        if (!req.content().hasEntity()) {
            return upstream.request();
        }
        req.headers().contentLength().ifPresent(n -> upstream.header(HeaderNames.CONTENT_LENGTH, Long.toString(n)));
        return upstream.outputStream(out -> {
            try (InputStream in = req.content().inputStream()) {
                BodyRelay.copy(in, out);
            }
            out.close();
        });
    }

    private static void relay(ServerRequest req, ServerResponse res, Http1ClientResponse answer, Deployment d) {
        res.status(answer.status());
        for (Header header : answer.headers()) {
            if (NOT_RETURNED.contains(header.name().toLowerCase(Locale.ROOT))) {
                continue;
            }
            for (String value : header.allValues()) {
                // a redirect to the container's own address means a path behind the hub
                if (header.headerName().equals(HeaderNames.LOCATION) && value.startsWith(d.upstream())) {
                    value = d.endpoints().get("deepaas") + value.substring(d.upstream().length());
                }
                res.headers().add(header.headerName(), value);
            }
        }
        OptionalLong length = answer.headers().contentLength();
        int status = answer.status().code();
        if (req.prologue().method() == Method.HEAD || status == 204 || status == 304
                || (length.isPresent() && length.getAsLong() == 0)) {
            res.send();
            return;
        }
        length.ifPresent(n -> res.headers().contentLength(n));
        try (InputStream in = answer.inputStream(); OutputStream out = res.outputStream()) {
            BodyRelay.copy(in, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    @Override
    public void close() {
        http.closeResource();
    }
}
