package io.meridian.platform;

import java.net.URI;
import java.util.Map;

/**
 * The {@code platform} object every notebook cell has: the hub's catalog, the user's storage and who
 * the user is. Inside a Meridian server it is configured from {@code MERIDIAN_HUB_API_URL} and
 * {@code MERIDIAN_API_TOKEN}; elsewhere every call says how to set them.
 */
public final class Platform {
    static final String NOT_CONFIGURED = "not connected to a Meridian hub: set MERIDIAN_HUB_API_URL "
            + "(e.g. https://hub.example.org/hub/api) and MERIDIAN_API_TOKEN (a token from the hub's /hub/token page), "
            + "then restart the kernel";

    private final HubClient hub;

    private Platform(HubClient hub) {
        this.hub = hub;
    }

    /** The platform of the server this kernel runs in, or an unconfigured one that explains itself. */
    public static Platform fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static Platform fromEnvironment(Map<String, String> env) {
        String url = env.get("MERIDIAN_HUB_API_URL");
        String token = env.get("MERIDIAN_API_TOKEN");
        if (url == null || url.isBlank() || token == null || token.isBlank()) {
            return new Platform(null);
        }
        return connect(url, token);
    }

    /** A platform at {@code hubApiUrl} (the hub's /hub/api URL, or the hub's root URL) with an API token. */
    public static Platform connect(String hubApiUrl, String token) {
        String root = hubApiUrl.strip().replaceAll("/+$", "");
        if (root.endsWith("/hub/api")) {
            root = root.substring(0, root.length() - "/hub/api".length());
        }
        URI base;
        try {
            base = URI.create(root);
        } catch (IllegalArgumentException e) {
            throw new PlatformException(0, "MERIDIAN_HUB_API_URL is not a URL: " + hubApiUrl);
        }
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new PlatformException(0, "MERIDIAN_HUB_API_URL must start with http:// or https://, got " + hubApiUrl);
        }
        return new Platform(new HubClient(base, token.strip()));
    }

    public Modules modules() {
        return new Modules(this);
    }

    public Storage storage() {
        return new Storage(this);
    }

    /** Deploys a catalog module (io.meridian.platform.deploy); waits until its DEEPaaS API answers. */
    public io.meridian.platform.deploy.Deployment deploy(String moduleId, io.meridian.platform.deploy.Resources resources) {
        return deployer().deploy(moduleId, resources);
    }

    /** Trains on a deployment with a live progress bar, then shows the final metrics. */
    public io.meridian.platform.deploy.Training train(io.meridian.platform.deploy.Deployment deployment, Map<String, ?> args) {
        return deployer().train(deployment, args);
    }

    public io.meridian.platform.deploy.Deployer.InferenceServices inference() {
        return deployer().inference();
    }

    /** Deployments and trainings: list, get, deploy an image, start a training without waiting. */
    public io.meridian.platform.deploy.Deployer deployer() {
        return new io.meridian.platform.deploy.Deployer(hub().base(), hub().token());
    }

    /** The user this notebook acts for. */
    public Me me() {
        return hub().get("/hub/api/user", Me.class);
    }

    public boolean connected() {
        return hub != null;
    }

    HubClient hub() {
        if (hub == null) {
            throw new PlatformException(0, NOT_CONFIGURED);
        }
        return hub;
    }

    @Override
    public String toString() {
        return hub == null ? "Meridian platform (" + NOT_CONFIGURED + ")" : "Meridian platform at " + hub.base();
    }
}
