package io.meridian.nextcloud;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of the real WebDAV server that drops every connection once a given number of
 * bytes has passed in one direction: the server "disappears" mid-transfer, as when a host dies.
 */
public final class CuttableRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final long cutAfterUpstreamBytes;
    private final long cutAfterDownstreamBytes;
    private final AtomicLong upstream = new AtomicLong();
    private final AtomicLong downstream = new AtomicLong();

    public CuttableRelay(int targetPort, long cutAfterUpstreamBytes, long cutAfterDownstreamBytes) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.cutAfterUpstreamBytes = cutAfterUpstreamBytes;
        this.cutAfterDownstreamBytes = cutAfterDownstreamBytes;
        daemon(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                daemon(() -> pump(client, server, upstream, cutAfterUpstreamBytes));
                daemon(() -> pump(server, client, downstream, cutAfterDownstreamBytes));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to, AtomicLong counter, long limit) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                int allowed = (int) Math.min(n, Math.max(0, limit - counter.get()));
                out.write(buffer, 0, allowed);
                counter.addAndGet(allowed);
                if (allowed < n) {
                    // vanish like a dead host: reset both connections instead of closing them politely
                    from.setSoLinger(true, 0);
                    to.setSoLinger(true, 0);
                    break;
                }
            }
        } catch (IOException e) {
            // the other side went away
        } finally {
            close(from);
            close(to);
        }
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "cuttable-relay");
        thread.setDaemon(true);
        thread.start();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
