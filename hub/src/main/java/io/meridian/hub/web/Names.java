package io.meridian.hub.web;

import java.util.regex.Pattern;

/**
 * The one naming rule of the hub, applied once where a name enters (path, body, form).
 * Users and groups: lowercase letters, digits, '.', '_', '-'; first a letter or digit; 1..64
 * characters; no "..". Servers: JupyterHub 6's rule — lowercase letters, digits and single
 * hyphens, starting with a letter, ending with a letter or digit, at most 30 characters; the
 * default server is the empty name. Uppercase, slashes, spaces and markup are all rejected.
 */
public final class Names {
    private static final Pattern USER = Pattern.compile("^(?!.*\\.\\.)[a-z0-9][a-z0-9._-]{0,63}$");
    private static final Pattern SERVER = Pattern.compile("^[a-z](?:-?[a-z0-9]){0,29}$");

    private Names() {
    }

    public static String user(String name) {
        if (name == null || !USER.matcher(name).matches()) {
            throw ApiException.badRequest("invalid user name " + quote(name)
                    + ": use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    public static String group(String name) {
        if (name == null || !USER.matcher(name).matches()) {
            throw ApiException.badRequest("invalid group name " + quote(name)
                    + ": use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    /** A server name; "" is the default server. */
    public static String server(String name) {
        if (name == null) {
            return "";
        }
        if (!name.isEmpty() && (name.length() > 30 || !SERVER.matcher(name).matches())) {
            throw ApiException.badRequest("invalid server name " + quote(name)
                    + ": use up to 30 lowercase letters, digits and single hyphens, starting with a letter");
        }
        return name;
    }

    public static boolean isValidUser(String name) {
        return name != null && USER.matcher(name).matches();
    }

    // Names are echoed only after being cut short and stripped of anything but printable ASCII.
    private static String quote(String name) {
        if (name == null) {
            return "(none)";
        }
        String shown = name.length() > 40 ? name.substring(0, 40) + "..." : name;
        return "'" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
