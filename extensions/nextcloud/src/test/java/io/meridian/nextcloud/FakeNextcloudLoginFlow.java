package io.meridian.nextcloud;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Nextcloud's Login Flow v2 endpoints as its developer manual specifies them, because no Nextcloud can run
 * here. After {@link #approve} the next poll with the right token answers the credentials, once.
 */
public final class FakeNextcloudLoginFlow implements AutoCloseable {
    private static final String TOKEN = "poll-token-0123456789";
    private final HttpServer server;
    private final AtomicReference<String> granted = new AtomicReference<>();

    public FakeNextcloudLoginFlow() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/index.php/login/v2", this::start);
        server.createContext("/login/v2/poll", this::poll);
        server.start();
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The user approves in the browser: the next poll gets these credentials for {@code davServer}. */
    public void approve(String davServer, String login, String appPassword) {
        granted.set("{\"server\":\"" + davServer + "\",\"loginName\":\"" + login + "\",\"appPassword\":\"" + appPassword + "\"}");
    }

    private void start(HttpExchange x) throws IOException {
        if (!x.getRequestMethod().equals("POST")) {
            send(x, 405, "");
            return;
        }
        send(x, 200, "{\"poll\":{\"token\":\"" + TOKEN + "\",\"endpoint\":\"" + base() + "/login/v2/poll\"},"
                + "\"login\":\"" + base() + "/login/v2/flow/abc123\"}");
    }

    private void poll(HttpExchange x) throws IOException {
        String form = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String answer = form.equals("token=" + TOKEN) ? granted.getAndSet(null) : null;
        send(x, answer == null ? 404 : 200, answer == null ? "" : answer);
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            x.getResponseBody().write(bytes);
        }
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
