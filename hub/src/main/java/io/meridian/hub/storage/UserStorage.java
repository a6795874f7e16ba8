package io.meridian.hub.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.hub.servers.SecretBox;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Names;
import io.meridian.nextcloud.DavException;
import io.meridian.nextcloud.WebDavClient;
import io.meridian.nextcloud.WebDavConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each user's storage backend: their connected Nextcloud/WebDAV account, or else a local folder.
 * Connections are kept one JSON file per user, the password sealed with the hub's AES-GCM key, so
 * the hub can reach the account on the user's behalf and nothing else ever sees the password.
 */
public final class UserStorage {
    private final Path localRoot;
    private final Path connectionsDir;
    private final SecretBox secrets;
    private final Map<String, StorageBackend> backends = new ConcurrentHashMap<>();

    /**
     * @param localRoot      folder holding one storage folder per user (embedded default)
     * @param connectionsDir folder for the users' sealed connection files
     */
    public UserStorage(Path localRoot, Path connectionsDir, SecretBox secrets) {
        this.localRoot = localRoot;
        this.connectionsDir = connectionsDir;
        this.secrets = secrets;
    }

    public StorageBackend of(String user) {
        Names.user(user);
        return backends.computeIfAbsent(user, u -> stored(u)
                .<StorageBackend>map(c -> new WebDavStorage(new WebDavClient(c.config())))
                .orElseGet(() -> new LocalStorage(localRoot.resolve(u))));
    }

    /** Bytes in {@code user}'s storage, or null when the storage does not say (or cannot be reached now). */
    public Long usedBytes(String user) {
        try {
            return of(user).quota().map(StorageQuota::usedBytes).orElse(null);
        } catch (ApiException unreachable) {
            return null;
        }
    }

    public StorageConnection connection(String user) {
        return stored(Names.user(user)).map(Stored::shown).orElse(StorageConnection.LOCAL);
    }

    /**
     * Connects a Nextcloud or WebDAV account after checking that the login works; nothing is stored
     * when it does not.
     */
    public StorageConnection connect(String user, String kind, String url, String login, String password) {
        Names.user(user);
        if (login == null || login.isBlank() || password == null || password.isEmpty()) {
            throw ApiException.badRequest("login and app_password are required");
        }
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("url is not a valid URL");
        }
        WebDavConfig config;
        try {
            config = switch (kind == null ? "" : kind) {
                case "nextcloud" -> WebDavConfig.nextcloud(uri, login, password);
                case "webdav" -> WebDavConfig.webDav(uri, login, password);
                default -> throw ApiException.badRequest("kind must be 'nextcloud' or 'webdav'");
            };
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        try {
            if (new WebDavClient(config).stat("/").isEmpty()) {
                throw ApiException.badRequest("no WebDAV folder at " + config.root());
            }
        } catch (DavException e) {
            throw ApiException.badRequest("cannot connect: " + e.getMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("cannot connect to " + uri.getHost());
        }
        Stored stored = new Stored(kind, uri.toString(), login, Json.time(Instant.now()), password);
        save(user, stored);
        backends.remove(user);
        return stored.shown();
    }

    public void disconnect(String user) {
        try {
            Files.deleteIfExists(file(Names.user(user)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        backends.remove(user);
    }

    private record Stored(String kind, String url, String login, String connected, String password) {
        StorageConnection shown() {
            return new StorageConnection(kind, url, login, connected);
        }

        WebDavConfig config() {
            URI uri = URI.create(url);
            return kind.equals("nextcloud") ? WebDavConfig.nextcloud(uri, login, password)
                    : WebDavConfig.webDav(uri, login, password);
        }
    }

    private Optional<Stored> stored(String user) {
        Path file = file(user);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(file.toFile());
            return Optional.of(new Stored(node.path("kind").asText(), node.path("url").asText(),
                    node.path("login").asText(), node.path("connected_at").asText(),
                    secrets.decrypt(node.path("sealed_password").asText())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the storage connection of " + user, e);
        }
    }

    private void save(String user, Stored stored) {
        ObjectNode node = Json.object()
                .put("kind", stored.kind())
                .put("url", stored.url())
                .put("login", stored.login())
                .put("connected_at", stored.connected())
                .put("sealed_password", secrets.encrypt(stored.password()));
        try {
            Files.createDirectories(connectionsDir);
            Path temp = Files.createTempFile(connectionsDir, user, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, Json.write(node));
            Files.move(temp, file(user), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the storage connection of " + user, e);
        }
    }

    private Path file(String user) {
        return connectionsDir.resolve(user + ".json");
    }
}
