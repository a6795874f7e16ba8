package io.meridian.nextcloud;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Nextcloud's chunked upload v2 endpoint as its developer manual specifies it, because no Nextcloud can
 * run here: MKCOL an upload folder, PUT numbered chunks (5 MiB..5 GiB except the last), MOVE its
 * {@code .file} to the destination. Every request must carry the Destination header. Files land in memory.
 */
final class FakeNextcloudUploads implements AutoCloseable {
    private static final long MIN_CHUNK = 5L * 1024 * 1024;
    private final HttpServer server;
    private final Map<String, TreeMap<Integer, byte[]>> uploads = new ConcurrentHashMap<>();
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final List<String> requests = new ArrayList<>();

    FakeNextcloudUploads() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/remote.php/dav/", this::handle);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getPath();
        String destination = x.getRequestHeaders().getFirst("Destination");
        synchronized (requests) {
            requests.add(method + " " + path);
        }
        byte[] body = x.getRequestBody().readAllBytes();
        int status;
        if (destination == null || !path.startsWith("/remote.php/dav/uploads/alice/")) {
            status = 400;
        } else {
            String rest = path.substring("/remote.php/dav/uploads/alice/".length());
            String folder = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
            String item = rest.contains("/") ? rest.substring(rest.indexOf('/') + 1) : "";
            status = switch (method) {
                case "MKCOL" -> uploads.putIfAbsent(folder, new TreeMap<>()) == null ? 201 : 405;
                case "PUT" -> putChunk(folder, item, body);
                case "MOVE" -> assemble(folder, item, destination, x.getRequestHeaders().getFirst("OC-Total-Length"));
                case "DELETE" -> uploads.remove(folder) == null ? 404 : 204;
                default -> 405;
            };
        }
        x.sendResponseHeaders(status, -1);
        x.close();
    }

    private int putChunk(String folder, String item, byte[] body) {
        TreeMap<Integer, byte[]> chunks = uploads.get(folder);
        if (chunks == null || !item.matches("\\d{1,5}") || Integer.parseInt(item) < 1 || Integer.parseInt(item) > 10000) {
            return 400;
        }
        chunks.put(Integer.parseInt(item), body);
        return 201;
    }

    private int assemble(String folder, String item, String destination, String totalLength) {
        TreeMap<Integer, byte[]> chunks = uploads.remove(folder);
        if (chunks == null || !item.equals(".file")) {
            return 404;
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int i = 0;
        for (byte[] chunk : chunks.values()) {
            if (++i < chunks.size() && chunk.length < MIN_CHUNK) {
                return 400;
            }
            all.writeBytes(chunk);
        }
        if (totalLength == null || Long.parseLong(totalLength) != all.size()) {
            return 400;
        }
        files.put(destination, all.toByteArray());
        return 201;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
