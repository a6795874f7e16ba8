package io.meridian.spawner.gpu;

import java.util.List;

/**
 * For the admin API: one GPU and the servers holding it.
 *
 * @param device  the GPU
 * @param holders servers using it; empty when free, more than one only when all of them allow sharing
 * @param shared  whether the current holders accept others on this GPU
 */
public record GpuAssignment(GpuDevice device, List<ServerRef> holders, boolean shared) {
    public GpuAssignment {
        holders = List.copyOf(holders);
    }

    public boolean free() {
        return holders.isEmpty();
    }
}
