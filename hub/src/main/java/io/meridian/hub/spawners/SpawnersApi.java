package io.meridian.hub.spawners;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.web.Json;
import io.meridian.spawner.gpu.GpuAssignment;
import io.meridian.spawner.gpu.ServerRef;

import java.util.function.Function;

/**
 * Platform API around the spawner: {@code GET /profiles}, the server profiles the caller may pick, and
 * {@code GET /admin/gpus}, which server holds which GPU (scope admin:servers).
 */
public final class SpawnersApi implements HttpService {
    private final Function<ServerRequest, Caller> callers;
    private final SpawnerFeatures features;

    public SpawnersApi(Function<ServerRequest, Caller> callers, SpawnerFeatures features) {
        this.callers = callers;
        this.features = features;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/profiles", this::profiles)
                .get("/admin/gpus", this::gpus);
    }

    private void profiles(ServerRequest req, ServerResponse res) {
        Caller caller = callers.apply(req);
        ObjectNode body = Json.object();
        body.put("spawner", features.kind());
        body.set("profiles", Json.MAPPER.valueToTree(features.profiles(caller.user())));
        Json.ok(res, body);
    }

    private void gpus(ServerRequest req, ServerResponse res) {
        callers.apply(req).requireUnfiltered("admin:servers");
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (GpuAssignment gpu : features.gpus()) {
            ObjectNode node = list.addObject();
            node.put("id", gpu.device().id());
            node.put("index", gpu.device().index());
            node.put("name", gpu.device().name());
            node.put("memoryMiB", gpu.device().memoryMiB());
            node.put("free", gpu.free());
            node.put("shared", gpu.shared());
            ArrayNode holders = node.putArray("holders");
            for (ServerRef holder : gpu.holders()) {
                holders.addObject().put("user", holder.user()).put("server", holder.server());
            }
        }
        ObjectNode body = Json.object();
        body.set("gpus", list);
        Json.ok(res, body);
    }
}
