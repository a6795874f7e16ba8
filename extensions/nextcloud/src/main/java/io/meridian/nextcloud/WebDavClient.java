package io.meridian.nextcloud;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A streaming WebDAV client for Nextcloud and plain WebDAV servers (Apache mod_dav, rclone, ...).
 * Files never sit in memory: uploads stream from an {@link InputStream}, downloads hand one back.
 * An upload is written under a temporary name and moved into place only when complete, so a cut
 * transfer never leaves a partial file under the real name. Paths are relative to the configured root.
 */
public final class WebDavClient {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Upload copies: large enough that each write reaches the socket as one system call. */
    private static final int COPY_BUFFER = 256 * 1024;
    private static final String ENTRY_PROPS = """
            <?xml version="1.0" encoding="utf-8"?>
            <d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/><d:getlastmodified/>\
            <d:getetag/><d:getcontenttype/></d:prop></d:propfind>""";
    private static final String QUOTA_PROPS = """
            <?xml version="1.0" encoding="utf-8"?>
            <d:propfind xmlns:d="DAV:"><d:prop><d:quota-available-bytes/><d:quota-used-bytes/></d:prop></d:propfind>""";

    private final WebDavConfig config;
    private final HttpClient http;
    private final String authorization;
    private final String rootPath;
    /** Whether the server accepted a chunked upload folder; null until first tried. */
    private volatile Boolean chunking;

    public WebDavClient(WebDavConfig config) {
        this.config = config;
        // HTTP/1.1 only: WebDAV servers and their proxies rarely speak h2c, and an upgrade attempt costs a round trip.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        // Sent up front rather than through java.net.Authenticator, which would replay a streamed body after a 401.
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((config.login() + ":" + config.password()).getBytes(StandardCharsets.UTF_8));
        this.rootPath = DavPaths.decode(config.root().getRawPath());
        this.chunking = config.uploadsRoot() == null ? Boolean.FALSE : null;
    }

    public WebDavConfig config() {
        return config;
    }

    /** The entries of a folder, without the folder itself. */
    public List<DavResource> list(String path) throws IOException {
        String folder = DavPaths.normalize(path);
        List<DavResource> all = propfind(folder, "1");
        if (all.isEmpty()) {
            throw new DavException(404, "no such folder: " + folder);
        }
        List<DavResource> children = new ArrayList<>();
        boolean folderSeen = false;
        for (DavResource r : all) {
            if (r.path().equals(folder)) {
                folderSeen = true;
                if (!r.directory()) {
                    throw new DavException(409, folder + " is a file, not a folder");
                }
            } else {
                children.add(r);
            }
        }
        if (!folderSeen && children.isEmpty()) {
            throw new DavException(404, "no such folder: " + folder);
        }
        return children;
    }

    /** The file or folder at {@code path}, or empty when there is none. */
    public Optional<DavResource> stat(String path) throws IOException {
        String target = DavPaths.normalize(path);
        try {
            return propfind(target, "0").stream().filter(r -> r.path().equals(target)).findFirst();
        } catch (DavException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The content of a file, streamed; the caller closes it. A body that ends before its Content-Length
     * fails the read rather than ending it early; a server silent for the configured timeout fails it too.
     * <p>
     * Downloads use a blocking {@link HttpURLConnection} on the caller's thread instead of the client above:
     * the bytes go from the socket into the caller's array with no selector thread, hand-off or 16 KiB heap
     * buffer per read in between. Relaying a download, the hub spent about a third of the CPU per byte
     * this way (docs/performance.md, "Storage").
     */
    public InputStream read(String path) throws IOException {
        String target = DavPaths.normalize(path);
        HttpURLConnection connection;
        int status;
        try {
            connection = connect(DavPaths.resolve(config.root(), target, false));
            status = connection.getResponseCode();
        } catch (IOException e) {
            throw incomplete("read", target, e);
        }
        if (status != 200) {
            drain(connection);
            throw failure(status, "read", target);
        }
        return new WholeBody(connection.getInputStream(), connection.getContentLengthLong(), target);
    }

    /**
     * Writes {@code content} to {@code path}, replacing any file there. {@code length} is the byte count,
     * or -1 when unknown. Large files go up in Nextcloud chunks when the server supports it; otherwise
     * the bytes go to a temporary name in the same folder that is moved into place once complete.
     */
    public void write(String path, InputStream content, long length) throws IOException {
        String target = DavPaths.normalize(path);
        if (target.equals("/")) {
            throw new DavException(400, "cannot write to the root folder itself; name a file");
        }
        if (length > config.chunkAbove() && !Boolean.FALSE.equals(chunking) && chunkedUpload(target, content, length)) {
            return;
        }
        String temp = DavPaths.parent(target) + "/.~" + DavPaths.name(target) + ".part-" + randomHex();
        try {
            put(DavPaths.resolve(config.root(), temp, false), content, length, List.of(), target);
            moveUrl(DavPaths.resolve(config.root(), temp, false), DavPaths.resolve(config.root(), target, false),
                    true, "write", target);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(DavPaths.resolve(config.root(), temp, false));
            throw e;
        }
    }

    /** Creates a folder; its parent must exist. */
    public void mkdir(String path) throws IOException {
        String target = DavPaths.normalize(path);
        HttpResponse<Void> response = send(request(DavPaths.resolve(config.root(), target, true))
                .timeout(config.timeout())
                .method("MKCOL", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding(), "create folder", target);
        if (response.statusCode() == 405) {
            throw new DavException(409, "already exists: " + target);
        }
        if (response.statusCode() != 201) {
            throw failure(response.statusCode(), "create folder", target);
        }
    }

    public void move(String from, String to, boolean overwrite) throws IOException {
        String source = DavPaths.normalize(from);
        String target = DavPaths.normalize(to);
        boolean folder = stat(source).map(DavResource::directory).orElse(false);
        moveUrl(DavPaths.resolve(config.root(), source, folder), DavPaths.resolve(config.root(), target, folder),
                overwrite, "move", source);
    }

    public void copy(String from, String to, boolean overwrite) throws IOException {
        String source = DavPaths.normalize(from);
        String target = DavPaths.normalize(to);
        boolean folder = stat(source).map(DavResource::directory).orElse(false);
        HttpResponse<Void> response = send(request(DavPaths.resolve(config.root(), source, folder))
                .timeout(config.timeout())
                .header("Destination", DavPaths.resolve(config.root(), target, folder).toString())
                .header("Overwrite", overwrite ? "T" : "F")
                .header("Depth", "infinity")
                .method("COPY", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding(), "copy", source);
        if (response.statusCode() != 201 && response.statusCode() != 204) {
            throw failure(response.statusCode(), "copy", source + " to " + target);
        }
    }

    /** Deletes a file or a folder with everything in it. */
    public void delete(String path) throws IOException {
        String target = DavPaths.normalize(path);
        if (target.equals("/")) {
            throw new DavException(400, "refusing to delete the root folder");
        }
        boolean folder = stat(target).map(DavResource::directory).orElse(false);
        HttpResponse<Void> response = send(request(DavPaths.resolve(config.root(), target, folder))
                .timeout(config.timeout())
                .DELETE().build(), HttpResponse.BodyHandlers.discarding(), "delete", target);
        if (response.statusCode() != 204 && response.statusCode() != 200) {
            throw failure(response.statusCode(), "delete", target);
        }
    }

    /** Used and available bytes of the tree at {@code path}, when the server reports them (RFC 4331). */
    public Optional<DavQuota> quota(String path) throws IOException {
        String target = DavPaths.normalize(path);
        List<Multistatus.Response> responses = propfindRaw(target, "0", QUOTA_PROPS);
        for (Multistatus.Response r : responses) {
            long used = Multistatus.number(r.text("quota-used-bytes"), Long.MIN_VALUE);
            long available = Multistatus.number(r.text("quota-available-bytes"), Long.MIN_VALUE);
            if (used != Long.MIN_VALUE || available != Long.MIN_VALUE) {
                // Nextcloud answers -1, -2 or -3 for "not computed", "unknown" and "unlimited".
                return Optional.of(new DavQuota(Math.max(used, 0), available < 0 ? -1 : available));
            }
        }
        return Optional.empty();
    }

    // --- Nextcloud chunked upload v2: MKCOL uploads/{id}, PUT numbered chunks, MOVE .file into place.

    private boolean chunkedUpload(String target, InputStream content, long length) throws IOException {
        URI folder = URI.create(config.uploadsRoot() + "meridian-" + randomHex() + "/");
        String destination = DavPaths.resolve(config.root(), target, false).toString();
        HttpResponse<Void> created = send(request(folder).timeout(config.timeout())
                .header("Destination", destination)
                .method("MKCOL", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding(), "start chunked upload of", target);
        if (created.statusCode() != 201) {
            if (created.statusCode() == 401) {
                throw failure(401, "start chunked upload of", target);
            }
            chunking = Boolean.FALSE;
            return false;
        }
        chunking = Boolean.TRUE;
        try {
            long sent = 0;
            int index = 1;
            while (sent < length) {
                long size = Math.min(config.chunkSize(), length - sent);
                URI chunk = URI.create(folder + String.format("%05d", index++));
                put(chunk, new Bounded(content, size), size, List.of("Destination", destination,
                        "OC-Total-Length", Long.toString(length)), target);
                sent += size;
            }
            HttpResponse<Void> assembled = send(request(URI.create(folder + ".file"))
                    .header("Destination", destination)
                    .header("OC-Total-Length", Long.toString(length))
                    .header("Overwrite", "T")
                    .method("MOVE", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding(), "assemble chunked upload of", target);
            if (assembled.statusCode() / 100 != 2) {
                throw failure(assembled.statusCode(), "assemble chunked upload of", target);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(folder);
            throw e;
        }
    }

    // --- plumbing

    /**
     * One PUT of {@code content}, on a blocking {@link HttpURLConnection} like {@link #read}: the JDK client's
     * streaming publisher cost the hub about twice the CPU per relayed byte (a 16 KiB buffer and a thread
     * hand-off each). A failing read of {@code content} (the caller's upload broke off, a quota ran out)
     * propagates as it is, and the half-sent request is dropped with its connection.
     */
    private void put(URI url, InputStream content, long length, List<String> headers, String shownPath) throws IOException {
        HttpURLConnection connection = connect(url);
        int status;
        try {
            connection.setRequestMethod("PUT");
            connection.setDoOutput(true);
            if (length >= 0) {
                connection.setFixedLengthStreamingMode(length);
            } else {
                connection.setChunkedStreamingMode(COPY_BUFFER);
            }
            for (int i = 0; i < headers.size(); i += 2) {
                connection.setRequestProperty(headers.get(i), headers.get(i + 1));
            }
            OutputStream out;
            try {
                out = connection.getOutputStream();
            } catch (IOException e) {
                throw incomplete("write", shownPath, e);
            }
            byte[] buffer = new byte[COPY_BUFFER];
            long sent = 0;
            int n;
            // Whole buffers: a source that hands out a few KiB a read (the hub's request body) still reaches
            // the socket in writes of COPY_BUFFER bytes.
            while ((n = content.readNBytes(buffer, 0, buffer.length)) > 0) {
                if (length >= 0 && sent + n > length) {
                    throw new IOException("the content of " + shownPath + " is longer than the " + length
                            + " bytes announced");
                }
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    throw refusedOrIncomplete(connection, "write", shownPath, e);
                }
                sent += n;
            }
            if (length >= 0 && sent < length) {
                throw new IOException("the content of " + shownPath + " ended after " + sent + " of the "
                        + length + " bytes announced");
            }
            try {
                out.close();
                status = connection.getResponseCode();
            } catch (IOException e) {
                throw refusedOrIncomplete(connection, "write", shownPath, e);
            }
        } catch (IOException | RuntimeException e) {
            connection.disconnect();
            throw e;
        }
        drain(connection);
        if (status != 201 && status != 204 && status != 200) {
            throw failure(status, "write", shownPath);
        }
    }

    /** A blocking connection to {@code url}: no proxy, no redirects, the configured timeouts, the login. */
    private HttpURLConnection connect(URI url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection(Proxy.NO_PROXY);
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setConnectTimeout((int) config.timeout().toMillis());
        connection.setReadTimeout((int) config.timeout().toMillis());
        connection.setRequestProperty("Authorization", authorization);
        return connection;
    }

    /** Reads what is left of a response so that its connection can be reused; the status says what matters. */
    private static void drain(HttpURLConnection connection) {
        try (InputStream body = connection.getResponseCode() >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (body != null) {
                body.transferTo(OutputStream.nullOutputStream());
            }
        } catch (IOException ignored) {
            // nothing more to learn from this response
        }
    }

    /**
     * A request body that could not be sent: the server's early answer (a refused login, no space) when it
     * gave one before closing, else the broken transfer itself.
     */
    private DavException refusedOrIncomplete(HttpURLConnection connection, String action, String path, IOException e) {
        try {
            int status = connection.getResponseCode();
            if (status >= 400) {
                return failure(status, action, path);
            }
        } catch (IOException ignored) {
            // no answer came: the transfer itself broke
        }
        return incomplete(action, path, e);
    }

    private DavException incomplete(String action, String path, IOException e) {
        return new DavException("cannot " + action + " " + path + ": the WebDAV server at " + config.root().getHost()
                + " did not complete the request (" + describe(e) + ")", e);
    }

    private void moveUrl(URI from, URI to, boolean overwrite, String action, String shownPath) throws IOException {
        HttpResponse<Void> response = send(request(from)
                .timeout(config.timeout())
                .header("Destination", to.toString())
                .header("Overwrite", overwrite ? "T" : "F")
                .method("MOVE", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding(), action, shownPath);
        if (response.statusCode() != 201 && response.statusCode() != 204) {
            throw failure(response.statusCode(), action, shownPath);
        }
    }

    private List<DavResource> propfind(String path, String depth) throws IOException {
        List<DavResource> out = new ArrayList<>();
        for (Multistatus.Response r : propfindRaw(path, depth, ENTRY_PROPS)) {
            String relative = relative(r.decodedPath());
            if (relative == null) {
                continue;
            }
            boolean folder = r.isCollection();
            String etag = r.text("getetag");
            if (etag != null) {
                etag = etag.replace("\"", "");
                if (etag.startsWith("W/")) {
                    etag = etag.substring(2);
                }
            }
            out.add(new DavResource(relative, DavPaths.name(relative), folder,
                    folder ? -1 : Multistatus.number(r.text("getcontentlength"), -1),
                    Multistatus.httpDate(r.text("getlastmodified")), etag,
                    folder ? null : r.text("getcontenttype")));
        }
        return out;
    }

    private List<Multistatus.Response> propfindRaw(String path, String depth, String body) throws IOException {
        HttpRequest request = request(DavPaths.resolve(config.root(), path, false))
                .timeout(config.timeout())
                .header("Depth", depth)
                .header("Content-Type", "application/xml; charset=utf-8")
                .method("PROPFIND", HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<byte[]> response = send(request, HttpResponse.BodyHandlers.ofByteArray(), "list", path);
        if (response.statusCode() == 301 && !path.equals("/")) {
            // Apache redirects a folder named without its trailing slash.
            request = request(DavPaths.resolve(config.root(), path, true))
                    .timeout(config.timeout())
                    .header("Depth", depth)
                    .header("Content-Type", "application/xml; charset=utf-8")
                    .method("PROPFIND", HttpRequest.BodyPublishers.ofString(body)).build();
            response = send(request, HttpResponse.BodyHandlers.ofByteArray(), "list", path);
        }
        if (response.statusCode() != 207) {
            throw failure(response.statusCode(), "list", path);
        }
        return Multistatus.parse(response.body());
    }

    /** The path below the root for a decoded href path, or null when it lies outside the root. */
    private String relative(String decodedPath) {
        String root = rootPath.endsWith("/") ? rootPath : rootPath + "/";
        String path = decodedPath.endsWith("/") ? decodedPath : decodedPath + "/";
        if (!path.startsWith(root)) {
            return null;
        }
        String rest = path.substring(root.length());
        return "/" + (rest.endsWith("/") ? rest.substring(0, Math.max(0, rest.length() - 1)) : rest);
    }

    private HttpRequest.Builder request(URI url) {
        return HttpRequest.newBuilder(url).header("Authorization", authorization);
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, String action,
                                     String path) throws IOException {
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while trying to " + action + " " + path);
        } catch (IOException e) {
            throw incomplete(action, path, e);
        }
    }

    private DavException failure(int status, String action, String path) {
        String why = switch (status) {
            case 401 -> "the WebDAV server refused the login of '" + config.login()
                    + "'; check the login name and app password";
            case 403 -> "the WebDAV server forbids this";
            case 404 -> "no such file or folder";
            case 409 -> "the parent folder does not exist";
            case 412 -> "the destination already exists";
            case 413 -> "the file is too large for the WebDAV server";
            case 423 -> "the file is locked";
            case 507 -> "not enough space left on the WebDAV server";
            default -> "the WebDAV server answered HTTP " + status;
        };
        return new DavException(status, "cannot " + action + " " + path + ": " + why);
    }

    private void deleteQuietly(URI url) {
        try {
            http.send(request(url).timeout(config.timeout()).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // The server is gone; the temporary name it may keep never shows up as the real file.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static String randomHex() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A response body that must reach its Content-Length (-1: unknown) to end normally. */
    private static final class WholeBody extends FilterInputStream {
        private final long expected;
        private final String path;
        private long received;

        WholeBody(InputStream in, long expected, String path) {
            super(in);
            this.expected = expected;
            this.path = path;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count(n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            received += skipped;
            return skipped;
        }

        private void count(int n) throws IOException {
            if (n >= 0) {
                received += n;
            } else if (expected >= 0 && received < expected) {
                throw new IOException("the download of " + path + " broke off after " + received + " of "
                        + expected + " bytes");
            }
        }
    }

    /** At most {@code remaining} bytes of a shared stream; closing it leaves the shared stream open. */
    private static final class Bounded extends FilterInputStream {
        private long remaining;

        Bounded(InputStream in, long remaining) {
            super(in);
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() {
        }
    }
}
