package io.meridian.hub.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** How the hub's proxies (servers and deployments) pass a body on: streamed, never held whole. */
public final class BodyRelay {
    /** The copy buffer; answers up to this size the server proxy sends in one write. */
    public static final int BUFFER = 64 * 1024;

    private BodyRelay() {
    }

    /** Copies as it arrives: flushes whenever the sender pauses, so event streams and long polls are not held back. */
    public static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            out.write(buffer, 0, read);
            if (in.available() == 0) {
                out.flush();
            }
        }
    }
}
