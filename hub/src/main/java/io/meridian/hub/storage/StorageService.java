package io.meridian.hub.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.quotas.Quota;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Params;
import io.meridian.nextcloud.ContentTypes;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code /api/v1/storage}: the caller's own files, wherever they live. The hub proxies every call so
 * that storage credentials stay in the hub. Paths travel as the {@code path} query parameter.
 */
public final class StorageService implements HttpService {
    /** The scope that lets a token reach a user's files: the same as reaching their servers. */
    static final String SCOPE = "access:servers";
    /**
     * Reads of this size bypass the buffered stream's own buffer (once the type detection's mark is spent) and
     * reach Helidon as single large writes; {@code transferTo}'s 16 KiB reads copied every byte once more.
     */
    private static final int COPY_BUFFER = 256 * 1024;
    /** Transfers relayed on platform threads at once; more wait on their request's own virtual thread. */
    private static final int PLATFORM_RELAYS = 32;

    private final Function<ServerRequest, Caller> callers;
    private final UserStorage storage;
    private final NextcloudLogins logins;
    private final Function<String, Quota> quotas;
    private final PlatformRelay relay = new PlatformRelay(PLATFORM_RELAYS);

    /**
     * @param callers who is calling (the hub's authenticator: {@code auth::api})
     * @param quotas  each user's quota, whose storage bytes bound the hub's own storage folder
     */
    public StorageService(Function<ServerRequest, Caller> callers, UserStorage storage, NextcloudLogins logins,
                          Function<String, Quota> quotas) {
        this.callers = callers;
        this.storage = storage;
        this.logins = logins;
        this.quotas = quotas;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/storage/list", this::list)
                .get("/storage/stat", this::stat)
                .get("/storage/files", this::download)
                .put("/storage/files", this::upload)
                .delete("/storage/files", this::delete)
                .post("/storage/mkdir", this::mkdir)
                .post("/storage/move", this::move)
                .post("/storage/copy", this::copy)
                .get("/storage/quota", this::quota)
                .get("/storage/connection", this::connection)
                .put("/storage/connection", this::connect)
                .delete("/storage/connection", this::disconnect)
                .post("/storage/connection/nextcloud-login", this::startLogin)
                .get("/storage/connection/nextcloud-login", this::loginStatus);
    }

    private void list(ServerRequest req, ServerResponse res) {
        StorageBackend backend = backend(req);
        StoragePath folder = path(req);
        Json.ok(res, Map.of("path", folder.toString(), "backend", backend.kind(), "entries", backend.list(folder)));
    }

    private void stat(ServerRequest req, ServerResponse res) {
        StoragePath path = path(req);
        Json.ok(res, backend(req).stat(path).orElseThrow(() -> ApiException.notFound("no such file or folder: " + path)));
    }

    private void download(ServerRequest req, ServerResponse res) {
        StorageBackend backend = backend(req);
        StoragePath path = path(req);
        StorageEntry entry = backend.stat(path).orElseThrow(() -> ApiException.notFound("no such file or folder: " + path));
        if (entry.isDirectory()) {
            throw ApiException.conflict(path + " is a folder; list it instead");
        }
        try (InputStream in = new BufferedInputStream(backend.read(path), COPY_BUFFER)) {
            res.header(HeaderNames.CONTENT_TYPE, ContentTypes.detect(in, entry.name()));
            // A fixed length lets the client tell a complete download from one cut short by a failing backend.
            if (entry.size() != null && entry.size() >= 0) {
                res.header(HeaderNames.CONTENT_LENGTH, Long.toString(entry.size()));
            }
            res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename*=UTF-8''"
                    + URLEncoder.encode(entry.name(), StandardCharsets.UTF_8).replace("+", "%20"));
            try (OutputStream out = res.outputStream()) {
                relay.run(() -> copy(in, out));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("download of " + path + " failed", e);
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
    }

    private void upload(ServerRequest req, ServerResponse res) {
        String user = caller(req).name();
        StorageBackend backend = storage.of(user);
        StoragePath path = path(req);
        boolean overwrite = Params.query(req, "overwrite").map(v -> !v.equalsIgnoreCase("false") && !v.equals("0")).orElse(true);
        long length = req.headers().contentLength().orElse(-1);
        Room room = room(user, backend, path);
        if (room != null && length > room.free()) {
            throw room.exceeded("the upload of " + length + " bytes");
        }
        try (InputStream in = room == null ? req.content().inputStream()
                : new QuotaLimitedStream(req.content().inputStream(), room.free(), () -> room.exceeded("this upload"))) {
            relay.run(() -> backend.write(path, in, length, overwrite));
        } catch (IOException e) {
            throw new UncheckedIOException("upload of " + path + " failed", e);
        }
        Json.send(res, 201, backend.stat(path).orElseThrow(() -> new ApiException(502, "the upload of " + path + " vanished")));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        backend(req).delete(path(req));
        res.status(204).send();
    }

    private void mkdir(ServerRequest req, ServerResponse res) {
        StorageBackend backend = backend(req);
        StoragePath path = StoragePath.parse(required(Json.objectBody(req), "path"));
        backend.mkdir(path);
        Json.send(res, 201, backend.stat(path).orElseThrow());
    }

    private void move(ServerRequest req, ServerResponse res) {
        transfer(req, res, true);
    }

    private void copy(ServerRequest req, ServerResponse res) {
        transfer(req, res, false);
    }

    private void transfer(ServerRequest req, ServerResponse res, boolean move) {
        String user = caller(req).name();
        StorageBackend backend = storage.of(user);
        ObjectNode body = Json.objectBody(req);
        StoragePath from = StoragePath.parse(required(body, "from"));
        StoragePath to = StoragePath.parse(required(body, "to"));
        boolean overwrite = body.path("overwrite").asBoolean(false);
        if (move) {
            backend.move(from, to, overwrite);
        } else {
            Room room = room(user, backend, to);
            if (room != null) {
                long size = treeSize(backend, from);
                if (size > room.free()) {
                    throw room.exceeded("a copy of " + size + " bytes");
                }
            }
            backend.copy(from, to, overwrite);
        }
        Json.ok(res, backend.stat(to).orElseThrow());
    }

    private void quota(ServerRequest req, ServerResponse res) {
        Json.ok(res, backend(req).quota().orElseThrow(() ->
                ApiException.notFound("this storage does not report its quota")));
    }

    private void connection(ServerRequest req, ServerResponse res) {
        Json.ok(res, storage.connection(caller(req).name()));
    }

    private void connect(ServerRequest req, ServerResponse res) {
        Caller caller = caller(req);
        ObjectNode body = Json.objectBody(req);
        Json.ok(res, storage.connect(caller.name(), body.path("kind").asText(null), body.path("url").asText(null),
                body.path("login").asText(null), body.path("app_password").asText(null)));
    }

    private void disconnect(ServerRequest req, ServerResponse res) {
        storage.disconnect(caller(req).name());
        res.status(204).send();
    }

    private void startLogin(ServerRequest req, ServerResponse res) {
        Caller caller = caller(req);
        Json.send(res, 202, logins.start(caller.name(), Json.objectBody(req).path("url").asText(null)));
    }

    private void loginStatus(ServerRequest req, ServerResponse res) {
        Json.ok(res, logins.status(caller(req).name()));
    }

    /** Space under a storage quota: bytes in use, the limit, and what may still be written at one path. */
    private record Room(long used, long limit, long free) {
        ApiException exceeded(String what) {
            return new ApiException(413, "storage quota exceeded: " + what + " does not fit; you use " + used + " of "
                    + limit + " bytes. Delete files first or ask an admin for more.");
        }
    }

    /**
     * The room {@code user} has to write at {@code target} (what a replaced file holds counts as free), or null
     * without a limit. The quota bounds the hub's own storage: a connected Nextcloud or WebDAV account has its
     * server's quota instead.
     */
    private Room room(String user, StorageBackend backend, StoragePath target) {
        Long limit = quotas.apply(user).storageBytes();
        if (limit == null || !backend.kind().equals("local")) {
            return null;
        }
        long used = backend.quota().map(StorageQuota::usedBytes).orElse(0L);
        long replaced = backend.stat(target).filter(e -> !e.isDirectory() && e.size() != null).map(StorageEntry::size).orElse(0L);
        return new Room(used, limit, Math.max(0, limit - used + replaced));
    }

    private static long treeSize(StorageBackend backend, StoragePath path) {
        StorageEntry entry = backend.stat(path).orElseThrow(() -> ApiException.notFound("no such file or folder: " + path));
        if (!entry.isDirectory()) {
            return entry.size() == null ? 0 : entry.size();
        }
        long total = 0;
        for (StorageEntry child : backend.list(path)) {
            total += treeSize(backend, StoragePath.parse(child.path()));
        }
        return total;
    }

    private Caller caller(ServerRequest req) {
        Caller caller = callers.apply(req);
        if (!caller.can(SCOPE, caller.name())) {
            throw ApiException.forbidden("storage requires the scope " + SCOPE + " on your own user");
        }
        return caller;
    }

    private StorageBackend backend(ServerRequest req) {
        return storage.of(caller(req).name());
    }

    private static StoragePath path(ServerRequest req) {
        return StoragePath.parse(Params.query(req, "path").orElse("/"));
    }

    private static String required(ObjectNode body, String field) {
        String value = body.path(field).asText(null);
        if (value == null || value.isEmpty()) {
            throw ApiException.badRequest("'" + field + "' is required");
        }
        return value;
    }
}
