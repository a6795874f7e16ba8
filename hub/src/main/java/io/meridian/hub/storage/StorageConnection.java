package io.meridian.hub.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a user's storage lives, as the API shows it: never with the password.
 *
 * @param kind      "local" (the hub's folder), "nextcloud" or "webdav"
 * @param url       the Nextcloud base URL or the WebDAV folder URL; null for local
 * @param login     the login name; null for local
 * @param connected when the account was connected (UTC ISO-8601); null for local
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StorageConnection(String kind, String url, String login, @JsonProperty("connected_at") String connected) {
    public static final StorageConnection LOCAL = new StorageConnection("local", null, null, null);
}
