package io.meridian.hub.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;

import java.nio.charset.StandardCharsets;

/** bcrypt hashes of local account passwords; passwords over bcrypt's 72 bytes are pre-hashed with SHA-512. */
public final class Passwords {
    private static final int COST = 10;
    private static final BCrypt.Version VERSION = BCrypt.Version.VERSION_2A;
    private static final BCrypt.Hasher HASHER = BCrypt.with(VERSION, LongPasswordStrategies.hashSha512(VERSION));
    private static final BCrypt.Verifyer VERIFYER = BCrypt.verifyer(VERSION, LongPasswordStrategies.hashSha512(VERSION));
    // A hash to verify against when the user does not exist, so both cases take the same time.
    private static final String DUMMY = hash(Secrets.newSecret());

    private Passwords() {
    }

    public static String hash(String password) {
        return HASHER.hashToString(COST, password.toCharArray());
    }

    public static boolean verify(String password, String hash) {
        String against = hash == null ? DUMMY : hash;
        boolean ok = VERIFYER.verify(password.getBytes(StandardCharsets.UTF_8),
                against.getBytes(StandardCharsets.UTF_8)).verified;
        return ok && hash != null;
    }
}
