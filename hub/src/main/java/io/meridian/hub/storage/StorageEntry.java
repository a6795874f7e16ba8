package io.meridian.hub.storage;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A file or folder as the storage API shows it.
 *
 * @param path        the path in the user's storage, e.g. "/data/iris.csv"
 * @param type        "file" or "directory"
 * @param size        bytes for a file, null for a folder
 * @param modified    UTC ISO-8601 time of the last change, null when the backend does not say
 * @param etag        the backend's entity tag, null when it has none
 * @param contentType the file's content type (Tika, or the server's), null for a folder
 */
public record StorageEntry(String path, String name, String type, Long size, String modified, String etag,
                           @JsonProperty("content_type") String contentType) {
    public static final String FILE = "file";
    public static final String DIRECTORY = "directory";
    /** Uploads in progress live under this prefix (both backends) and are never listed. */
    public static final String UPLOAD_PREFIX = ".~";

    public static boolean isUploadInProgress(String name) {
        return name.startsWith(UPLOAD_PREFIX) && name.contains(".part-");
    }

    public boolean isDirectory() {
        return DIRECTORY.equals(type);
    }
}
