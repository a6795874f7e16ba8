package io.meridian.kernel.wire;

import java.util.ArrayList;
import java.util.List;
import org.zeromq.ZMQ;

/** A kernel socket (shell, control or iopub): multipart receive, and signed sends serialised by a lock. */
public final class Channel {

    private final String name;
    private final ZMQ.Socket socket;
    private final WireCodec codec;

    public Channel(String name, ZMQ.Socket socket, WireCodec codec) {
        this.name = name;
        this.socket = socket;
        this.codec = codec;
    }

    public String name() {
        return name;
    }

    /** Blocks for the next multipart message; null once the context is shut down. */
    public List<byte[]> receive() {
        return receive(0);
    }

    /** The next message if one is already queued, else null; never waits. */
    public List<byte[]> receiveIfQueued() {
        return receive(ZMQ.DONTWAIT);
    }

    private List<byte[]> receive(int flags) {
        byte[] first = socket.recv(flags);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    public synchronized void send(Message message) {
        List<byte[]> frames = codec.encode(message);
        for (int i = 0; i < frames.size(); i++) {
            socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    public synchronized void close() {
        socket.close();
    }
}
