package io.meridian.spawner.gpu;

/**
 * What holds GPUs: a server, by its user and server name (empty for the default server), or a deployment
 * (see {@link #deployment}).
 */
public record ServerRef(String user, String server) {
    /** Marks a deployment's holder; no server name contains it, so the two never collide. */
    private static final String DEPLOYMENT = "deployment:";

    public ServerRef {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("user must not be empty");
        }
        server = server == null ? "" : server;
    }

    /** The holder of the GPUs of {@code user}'s deployment {@code id}. */
    public static ServerRef deployment(String user, String id) {
        return new ServerRef(user, DEPLOYMENT + id);
    }

    @Override
    public String toString() {
        if (server.startsWith(DEPLOYMENT)) {
            return "deployment " + server.substring(DEPLOYMENT.length()) + " of " + user;
        }
        return server.isEmpty() ? user : user + "/" + server;
    }
}
