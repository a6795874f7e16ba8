package io.meridian.spawner;

/** Result of polling a server: running, or stopped with an exit description. */
public record ServerStatus(boolean running, String detail) {
    public static ServerStatus runningNow() {
        return new ServerStatus(true, "running");
    }

    public static ServerStatus stopped(String detail) {
        return new ServerStatus(false, detail);
    }
}
