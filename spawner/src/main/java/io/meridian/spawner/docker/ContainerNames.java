package io.meridian.spawner.docker;

import java.nio.charset.StandardCharsets;

/**
 * Docker names for a server's container and home volume. User and server names are escaped so that
 * every name is valid for Docker and no two (user, server) pairs share one: only {@code a-z 0-9 .}
 * stay as they are, anything else becomes {@code _xx} (hex of its UTF-8 bytes), so escaped parts
 * never contain {@code -} and the {@code --} separator is unambiguous.
 *
 * <ul>
 *   <li>default server: container {@code meridian-{user}}, volume {@code meridian-home-{user}}</li>
 *   <li>named server: container {@code meridian-{user}--{server}}; volume {@code meridian-home-{user}} when
 *       volumes are per user, {@code meridian-home-{user}--{server}} when per server</li>
 * </ul>
 */
final class ContainerNames {

    private ContainerNames() {
    }

    static String container(String user, String server) {
        return "meridian-" + escape(user) + (server.isEmpty() ? "" : "--" + escape(server));
    }

    static String volume(String user, String server, DockerSpawnerConfig.VolumePolicy policy) {
        boolean perServer = policy == DockerSpawnerConfig.VolumePolicy.PER_SERVER && !server.isEmpty();
        return "meridian-home-" + escape(user) + (perServer ? "--" + escape(server) : "");
    }

    static String escape(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.') {
                out.append(c);
            } else {
                out.append('_').append(String.format("%02x", b & 0xff));
            }
        }
        return out.toString();
    }
}
