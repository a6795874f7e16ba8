package io.meridian.platform;

import com.fasterxml.jackson.databind.JavaType;

import java.util.List;
import java.util.Map;

/** {@code platform.modules()}: the hub's module catalog. */
public final class Modules {
    private static final JavaType MODULES = HubClient.JSON.getTypeFactory().constructCollectionType(List.class, Module.class);
    private static final JavaType MAP = HubClient.JSON.getTypeFactory().constructMapType(Map.class, String.class, Object.class);
    private final Platform platform;

    Modules(Platform platform) {
        this.platform = platform;
    }

    /** Every module. */
    public ModuleList list() {
        return search("");
    }

    /** Modules whose id, title, summary, description or tags contain every word of {@code text}. */
    public ModuleList search(String text) {
        List<Module> found = platform.hub().get("/api/v1/catalog/modules/detail?q=" + HubClient.query(text == null ? "" : text), MODULES);
        return new ModuleList(found);
    }

    /** One module, with its description, links and DEEPaaS port. */
    public Module get(String id) {
        return platform.hub().get("/api/v1/catalog/modules/" + HubClient.query(id), Module.class);
    }

    /** The module's AI4OS metadata as written, extra fields included. */
    public Map<String, Object> metadata(String id) {
        return platform.hub().get("/api/v1/catalog/modules/" + HubClient.query(id) + "/metadata", MAP);
    }
}
