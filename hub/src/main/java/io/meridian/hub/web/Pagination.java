package io.meridian.hub.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * JupyterHub's list pagination: {@code offset} and {@code limit} (default 50, at most 200), and
 * with {@code Accept: application/jupyterhub-pagination+json} the answer
 * {@code {"items": [...], "_pagination": {offset, limit, total, next}}} instead of a bare list.
 */
public record Pagination(int offset, int limit, boolean wrapped) {
    public static final String MEDIA_TYPE = "application/jupyterhub-pagination+json";
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;

    public static Pagination of(ServerRequest request) {
        int offset = Params.integer(request, "offset", 0);
        int limit = Params.integer(request, "limit", DEFAULT_LIMIT);
        boolean wrapped = request.headers().first(HeaderNames.ACCEPT).map(a -> a.contains(MEDIA_TYPE)).orElse(false);
        return new Pagination(offset, limit == 0 ? DEFAULT_LIMIT : Math.min(MAX_LIMIT, limit), wrapped);
    }

    /** The answer body: the items alone, or wrapped with page information; {@code path} is the list's URL path. */
    public Object body(ArrayNode items, long total, String path) {
        if (!wrapped) {
            return items;
        }
        ObjectNode body = Json.object();
        body.set("items", items);
        ObjectNode page = body.putObject("_pagination");
        page.put("offset", offset);
        page.put("limit", limit);
        page.put("total", total);
        if (offset + items.size() < total) {
            ObjectNode next = page.putObject("next");
            next.put("offset", offset + limit);
            next.put("limit", limit);
            next.put("url", path + "?offset=" + (offset + limit) + "&limit=" + limit);
        } else {
            page.putNull("next");
        }
        return body;
    }
}
