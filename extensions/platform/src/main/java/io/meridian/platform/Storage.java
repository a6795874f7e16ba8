package io.meridian.platform;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * {@code platform.storage()}: the user's files (a hub folder or their Nextcloud), through the hub, which
 * keeps the Nextcloud credentials. Transfers stream; large files never sit in the kernel's memory.
 */
public final class Storage {
    private static final int COPY_BUFFER = 256 * 1024;
    private static final JavaType ENTRIES = HubClient.JSON.getTypeFactory().constructCollectionType(List.class, StorageEntry.class);
    private final Platform platform;

    Storage(Platform platform) {
        this.platform = platform;
    }

    public Listing ls() {
        return ls("/");
    }

    public Listing ls(String path) {
        JsonNode answer = platform.hub().send("GET", "/api/v1/storage/list?path=" + HubClient.query(path),
                HttpRequest.BodyPublishers.noBody(), null);
        try {
            List<StorageEntry> entries = HubClient.JSON.readValue(HubClient.JSON.treeAsTokens(answer.path("entries")), ENTRIES);
            return new Listing(answer.path("path").asText(path), answer.path("backend").asText(), entries);
        } catch (IOException e) {
            throw new PlatformException(502, "the hub sent a listing this client cannot read");
        }
    }

    public StorageEntry stat(String path) {
        return platform.hub().get("/api/v1/storage/stat?path=" + HubClient.query(path), StorageEntry.class);
    }

    /** A file's content as a stream; close it when done. A transfer cut short fails a read rather than ending early. */
    public InputStream read(String path) {
        return platform.hub().stream(filesPath(path));
    }

    /** A (text) file's content, as UTF-8. */
    public String readString(String path) {
        try (InputStream in = read(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PlatformException(0, "reading " + path + " broke off: " + e.getMessage());
        }
    }

    /**
     * Downloads {@code remote} to {@code local} (a file path); the file appears only once complete. In a
     * notebook a file of 8 MiB or more shows a progress bar while it moves.
     */
    public Path download(String remote, String local) {
        return download(remote, Path.of(local));
    }

    public Path download(String remote, Path local) {
        Path target = local.toAbsolutePath();
        HubClient.Download download = platform.hub().download(filesPath(remote));
        TransferProgress progress = null;
        try (InputStream in = download.body()) {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
            try (OutputStream out = Files.newOutputStream(temp)) {
                progress = TransferProgress.start("downloading", remote + " → " + target.getFileName(), download.length());
                byte[] buffer = new byte[COPY_BUFFER];
                long copied = 0;
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    copied += n;
                    progress.add(n);
                }
                if (download.length() >= 0 && copied != download.length()) {
                    throw new IOException("the transfer broke off after " + copied + " of " + download.length() + " bytes");
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            progress.finished();
            return target;
        } catch (IOException e) {
            if (progress != null) {
                progress.failed(e.getMessage());
            }
            throw new PlatformException(0, "downloading " + remote + " to " + target + " failed: " + e.getMessage());
        }
    }

    /**
     * Uploads the local file {@code local} to {@code remote}, replacing any file there. In a notebook a file
     * of 8 MiB or more shows a progress bar while it moves.
     */
    public StorageEntry upload(String local, String remote) {
        return upload(Path.of(local), remote);
    }

    public StorageEntry upload(Path source, String remote) {
        if (!Files.isRegularFile(source)) {
            throw new PlatformException(0, "no local file " + source.toAbsolutePath());
        }
        try (InputStream in = Files.newInputStream(source)) {
            return put(remote, in, Files.size(source), source.getFileName() + " → " + remote);
        } catch (IOException e) {
            throw new PlatformException(0, "cannot read the local file " + source.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    public StorageEntry write(String remote, String text) {
        return write(remote, text.getBytes(StandardCharsets.UTF_8));
    }

    public StorageEntry write(String remote, byte[] bytes) {
        return put(remote, new ByteArrayInputStream(bytes), bytes.length, remote);
    }

    public StorageEntry mkdir(String path) {
        return entry(platform.hub().send("POST", "/api/v1/storage/mkdir",
                HttpRequest.BodyPublishers.ofString(json(Map.of("path", path))), "application/json"));
    }

    /** Deletes a file, or a folder with everything in it. */
    public void rm(String path) {
        platform.hub().send("DELETE", filesPath(path),
                HttpRequest.BodyPublishers.noBody(), null);
    }

    private StorageEntry put(String remote, InputStream content, long length, String shown) {
        TransferProgress progress = TransferProgress.start("uploading", shown, length);
        try {
            StorageEntry entry = entry(platform.hub().upload(filesPath(remote), content, length, progress));
            progress.finished();
            return entry;
        } catch (PlatformException e) {
            progress.failed(e.getMessage());
            throw e;
        }
    }

    private static String filesPath(String path) {
        return "/api/v1/storage/files?path=" + HubClient.query(path);
    }

    private static StorageEntry entry(JsonNode node) {
        try {
            return HubClient.JSON.treeToValue(node, StorageEntry.class);
        } catch (IOException e) {
            throw new PlatformException(502, "the hub sent an entry this client cannot read");
        }
    }

    private static String json(Object value) {
        try {
            return HubClient.JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
