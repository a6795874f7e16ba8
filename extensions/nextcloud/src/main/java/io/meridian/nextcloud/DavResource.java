package io.meridian.nextcloud;

import java.time.Instant;

/**
 * One file or folder as a WebDAV server describes it.
 *
 * @param path        the path below the client's root, starting with "/" ("/" is the root itself)
 * @param name        the last path segment ("" for the root)
 * @param directory   true for a collection
 * @param size        bytes for a file, -1 when the server does not say (folders)
 * @param modified    last modification, null when the server does not say
 * @param etag        the entity tag without quotes, null when the server does not say
 * @param contentType the server's content type for a file, null for folders or when unknown
 */
public record DavResource(String path, String name, boolean directory, long size, Instant modified,
                          String etag, String contentType) {
}
