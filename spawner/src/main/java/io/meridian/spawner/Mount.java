package io.meridian.spawner;

import java.nio.file.Path;

/**
 * A host folder made visible inside a server, such as a course's shared data.
 *
 * @param source   absolute path of the folder on the host (the Docker engine must see the same path)
 * @param target   where it appears, relative to the server's home directory ({@code ml101-data})
 * @param readOnly whether the server may not change it; Docker enforces it, the local spawner cannot
 *                 (its servers run as the hub's own OS user), see {@link io.meridian.spawner.local.LocalProcessSpawner}
 */
public record Mount(Path source, String target, boolean readOnly) {
    public Mount {
        if (source == null || !source.isAbsolute()) {
            throw new IllegalArgumentException("mount source must be an absolute path: " + source);
        }
        target = HomeFiles.checkPath(target);
    }
}
