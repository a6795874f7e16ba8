package io.meridian.hub.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;

/**
 * A server's answer as the proxy reads it: status, header lines in order, and the body without its framing.
 * Closing it before the body's end closes the connection it came on.
 *
 * @param length the body's length when the server declared it (0 for answers without a body)
 */
record UpstreamResponse(int status, List<UpstreamConnection.Field> headers, InputStream body, OptionalLong length)
        implements AutoCloseable {

    @Override
    public void close() throws IOException {
        body.close();
    }
}
