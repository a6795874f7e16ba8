package io.meridian.hub.spawners;

import io.meridian.hub.servers.ServerOptionsPolicy;
import io.meridian.hub.servers.ServerRow;
import io.meridian.hub.servers.ServerState;
import io.meridian.hub.servers.ServerStore;
import io.meridian.hub.users.User;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ApiException;
import io.meridian.spawner.SpawnException;
import io.meridian.spawner.Spawner;
import io.meridian.spawner.docker.DockerHealth;
import io.meridian.spawner.docker.DockerSpawner;
import io.meridian.spawner.docker.Profile;
import io.meridian.spawner.docker.Reconciliation;
import io.meridian.spawner.gpu.GpuAssignment;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the hub offers around its spawner: user options checked at request time (with the user's groups
 * added), the profiles a user may pick, the spawner's health, GPU holders, and the Docker start-up work
 * (reconciliation, pre-pulls). Without Docker there are no profiles and no GPUs.
 */
public final class SpawnerFeatures implements ServerOptionsPolicy {
    private static final System.Logger LOG = System.getLogger(SpawnerFeatures.class.getName());
    /** The userOptions key the hub fills with the user's groups; users may not set it themselves. */
    public static final String GROUPS = "_groups";

    private final Spawner spawner;
    private final Optional<DockerSpawner> docker;
    private final DockerSettings dockerSettings;
    private final UserStore users;

    /** @param dockerSettings the settings {@code spawner} was built with when it is a {@link DockerSpawner}, else null */
    public SpawnerFeatures(Spawner spawner, DockerSettings dockerSettings, UserStore users) {
        this.spawner = spawner;
        this.docker = spawner instanceof DockerSpawner d ? Optional.of(d) : Optional.empty();
        this.dockerSettings = dockerSettings;
        this.users = users;
    }

    /** A profile as the dashboard shows it. */
    public record ProfileView(String name, String displayName, String image, double cpus, long memoryBytes, int gpus,
                              boolean gpuSharing, boolean isDefault) {
    }

    /** The spawner component of {@code /hub/health}: degraded when its backend does not answer. */
    public record Health(String kind, boolean healthy, String detail) {
    }

    @Override
    public Map<String, Object> admit(User user, Map<String, Object> userOptions) {
        for (String key : userOptions.keySet()) {
            if (key.startsWith("_")) {
                throw ApiException.badRequest("Server option '" + key + "' is set by the hub, not by users.");
            }
        }
        Map<String, Object> options = new HashMap<>(userOptions);
        options.put(GROUPS, users.groupsOf(user.id()));
        if (docker.isPresent()) {
            try {
                docker.get().checkOptions(options);
            } catch (SpawnException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        return Map.copyOf(options);
    }

    /** The profiles {@code user} may start a server with; the first is the default. */
    public List<ProfileView> profiles(User user) {
        if (docker.isEmpty()) {
            return List.of();
        }
        Set<String> groups = Set.copyOf(users.groupsOf(user.id()));
        Profile first = docker.get().config().defaultProfile();
        return docker.get().config().profiles().stream()
                .filter(p -> p.openTo(groups))
                .map(p -> new ProfileView(p.name(), p.displayName(), p.image(), p.cpus(), p.memoryBytes(), p.gpus(),
                        p.gpuSharing(), p.equals(first)))
                .toList();
    }

    public String kind() {
        return spawner.kind();
    }

    public Health health() {
        if (docker.isEmpty()) {
            return new Health(spawner.kind(), true, "");
        }
        DockerHealth health = docker.get().health();
        return new Health(spawner.kind(), health.healthy(), health.detail());
    }

    /** Every GPU of the host and the servers holding it; empty without Docker or GPUs. */
    public List<GpuAssignment> gpus() {
        return docker.map(DockerSpawner::gpuSnapshot).orElse(List.of());
    }

    /**
     * Before the hub re-adopts its servers: lines Docker up with the database (containers of ready servers
     * adopted with their GPUs, dead ones removed, containers unknown to the hub reported and stopped), then
     * pre-pulls the allowed images in the background. Neither stops the hub from starting.
     */
    public void prepare(ServerStore servers) {
        if (docker.isEmpty()) {
            return;
        }
        List<Map<String, String>> known = servers.inState(ServerState.READY).stream().map(ServerRow::spawnerState).toList();
        try {
            Reconciliation result = docker.get().reconcile(known, dockerSettings.stopOrphans());
            for (Reconciliation.Orphan orphan : result.orphans()) {
                LOG.log(Level.WARNING, "container of " + orphan.user() + (orphan.server().isEmpty() ? "" : "/" + orphan.server())
                        + " was running unknown to the hub" + (orphan.stopped() ? "; stopped it (home volume kept)" : "; left running"));
            }
            LOG.log(Level.INFO, "Docker servers reconciled: " + result.adopted().size() + " adopted, "
                    + result.vanished().size() + " gone, " + result.orphans().size() + " unknown to the hub");
        } catch (SpawnException e) {
            LOG.log(Level.WARNING, "could not reconcile with Docker; servers are re-checked by polling: " + e.getMessage());
        }
        if (dockerSettings.prePull()) {
            Thread.ofVirtual().name("docker-pre-pull").start(() -> docker.get().prePull().forEach(outcome ->
                    LOG.log(outcome.ok() ? Level.INFO : Level.WARNING,
                            "pre-pull of " + outcome.image() + (outcome.ok() ? ": " : " failed: ") + outcome.detail())));
        }
    }
}
