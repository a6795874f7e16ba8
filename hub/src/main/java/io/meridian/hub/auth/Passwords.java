package io.meridian.hub.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;

/** bcrypt hashes of local account passwords. */
public final class Passwords {
    private static final int COST = 10;
    // A hash to verify against when the user does not exist, so both cases take the same time.
    private static final String DUMMY = hash("not-a-real-password-" + Secrets.newSecret());

    private Passwords() {
    }

    public static String hash(String password) {
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    public static boolean verify(String password, String hash) {
        String against = hash == null ? DUMMY : hash;
        boolean ok = BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8),
                against.getBytes(StandardCharsets.UTF_8)).verified;
        return ok && hash != null;
    }
}
