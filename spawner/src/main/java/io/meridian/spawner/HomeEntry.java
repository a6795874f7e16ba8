package io.meridian.spawner;

/**
 * A file in a server's home directory.
 *
 * @param path    relative to the folder that was read, '/'-separated
 * @param content the file's bytes
 */
public record HomeEntry(String path, byte[] content) {
}
