package io.meridian.kernel.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The connection file Jupyter writes for a kernel: where to bind and how to sign. */
public record ConnectionInfo(String transport, String ip, int shellPort, int iopubPort, int stdinPort,
                             int controlPort, int hbPort, String signatureScheme, String key) {

    public static ConnectionInfo read(Path file) throws IOException {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IOException("cannot read connection file " + file + ": " + e.getMessage(), e);
        }
        String scheme = json.path("signature_scheme").asText("hmac-sha256");
        if (!scheme.isEmpty() && !scheme.equals("hmac-sha256")) {
            throw new IOException("unsupported signature_scheme '" + scheme + "' in " + file
                    + "; only hmac-sha256 is supported");
        }
        return new ConnectionInfo(json.path("transport").asText("tcp"), json.path("ip").asText("127.0.0.1"),
                port(json, "shell_port", file), port(json, "iopub_port", file), port(json, "stdin_port", file),
                port(json, "control_port", file), port(json, "hb_port", file), scheme, json.path("key").asText(""));
    }

    private static int port(JsonNode json, String name, Path file) throws IOException {
        JsonNode port = json.get(name);
        if (port == null || !port.canConvertToInt()) {
            throw new IOException("connection file " + file + " has no numeric " + name);
        }
        return port.asInt();
    }

    /** The ZeroMQ endpoint for a port, e.g. tcp://127.0.0.1:5555 or ipc://name-1. */
    public String endpoint(int port) {
        return "ipc".equals(transport) ? "ipc://" + ip + "-" + port : transport + "://" + ip + ":" + port;
    }
}
