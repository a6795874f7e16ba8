package io.meridian.hub.proxy;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One proxied WebSocket: the browser's side is this Helidon listener, the server's side a JDK WebSocket.
 * Frames are relayed as they come, text and binary, in both directions; a close on either side closes the other.
 * The upstream side only asks for its next frame after the previous one was written to the browser, so a slow
 * browser slows the server down instead of filling the hub's memory.
 *
 * <p>Upgrades the gate does not allow, cross-site ones and ones the server refuses are declined here, before
 * anything is relayed; Helidon answers a declined upgrade with 400 (a browser's WebSocket API shows no status).
 */
final class WebSocketBridge implements WsListener {
    private static final Logger LOG = System.getLogger(WebSocketBridge.class.getName());

    private final ProxyGate gate;
    private final ForwardedHeaders forwarded;
    private final ActivityThrottle activity;
    private final HttpClient http;
    private final Duration connectTimeout;

    // set during the upgrade, then read by Helidon's connection thread and the upstream client's threads
    private volatile ProxyPath path;
    private volatile WebSocket upstream;
    private volatile WsSession browser;

    WebSocketBridge(ProxyGate gate, ForwardedHeaders forwarded, ActivityThrottle activity, HttpClient http,
                    Duration connectTimeout) {
        this.gate = gate;
        this.forwarded = forwarded;
        this.activity = activity;
        this.http = http;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        path = ProxyPath.parse(prologue.uriPath().rawPath(), gate::hasNamedServer)
                .orElseThrow(() -> new WsUpgradeException("no user in the path"));
        if (!ForwardedHeaders.sameOrigin(headers)) {
            throw new WsUpgradeException("cross-origin WebSocket refused");
        }
        if (!(gate.decideUpgrade(prologue, headers, path.user(), path.server())
                instanceof ProxyGate.Decision.Allow allow)) {
            throw new WsUpgradeException("not allowed");
        }
        URI target = URI.create("ws://" + allow.upstream().getAuthority() + path.rawPath()
                + (prologue.hasQuery() ? "?" + prologue.query().rawValue() : ""));
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(connectTimeout);
        forwarded.upstream(headers, allow.serverToken(), "127.0.0.1", false, builder::header);
        List<String> protocols = requestedProtocols(headers);
        if (!protocols.isEmpty()) {
            builder.subprotocols(protocols.getFirst(), protocols.subList(1, protocols.size()).toArray(String[]::new));
        }
        try {
            upstream = builder.buildAsync(target, new FromServer()).get(connectTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.DEBUG, "server refused the WebSocket " + path.rawPath() + ": " + e.getCause());
            throw new WsUpgradeException("the server refused the WebSocket");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WsUpgradeException("interrupted");
        }
        activity.touch(path.user(), path.server());
        String chosen = upstream.getSubprotocol();
        if (chosen == null || chosen.isEmpty()) {
            return Optional.empty();
        }
        WritableHeaders<?> reply = WritableHeaders.create();
        reply.set(HeaderNames.create("Sec-WebSocket-Protocol"), chosen);
        return Optional.of(reply);
    }

    @Override
    public void onOpen(WsSession session) {
        browser = session;
        // the server's frames flow once there is somewhere to put them
        upstream.request(1);
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        upstream.sendText(text, last).toCompletableFuture().join();
        activity.touch(path.user(), path.server());
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        byte[] bytes = new byte[buffer.available()];
        buffer.read(bytes);
        upstream.sendBinary(ByteBuffer.wrap(bytes), last).toCompletableFuture().join();
        activity.touch(path.user(), path.server());
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        if (!upstream.isOutputClosed()) {
            upstream.sendClose(sendableCode(status), reason == null ? "" : reason);
        }
    }

    @Override
    public void onError(WsSession session, Throwable error) {
        LOG.log(Level.DEBUG, "browser side of " + path.rawPath() + " failed: " + error);
        upstream.abort();
    }

    /** The server's side: everything it sends goes to the browser. */
    private final class FromServer implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            // no request(1) yet: the browser session does not exist until Helidon completes the upgrade
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            browser.send(data.toString(), last);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            browser.send(BufferData.create(bytes), last);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            try {
                browser.close(sendableCode(statusCode), reason);
            } catch (RuntimeException alreadyClosed) {
                // the browser closed first and this is the server's answer to it
                LOG.log(Level.TRACE, "browser side of " + path.rawPath() + " already closed");
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            LOG.log(Level.DEBUG, "server side of " + path.rawPath() + " failed: " + error);
            WsSession session = browser;
            if (session != null) {
                session.close(WsCloseCodes.UNEXPECTED_CONDITION, "the server connection failed");
            }
        }
    }

    private static List<String> requestedProtocols(Headers headers) {
        List<String> protocols = new ArrayList<>();
        for (String value : headers.values(HeaderNames.create("Sec-WebSocket-Protocol"))) {
            for (String protocol : value.split(",")) {
                if (!protocol.isBlank()) {
                    protocols.add(protocol.strip());
                }
            }
        }
        return protocols;
    }

    /** Codes a close frame may carry (RFC 6455 7.4): 1005, 1006 and 1015 only describe what happened locally. */
    private static int sendableCode(int status) {
        boolean reserved = status == 1004 || status == 1005 || status == 1006 || status == 1015;
        return status < 1000 || status > 4999 || reserved ? WsCloseCodes.NORMAL_CLOSE : status;
    }
}
