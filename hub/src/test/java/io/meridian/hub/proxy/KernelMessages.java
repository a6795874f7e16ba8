package io.meridian.hub.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A client for Jupyter's kernel channels WebSocket (JSON messages, protocol 5.3), as JupyterLab speaks it. */
public final class KernelMessages implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final String session = UUID.randomUUID().toString();
    private final StringBuilder partial = new StringBuilder();

    private KernelMessages(WebSocket.Builder builder, URI uri) {
        this.socket = builder.buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        received.add(JSON.readTree(partial.toString()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        }).join();
    }

    /** Connects to {@code ws://host/.../api/kernels/{id}/channels} with the given extra headers. */
    public static KernelMessages connect(HttpClient http, URI channels, Map<String, String> headers) {
        WebSocket.Builder builder = http.newWebSocketBuilder();
        headers.forEach(builder::header);
        return new KernelMessages(builder, channels);
    }

    /** Executes code and returns the text/plain result, or fails after {@code limit}. */
    public String execute(String code, Duration limit) throws Exception {
        String msgId = send("execute_request", Map.of("code", code, "silent", false, "store_history", false,
                "user_expressions", Map.of(), "allow_stdin", false, "stop_on_error", true));
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            JsonNode message = received.poll(100, TimeUnit.MILLISECONDS);
            if (message == null || !msgId.equals(message.path("parent_header").path("msg_id").asText())) {
                continue;
            }
            String type = message.path("header").path("msg_type").asText();
            if (type.equals("execute_result")) {
                return message.path("content").path("data").path("text/plain").asText();
            }
            if (type.equals("error")) {
                throw new IllegalStateException("kernel error: " + message.path("content"));
            }
        }
        throw new IllegalStateException("no result for " + code + " within " + limit);
    }

    /** Sends an execute request without waiting for its result. */
    public String send(String type, Map<String, Object> content) throws Exception {
        String msgId = UUID.randomUUID().toString();
        Map<String, Object> header = Map.of("msg_id", msgId, "username", "test", "session", session,
                "msg_type", type, "version", "5.3", "date", Instant.now().toString());
        String text = JSON.writeValueAsString(Map.of("header", header, "parent_header", Map.of(), "metadata", Map.of(),
                "content", content, "channel", "shell", "buffers", new Object[0]));
        socket.sendText(text, true).join();
        return msgId;
    }

    public boolean isClosed() {
        return socket.isInputClosed();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
            } catch (java.util.concurrent.CompletionException closedByTheOtherSide) {
                socket.abort();
            }
        }
    }
}
