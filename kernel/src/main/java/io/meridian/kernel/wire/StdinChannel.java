package io.meridian.kernel.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The stdin socket. One thread owns it and waits on it and on an in-process wake-up socket, so a cell
 * asking for input blocks only on a future (which an interrupt can end) and never inside ZeroMQ.
 */
public final class StdinChannel {

    private final ZMQ.Context context;
    private final ZMQ.Socket router;
    private final ZMQ.Socket wakeReceiver;
    private final ZMQ.Socket wakeSender;
    private final WireCodec codec;
    private final Consumer<String> log;
    private final Queue<Message> outgoing = new ConcurrentLinkedQueue<>();
    private final Map<String, CompletableFuture<String>> pending = new ConcurrentHashMap<>();

    public StdinChannel(ZMQ.Context context, ZMQ.Socket router, WireCodec codec, Consumer<String> log) {
        this.context = context;
        this.router = router;
        this.codec = codec;
        this.log = log;
        String address = "inproc://meridian-stdin-wake-" + System.identityHashCode(this);
        this.wakeReceiver = context.socket(SocketType.PULL);
        wakeReceiver.bind(address);
        this.wakeSender = context.socket(SocketType.PUSH);
        wakeSender.connect(address);
        Thread thread = new Thread(this::serve, "meridian-stdin");
        thread.setDaemon(true);
        thread.start();
    }

    /** Sends input_request for {@code parent} and waits for the frontend's input_reply. */
    public String request(Message parent, String session, String prompt, boolean password)
            throws InterruptedException {
        ObjectNode content = Message.object();
        content.put("prompt", prompt);
        content.put("password", password);
        Message request = Message.create("input_request", parent, session, content);
        CompletableFuture<String> answer = new CompletableFuture<>();
        pending.put(request.id(), answer);
        outgoing.add(request);
        synchronized (wakeSender) {
            wakeSender.send(new byte[0], 0);
        }
        try {
            return answer.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("no input: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pending.remove(request.id());
        }
    }

    private void serve() {
        try (ZMQ.Poller items = context.poller(2)) {
            items.register(router, ZMQ.Poller.POLLIN);
            items.register(wakeReceiver, ZMQ.Poller.POLLIN);
            while (!Thread.currentThread().isInterrupted()) {
                if (items.poll(-1) < 0) {
                    break;
                }
                if (items.pollin(1)) {
                    while (wakeReceiver.recv(ZMQ.DONTWAIT) != null) {
                        // drained: each wake-up byte only says the queue has work
                    }
                    Message next;
                    while ((next = outgoing.poll()) != null) {
                        List<byte[]> frames = codec.encode(next);
                        for (int i = 0; i < frames.size(); i++) {
                            router.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
                        }
                    }
                }
                if (items.pollin(0)) {
                    receiveReply();
                }
            }
        } catch (ZMQException | IllegalStateException e) {
            // context terminated: the kernel is shutting down
        } finally {
            router.close();
            wakeReceiver.close();
            synchronized (wakeSender) {
                wakeSender.close();
            }
        }
    }

    private void receiveReply() {
        List<byte[]> frames = new java.util.ArrayList<>();
        frames.add(router.recv(0));
        while (router.hasReceiveMore()) {
            frames.add(router.recv(0));
        }
        try {
            Message reply = codec.decode(frames);
            CompletableFuture<String> answer = pending.get(reply.parentHeader().path("msg_id").asText(""));
            if (!"input_reply".equals(reply.type()) || answer == null) {
                log.accept("ignored " + reply.type() + " on stdin: it answers no pending input_request");
                return;
            }
            answer.complete(reply.content().path("value").asText(""));
        } catch (WireCodec.BadMessageException e) {
            log.accept("dropped a message on stdin: " + e.getMessage());
        }
    }
}
