package io.meridian.spawner.docker;

import java.util.Set;

/**
 * A server size users pick from, as KubeSpawner's profile list does.
 *
 * @param name          what users send as {@code userOptions.profile}, e.g. {@code gpu-small}
 * @param displayName   shown in the dashboard
 * @param image         container image; must be in the spawner's allowed images
 * @param cpus          CPU limit in cores (fractions allowed), 0 for none
 * @param memoryBytes   memory limit in bytes (swap included), 0 for none
 * @param gpus          number of GPUs given to the server
 * @param allowedGroups groups whose members may use the profile; empty for everyone
 * @param gpuSharing    whether this profile's servers may share their GPUs with other sharing servers
 */
public record Profile(String name,
                      String displayName,
                      String image,
                      double cpus,
                      long memoryBytes,
                      int gpus,
                      Set<String> allowedGroups,
                      boolean gpuSharing) {
    public Profile {
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,62}")) {
            throw new IllegalArgumentException("profile name must be 1-63 of a-z 0-9 . _ - : '" + name + "'");
        }
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("profile " + name + " has no image");
        }
        if (cpus < 0 || memoryBytes < 0 || gpus < 0) {
            throw new IllegalArgumentException("profile " + name + ": cpus, memory and gpus must be >= 0");
        }
        if (memoryBytes > 0 && memoryBytes < 64L * 1024 * 1024) {
            throw new IllegalArgumentException("profile " + name + ": a memory limit under 64 MiB cannot run JupyterLab");
        }
        displayName = displayName == null || displayName.isBlank() ? name : displayName;
        allowedGroups = Set.copyOf(allowedGroups);
    }

    /** A profile open to everyone, without GPUs. */
    public static Profile of(String name, String image, double cpus, long memoryBytes) {
        return new Profile(name, name, image, cpus, memoryBytes, 0, Set.of(), false);
    }

    public boolean openTo(Set<String> groups) {
        return allowedGroups.isEmpty() || groups.stream().anyMatch(allowedGroups::contains);
    }
}
