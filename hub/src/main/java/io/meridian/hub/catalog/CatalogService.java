package io.meridian.hub.catalog;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Params;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code /api/v1/catalog}: the module catalog, shaped like AI4OS PAPI's — names, details, metadata,
 * deployment configuration and an admin refresh. Any authenticated caller may read it.
 */
public final class CatalogService implements HttpService {
    private final Function<ServerRequest, Caller> callers;
    private final Catalog catalog;
    private final Function<String, Resources> quotas;

    /**
     * @param callers who is calling (the hub's authenticator: {@code auth::api})
     * @param quotas  a user's resource quota, which deployment configurations are clamped to
     */
    public CatalogService(Function<ServerRequest, Caller> callers, Catalog catalog, Function<String, Resources> quotas) {
        this.callers = callers;
        this.catalog = catalog;
        this.quotas = quotas;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/catalog/modules", this::names)
                .get("/catalog/modules/detail", this::details)
                .get("/catalog/modules/{id}", this::module)
                .get("/catalog/modules/{id}/metadata", this::metadata)
                .get("/catalog/modules/{id}/config", this::config)
                .get("/catalog/invalid", this::invalid)
                .post("/catalog/refresh", this::refresh);
    }

    private void names(ServerRequest req, ServerResponse res) {
        callers.apply(req);
        Json.ok(res, catalog.search(query(req)).stream().map(CatalogModule::id).toList());
    }

    private void details(ServerRequest req, ServerResponse res) {
        callers.apply(req);
        Json.ok(res, catalog.search(query(req)).stream().map(CatalogModule::listing).toList());
    }

    private void module(ServerRequest req, ServerResponse res) {
        callers.apply(req);
        Json.ok(res, catalog.module(Params.path(req, "id")));
    }

    private void metadata(ServerRequest req, ServerResponse res) {
        callers.apply(req);
        Json.ok(res, catalog.module(Params.path(req, "id")).metadata());
    }

    private void config(ServerRequest req, ServerResponse res) {
        Caller caller = callers.apply(req);
        String purpose = Params.query(req, "purpose").orElse("inference");
        Json.ok(res, catalog.deployConfig(Params.path(req, "id"), purpose, quotas.apply(caller.name())));
    }

    private void invalid(ServerRequest req, ServerResponse res) {
        callers.apply(req);
        Json.ok(res, catalog.snapshot().invalid());
    }

    private void refresh(ServerRequest req, ServerResponse res) {
        Caller caller = callers.apply(req);
        if (!caller.user().admin()) {
            throw ApiException.forbidden("only admins may refresh the catalog");
        }
        Catalog.Snapshot snapshot = catalog.refresh();
        Json.ok(res, Map.of("modules", snapshot.modules().size(), "invalid", snapshot.invalid().size(),
                "warnings", snapshot.warnings(), "loaded_at", Json.time(snapshot.loadedAt())));
    }

    /** Filters from the query: each may repeat or hold comma-separated values. */
    private static ModuleQuery query(ServerRequest req) {
        return new ModuleQuery(values(req, "tags"), values(req, "tasks"), values(req, "categories"),
                values(req, "libraries"), values(req, "data_type"), Params.query(req, "q").orElse(null));
    }

    private static List<String> values(ServerRequest req, String name) {
        List<String> out = new ArrayList<>();
        if (req.query().contains(name)) {
            for (String value : req.query().all(name)) {
                for (String part : value.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            }
        }
        return out;
    }
}
