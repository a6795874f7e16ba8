package io.meridian.hub.proxy;

import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * A request path under {@code /user/}, resolved to the server it addresses.
 *
 * @param user    the user segment
 * @param server  the named server, or "" for the default server
 * @param rawPath the full path as the client sent it (still percent-encoded); servers share the hub's base URL,
 *                so it goes upstream unchanged
 */
record ProxyPath(String user, String server, String rawPath) {

    static final String PREFIX = "/user/";

    /**
     * Reads {@code /user/{user}/...}; the segment after the user is a named server only if that user has one of
     * that name, as in JupyterHub. Empty when the path has no user segment.
     */
    static Optional<ProxyPath> parse(String rawPath, BiPredicate<String, String> hasNamedServer) {
        if (!rawPath.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = rawPath.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String user = slash < 0 ? rest : rest.substring(0, slash);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        String server = "";
        if (slash >= 0) {
            String afterUser = rest.substring(slash + 1);
            int next = afterUser.indexOf('/');
            String candidate = next < 0 ? afterUser : afterUser.substring(0, next);
            if (!candidate.isEmpty() && hasNamedServer.test(user, candidate)) {
                server = candidate;
            }
        }
        return Optional.of(new ProxyPath(user, server, rawPath));
    }

    /** The server's base URL, {@code /user/{user}/} or {@code /user/{user}/{server}/}. */
    String baseUrl() {
        return PREFIX + user + "/" + (server.isEmpty() ? "" : server + "/");
    }

    /** True for {@code /user/alice} or {@code /user/alice/gpu} without the trailing slash of the base URL. */
    boolean missingTrailingSlash() {
        return rawPath.length() == baseUrl().length() - 1;
    }
}
