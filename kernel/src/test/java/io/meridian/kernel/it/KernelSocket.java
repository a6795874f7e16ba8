package io.meridian.kernel.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Jupyter client over the server's {@code /api/kernels/{id}/channels} WebSocket: JSON messages that carry
 * their channel name, as JupyterLab sends them.
 */
final class KernelSocket implements AutoCloseable {

    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final String session = UUID.randomUUID().toString();
    private WebSocket socket;

    private KernelSocket() {
    }

    static KernelSocket open(HttpClient http, URI uri, String token) throws IOException, InterruptedException {
        KernelSocket kernel = new KernelSocket();
        try {
            kernel.socket = http.newWebSocketBuilder()
                    .header("Authorization", "token " + token)
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(uri, kernel.new Listener())
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot open " + uri + ": " + e.getMessage(), e);
        }
        return kernel;
    }

    /** Sends a request on {@code channel} and returns its msg_id. */
    String send(String channel, String msgType, ObjectNode content, String parentMsgId) {
        String msgId = UUID.randomUUID().toString();
        ObjectNode message = JupyterServer.JSON.createObjectNode();
        message.putObject("header")
                .put("msg_id", msgId).put("msg_type", msgType).put("session", session)
                .put("username", "it").put("date", Instant.now().toString()).put("version", "5.3");
        ObjectNode parent = message.putObject("parent_header");
        if (parentMsgId != null) {
            parent.put("msg_id", parentMsgId);
        }
        message.putObject("metadata");
        message.set("content", content);
        message.put("channel", channel);
        message.putArray("buffers");
        socket.sendText(message.toString(), true).join();
        return msgId;
    }

    String execute(String code, boolean allowStdin) {
        ObjectNode content = JupyterServer.JSON.createObjectNode()
                .put("code", code).put("silent", false).put("store_history", true)
                .put("allow_stdin", allowStdin).put("stop_on_error", true);
        content.putObject("user_expressions");
        return send("shell", "execute_request", content, null);
    }

    void answerInput(String value, String inputRequestMsgId) {
        send("stdin", "input_reply", JupyterServer.JSON.createObjectNode().put("value", value), inputRequestMsgId);
    }

    /** Waits for the next message (of any request) that matches; messages skipped on the way are dropped. */
    JsonNode await(Predicate<JsonNode> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode next = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                throw new AssertionError("no matching kernel message within " + timeout);
            }
            if (wanted.test(next)) {
                return next;
            }
        }
    }

    /**
     * Collects every message answering {@code msgId} until both its shell reply and the kernel's return to
     * idle have arrived, in arrival order.
     */
    Exchange collect(String msgId, Duration timeout) throws InterruptedException {
        List<JsonNode> iopub = new ArrayList<>();
        JsonNode reply = null;
        boolean idle = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (reply == null || !idle) {
            long left = deadline - System.nanoTime();
            JsonNode next = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                throw new AssertionError("request " + msgId + " unanswered within " + timeout + "; reply=" + reply
                        + ", iopub so far=" + iopub);
            }
            if (!msgId.equals(next.path("parent_header").path("msg_id").asText())) {
                continue;
            }
            switch (next.path("channel").asText()) {
                case "shell", "control" -> reply = next;
                case "iopub" -> {
                    iopub.add(next);
                    idle |= isStatus(next, "idle");
                }
                default -> {
                    // stdin requests are awaited explicitly by the tests that answer them
                }
            }
        }
        return new Exchange(reply, iopub);
    }

    Exchange run(String code) throws InterruptedException {
        return collect(execute(code, false), Duration.ofSeconds(60));
    }

    static boolean isStatus(JsonNode message, String state) {
        return message.path("header").path("msg_type").asText().equals("status")
                && message.path("content").path("execution_state").asText().equals(state);
    }

    static String type(JsonNode message) {
        return message.path("header").path("msg_type").asText();
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }

    /** A request's shell reply and its IOPub messages (status busy ... idle included). */
    record Exchange(JsonNode reply, List<JsonNode> iopub) {

        String status() {
            return reply.path("content").path("status").asText();
        }

        List<JsonNode> ofType(String msgType) {
            return iopub.stream().filter(message -> type(message).equals(msgType)).toList();
        }

        /** The concatenated text of the stream messages of {@code name} (stdout or stderr). */
        String stream(String name) {
            StringBuilder text = new StringBuilder();
            for (JsonNode message : ofType("stream")) {
                if (message.path("content").path("name").asText().equals(name)) {
                    text.append(message.path("content").path("text").asText());
                }
            }
            return text.toString();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    received.add(JupyterServer.JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    throw new IllegalStateException("kernel sent malformed JSON: " + partial, e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
