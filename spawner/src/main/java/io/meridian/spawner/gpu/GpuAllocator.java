package io.meridian.spawner.gpu;

import io.meridian.spawner.SpawnException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which server holds which GPU. A GPU goes to one server at a time unless every server on it
 * (and the newcomer) runs a profile that allows sharing; each user may hold at most
 * {@code perUserQuota} GPUs across all their servers and deployments. The hub keeps one allocator for the
 * host, shared by the Docker spawner's servers and the deployments (holders named by
 * {@link ServerRef#deployment}). It lives in memory; after a hub restart each side records again, through
 * {@link #restore}, what its running containers hold.
 */
public final class GpuAllocator {

    private final GpuInventory inventory;
    private final int perUserQuota;
    /** device id -> holders and whether each holder allows sharing, in inventory order. */
    private final Map<String, Map<ServerRef, Boolean>> holders = new LinkedHashMap<>();

    /** @param perUserQuota most GPUs one user may hold at once; {@link Integer#MAX_VALUE} for no limit */
    public GpuAllocator(GpuInventory inventory, int perUserQuota) {
        if (perUserQuota < 0) {
            throw new IllegalArgumentException("GPU quota per user must be >= 0: " + perUserQuota);
        }
        this.inventory = inventory;
        this.perUserQuota = perUserQuota;
        inventory.devices().forEach(d -> holders.put(d.id(), new LinkedHashMap<>()));
    }

    public GpuInventory inventory() {
        return inventory;
    }

    /**
     * Gives {@code count} GPUs to {@code server}: free ones first, then (when {@code sharing}) the
     * least crowded shareable ones. Nothing changes when the request cannot be met.
     *
     * @return the device ids, in inventory order
     */
    public synchronized List<String> allocate(ServerRef server, int count, boolean sharing) throws SpawnException {
        if (count <= 0) {
            return List.of();
        }
        if (holds(server)) {
            throw new SpawnException("Server " + server + " already holds GPUs " + heldBy(server)
                    + "; stop it before starting it again.");
        }
        if (count > inventory.size()) {
            throw new SpawnException(server + " asks for " + count + " GPU(s) but this host has "
                    + inventory.size() + ". Ask for fewer GPUs.");
        }
        int userHolds = userDeviceCount(server.user());
        if (userHolds + count > perUserQuota) {
            throw new SpawnException("GPU quota exceeded: user " + server.user() + " holds " + userHolds
                    + " GPU(s) and asks for " + count + " more; the limit is " + perUserQuota
                    + " per user. Stop another server or deployment with GPUs first.");
        }
        List<String> chosen = new ArrayList<>();
        holders.forEach((id, onDevice) -> {
            if (chosen.size() < count && onDevice.isEmpty()) {
                chosen.add(id);
            }
        });
        if (chosen.size() < count && sharing) {
            holders.entrySet().stream()
                    .filter(e -> !e.getValue().isEmpty() && !e.getValue().containsValue(false))
                    .sorted(Comparator.comparingInt(e -> e.getValue().size()))
                    .map(Map.Entry::getKey)
                    .limit(count - chosen.size())
                    .forEach(chosen::add);
        }
        if (chosen.size() < count) {
            throw new SpawnException("Not enough free GPUs: " + server + " asks for " + count + ", "
                    + freeCount() + " of " + inventory.size() + " are free"
                    + (sharing ? " or shareable" : "") + " (servers and deployments share them)."
                    + " Try again when another server or deployment stops.");
        }
        chosen.forEach(id -> holders.get(id).put(server, sharing));
        return order(chosen);
    }

    /** Frees whatever {@code server} holds; a server holding nothing is fine. */
    public synchronized void release(ServerRef server) {
        holders.values().forEach(onDevice -> onDevice.remove(server));
    }

    /**
     * Records that {@code server} already holds {@code ids} (read back from a running container).
     * Ids no longer in the inventory are ignored: the device is gone, nothing can be given out twice.
     */
    public synchronized void restore(ServerRef server, List<String> ids, boolean sharing) {
        release(server);
        for (String id : ids) {
            Map<ServerRef, Boolean> onDevice = holders.get(id);
            if (onDevice != null) {
                onDevice.put(server, sharing);
            }
        }
    }

    public synchronized List<String> heldBy(ServerRef server) {
        List<String> ids = new ArrayList<>();
        holders.forEach((id, onDevice) -> {
            if (onDevice.containsKey(server)) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** Every GPU with its holders, for the admin API. */
    public synchronized List<GpuAssignment> snapshot() {
        List<GpuAssignment> snapshot = new ArrayList<>();
        for (GpuDevice device : inventory.devices()) {
            Map<ServerRef, Boolean> onDevice = holders.get(device.id());
            snapshot.add(new GpuAssignment(device, new ArrayList<>(onDevice.keySet()),
                    !onDevice.isEmpty() && !onDevice.containsValue(false)));
        }
        return snapshot;
    }

    private boolean holds(ServerRef server) {
        return holders.values().stream().anyMatch(onDevice -> onDevice.containsKey(server));
    }

    private int userDeviceCount(String user) {
        return (int) holders.values().stream()
                .filter(onDevice -> onDevice.keySet().stream().anyMatch(s -> s.user().equals(user)))
                .count();
    }

    private long freeCount() {
        return holders.values().stream().filter(Map::isEmpty).count();
    }

    private List<String> order(List<String> ids) {
        Set<String> wanted = new LinkedHashSet<>(ids);
        return holders.keySet().stream().filter(wanted::contains).toList();
    }
}
