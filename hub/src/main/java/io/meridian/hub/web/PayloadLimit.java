package io.meridian.hub.web;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Caps request bodies of the hub's own APIs and pages ({@code /hub/}) at a small size, while the
 * server-wide limit stays large for uploads (storage API, files through the proxy). A declared
 * length over the cap is refused at once; a chunked body is cut off when it passes the cap.
 */
public final class PayloadLimit implements Filter {
    private final String pathPrefix;
    private final long maxBytes;

    public PayloadLimit(String pathPrefix, long maxBytes) {
        this.pathPrefix = pathPrefix;
        this.maxBytes = maxBytes;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (req.path().rawPath().startsWith(pathPrefix)) {
            long declared = req.headers().first(HeaderNames.CONTENT_LENGTH).map(PayloadLimit::parse).orElse(0L);
            if (declared > maxBytes) {
                throw tooLarge();
            }
            req.streamFilter(in -> new Capped(in, maxBytes));
        }
        chain.proceed();
    }

    private ApiException tooLarge() {
        return new ApiException(413, "request body too large: at most " + maxBytes + " bytes");
    }

    private static long parse(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Content-Length is not a number");
        }
    }

    private final class Capped extends FilterInputStream {
        private long left;

        Capped(InputStream in, long max) {
            super(in);
            this.left = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(0, n));
            return n;
        }

        private void count(int n) {
            left -= n;
            if (left < 0) {
                throw tooLarge();
            }
        }
    }
}
