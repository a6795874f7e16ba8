package io.meridian.spawner.docker;

/**
 * The Docker engine as the hub's health endpoint reports it.
 *
 * @param healthy whether the engine answers; false means the spawner is degraded (no spawns possible)
 * @param detail  engine version and server count, or what went wrong
 */
public record DockerHealth(boolean healthy, String detail) {
}
