package io.meridian.spawner.gpu;

/** A server that holds GPUs: its user and server name (empty for the default server). */
public record ServerRef(String user, String server) {
    public ServerRef {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("user must not be empty");
        }
        server = server == null ? "" : server;
    }

    @Override
    public String toString() {
        return server.isEmpty() ? user : user + "/" + server;
    }
}
