package io.meridian.kernel.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionInfoTest {

    @Test
    void readsPortsKeyAndEndpoints(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kernel.json");
        Files.writeString(file, """
                {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
                 "ip": "127.0.0.1", "key": "abc", "transport": "tcp", "signature_scheme": "hmac-sha256",
                 "kernel_name": "meridian-java"}""");

        ConnectionInfo info = ConnectionInfo.read(file);

        assertEquals(5004, info.controlPort());
        assertEquals("abc", info.key());
        assertEquals("tcp://127.0.0.1:5001", info.endpoint(info.shellPort()));
    }

    @Test
    void missingPortOrUnknownSchemeIsAClearError(@TempDir Path dir) throws IOException {
        Path noPort = dir.resolve("a.json");
        Files.writeString(noPort, "{\"shell_port\": 1}");
        Path md5 = dir.resolve("b.json");
        Files.writeString(md5, "{\"signature_scheme\": \"hmac-md5\"}");

        IOException missing = assertThrows(IOException.class, () -> ConnectionInfo.read(noPort));
        IOException scheme = assertThrows(IOException.class, () -> ConnectionInfo.read(md5));

        assertTrue(missing.getMessage().contains("iopub_port"), missing.getMessage());
        assertTrue(scheme.getMessage().contains("hmac-md5"), scheme.getMessage());
    }
}
