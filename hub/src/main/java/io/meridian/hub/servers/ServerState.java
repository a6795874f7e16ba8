package io.meridian.hub.servers;

/** JupyterHub's server lifecycle, stored in the database as the lower-case name. */
public enum ServerState {
    PENDING_SPAWN, READY, PENDING_STOP, STOPPED;

    public String db() {
        return name().toLowerCase();
    }

    public static ServerState fromDb(String value) {
        return valueOf(value.toUpperCase());
    }

    /** The {@code pending} field of JupyterHub's server model. */
    public String pending() {
        return switch (this) {
            case PENDING_SPAWN -> "spawn";
            case PENDING_STOP -> "stop";
            default -> null;
        };
    }

    public boolean active() {
        return this != STOPPED;
    }
}
