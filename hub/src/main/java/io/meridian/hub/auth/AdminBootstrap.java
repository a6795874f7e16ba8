package io.meridian.hub.auth;

import io.meridian.hub.users.User;
import io.meridian.hub.users.UserStore;

import java.io.PrintStream;
import java.security.SecureRandom;

/**
 * Makes sure an admin can log in: MERIDIAN_ADMIN_PASSWORD creates or resets user {@code admin};
 * without it, the first run creates {@code admin} with a generated password printed once to the
 * console (never logged, never printed again). MERIDIAN_ADMIN_TOKEN registers an admin API token.
 */
public final class AdminBootstrap {
    public static final String ADMIN = "admin";
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private AdminBootstrap() {
    }

    public static void run(String adminPassword, String adminToken, UserStore users, TokenStore tokens, PrintStream console) {
        if (adminPassword != null) {
            users.setPassword(ADMIN, Passwords.hash(adminPassword), true);
        } else if (users.find(ADMIN).isEmpty()) {
            String generated = generatePassword();
            users.setPassword(ADMIN, Passwords.hash(generated), true);
            console.println("Meridian: created the admin account. Log in as 'admin' with password: " + generated);
            console.println("Meridian: this password is shown only once; set MERIDIAN_ADMIN_PASSWORD to reset it.");
        }
        if (adminToken != null) {
            if (adminToken.length() < 16) {
                throw new IllegalArgumentException("MERIDIAN_ADMIN_TOKEN must be at least 16 characters long");
            }
            User admin = users.find(ADMIN).orElseThrow();
            tokens.register(admin.id(), adminToken, Scopes.ADMIN_ROLE, "MERIDIAN_ADMIN_TOKEN", null);
        }
    }

    private static String generatePassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
