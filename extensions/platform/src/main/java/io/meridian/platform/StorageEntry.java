package io.meridian.platform;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A file or folder in the user's storage.
 *
 * @param type     "file" or "directory"
 * @param size     bytes, null for folders
 * @param modified UTC ISO-8601 time of the last change
 */
public record StorageEntry(String path, String name, String type, Long size, String modified, String etag,
                           @JsonProperty("content_type") String contentType) {
    public boolean isDirectory() {
        return "directory".equals(type);
    }
}
