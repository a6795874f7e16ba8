package io.meridian.hub.catalog;

import java.net.URI;

/**
 * Turns {@code links.docker_image} into an image reference. AI4OS metadata gives it either as a bare
 * name ("ai4oshub/ai4os-demo-app") or as a Docker Hub page ("https://hub.docker.com/r/deephdc/deep-oc-mods").
 */
final class DockerImages {
    private DockerImages() {
    }

    /** The image reference, or null when {@code link} names no image. */
    static String fromLink(String link) {
        if (link == null || link.isBlank()) {
            return null;
        }
        String value = link.trim();
        if (!value.startsWith("http://") && !value.startsWith("https://")) {
            return value.matches("[a-zA-Z0-9][a-zA-Z0-9._/:@-]*") ? value : null;
        }
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
        String host = uri.getHost() == null ? "" : uri.getHost();
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        if (host.equals("hub.docker.com") || host.equals("registry.hub.docker.com")) {
            if (path.startsWith("r/")) {
                return path.substring(2).isEmpty() ? null : path.substring(2);
            }
            if (path.startsWith("_/")) {
                return path.substring(2).isEmpty() ? null : path.substring(2);
            }
            if (path.startsWith("repository/docker/")) {
                return path.substring("repository/docker/".length());
            }
            return path.isEmpty() ? null : path;
        }
        // Any other registry: host/path is the reference ("registry.example.org/team/model").
        return path.isEmpty() ? null : host + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "/" + path;
    }
}
