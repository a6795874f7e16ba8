package io.meridian.hub.users;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.servers.ServerRow;
import io.meridian.hub.servers.ServerState;
import io.meridian.hub.web.Json;

/** JupyterHub's JSON models of users and servers. Absent values are left out rather than written as null. */
public final class Models {
    private Models() {
    }

    public static ObjectNode user(UserStore.UserDetail detail, Caller caller) {
        User user = detail.user();
        ObjectNode node = Json.object();
        node.put("kind", "user");
        node.put("name", user.name());
        node.put("admin", user.admin());
        var roles = node.putArray("roles");
        if (user.admin()) {
            roles.add("admin");
        }
        roles.add("user");
        var groups = node.putArray("groups");
        detail.groups().forEach(groups::add);
        putTime(node, "created", user.created());
        putTime(node, "last_activity", user.lastActivity());
        ObjectNode servers = node.putObject("servers");
        boolean withState = caller.can("admin:server_state", user.name());
        for (ServerRow row : detail.servers()) {
            servers.set(row.name(), server(row, withState));
            if (row.name().isEmpty()) {
                if (row.state() == ServerState.READY) {
                    node.put("server", row.baseUrl());
                }
                if (row.state().pending() != null) {
                    node.put("pending", row.state().pending());
                }
            }
        }
        return node;
    }

    public static ObjectNode server(ServerRow row, boolean withState) {
        ObjectNode node = Json.object();
        node.put("name", row.name());
        node.put("display_name", row.displayName() == null ? row.name() : row.displayName());
        node.put("ready", row.state() == ServerState.READY);
        node.put("stopped", row.state() == ServerState.STOPPED);
        if (row.state().pending() != null) {
            node.put("pending", row.state().pending());
        }
        node.put("url", row.baseUrl());
        node.put("progress_url", row.progressUrl());
        node.putNull("full_url");
        node.putNull("full_progress_url");
        putTime(node, "started", row.started());
        putTime(node, "last_activity", row.lastActivity() != null ? row.lastActivity() : row.started());
        if (withState) {
            node.set("state", Json.MAPPER.valueToTree(row.spawnerState()));
        }
        node.set("user_options", Json.MAPPER.valueToTree(row.userOptions()));
        if (row.message() != null) {
            node.put("message", row.message());
        }
        return node;
    }

    private static void putTime(ObjectNode node, String field, java.time.Instant time) {
        if (time != null) {
            node.put(field, Json.time(time));
        }
    }
}
