package io.meridian.nextcloud;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a WebDAV tree is and how to log in.
 *
 * @param root          the URL of the tree's root folder, ending with "/"
 * @param login         the login name
 * @param password      the password or Nextcloud app password; never logged
 * @param uploadsRoot   Nextcloud's chunked upload v2 folder for this login, or null for a plain WebDAV server
 * @param chunkSize     bytes per chunk in a chunked upload (Nextcloud needs 5 MiB..5 GiB, the last may be smaller)
 * @param chunkAbove    files larger than this go up in chunks when the server supports it
 * @param timeout       how long a metadata request (and the headers of a transfer) may take
 */
public record WebDavConfig(URI root, String login, String password, URI uploadsRoot, long chunkSize,
                           long chunkAbove, Duration timeout) {
    public static final long DEFAULT_CHUNK = 64L * 1024 * 1024;

    public WebDavConfig {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(password, "password");
        String scheme = root.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("WebDAV URL must start with http:// or https://, got " + root);
        }
        if (root.getRawQuery() != null || root.getRawFragment() != null || root.getRawUserInfo() != null) {
            throw new IllegalArgumentException("WebDAV URL must not carry a query, fragment or user info");
        }
        if (!root.getRawPath().endsWith("/")) {
            root = URI.create(root + "/");
        }
        if (chunkSize < 5L * 1024 * 1024) {
            throw new IllegalArgumentException("chunk size must be at least 5 MiB (Nextcloud's lower bound)");
        }
    }

    /** A plain WebDAV folder: no chunked upload. */
    public static WebDavConfig webDav(URI root, String login, String password) {
        return new WebDavConfig(root, login, password, null, DEFAULT_CHUNK, DEFAULT_CHUNK, Duration.ofSeconds(30));
    }

    /**
     * A Nextcloud account: files under {@code /remote.php/dav/files/{login}/}, chunked uploads under
     * {@code /remote.php/dav/uploads/{login}/}. {@code server} is the Nextcloud base URL, e.g. https://cloud.example.org.
     */
    public static WebDavConfig nextcloud(URI server, String login, String appPassword) {
        String base = server.toString().endsWith("/") ? server.toString() : server + "/";
        String user = URLEncoder.encode(login, StandardCharsets.UTF_8).replace("+", "%20");
        return new WebDavConfig(URI.create(base + "remote.php/dav/files/" + user + "/"), login, appPassword,
                URI.create(base + "remote.php/dav/uploads/" + user + "/"), DEFAULT_CHUNK, DEFAULT_CHUNK,
                Duration.ofSeconds(30));
    }

    public WebDavConfig withChunking(long chunkSize, long chunkAbove) {
        return new WebDavConfig(root, login, password, uploadsRoot, chunkSize, chunkAbove, timeout);
    }

    @Override
    public String toString() {
        return "WebDavConfig[root=" + root + ", login=" + login + ", uploadsRoot=" + uploadsRoot + "]";
    }
}
