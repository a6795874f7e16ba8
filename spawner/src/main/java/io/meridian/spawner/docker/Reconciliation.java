package io.meridian.spawner.docker;

import java.util.List;
import java.util.Map;

/**
 * What {@link DockerSpawner#reconcile} found after a hub restart.
 *
 * @param adopted  states the hub knew whose containers still run; their GPUs are held again
 * @param vanished states the hub knew whose containers are gone or dead: the hub marks them stopped
 * @param orphans  running containers of this hub the hub did not know about
 */
public record Reconciliation(List<Map<String, String>> adopted,
                             List<Map<String, String>> vanished,
                             List<Orphan> orphans) {
    public Reconciliation {
        adopted = List.copyOf(adopted);
        vanished = List.copyOf(vanished);
        orphans = List.copyOf(orphans);
    }

    /**
     * A labelled container unknown to the hub.
     *
     * @param state   the state the hub could adopt it with (its URL cannot be known without the token, so
     *                the hub would usually stop it)
     * @param stopped whether reconcile stopped and removed it (the home volume stays)
     */
    public record Orphan(String user, String server, Map<String, String> state, boolean stopped) {
        public Orphan {
            state = Map.copyOf(state);
        }
    }
}
