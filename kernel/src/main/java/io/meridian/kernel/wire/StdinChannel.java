package io.meridian.kernel.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
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
    /** Waiting requests in the order they were sent: replies need not name their request (jupyter_client's don't). */
    private final NavigableMap<Long, CompletableFuture<String>> pending = new ConcurrentSkipListMap<>();
    private final AtomicLong sequence = new AtomicLong();

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
        long key = sequence.incrementAndGet();
        pending.put(key, answer);
        outgoing.add(request);
        synchronized (wakeSender) {
            wakeSender.send(new byte[0], 0);
        }
        try {
            return answer.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("no input: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pending.remove(key);
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
            Map.Entry<Long, CompletableFuture<String>> oldest = pending.firstEntry();
            CompletableFuture<String> answer = oldest == null ? null : oldest.getValue();
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
