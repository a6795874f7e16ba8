package io.meridian.hub.storage;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * One user's files, wherever they are: a local folder (embedded default) or a WebDAV/Nextcloud
 * account. Content is always streamed. Failures are {@link io.meridian.hub.web.ApiException}s with
 * the status the API answers (404 missing, 409 conflict, 412 exists, 502 backend unreachable, ...).
 * Writes are atomic: a file appears under its name only once it is complete.
 */
public interface StorageBackend {

    /** "local" or "webdav". */
    String kind();

    List<StorageEntry> list(StoragePath folder);

    Optional<StorageEntry> stat(StoragePath path);

    /** The content of a file; the caller closes the stream. */
    InputStream read(StoragePath file);

    /** Writes a file from {@code content} ({@code length} bytes, or -1 when unknown); its folder must exist. */
    void write(StoragePath file, InputStream content, long length, boolean overwrite);

    void mkdir(StoragePath folder);

    void move(StoragePath from, StoragePath to, boolean overwrite);

    void copy(StoragePath from, StoragePath to, boolean overwrite);

    /** Deletes a file, or a folder with everything in it. */
    void delete(StoragePath path);

    Optional<StorageQuota> quota();
}
