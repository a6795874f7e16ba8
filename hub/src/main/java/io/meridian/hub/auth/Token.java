package io.meridian.hub.auth;

import java.time.Instant;
import java.util.List;

/** An API token's record; the secret itself is never stored, only its SHA-256. */
public record Token(long id, long userId, String user, List<String> scopes, String note, Instant created,
                    Instant expiresAt, Instant lastActivity) {

    /** JupyterHub's token ids are strings with a kind prefix. */
    public String apiId() {
        return "a" + id;
    }

    public static long parseApiId(String apiId) {
        if (apiId == null || !apiId.matches("a[0-9]{1,18}")) {
            return -1;
        }
        return Long.parseLong(apiId.substring(1));
    }
}
