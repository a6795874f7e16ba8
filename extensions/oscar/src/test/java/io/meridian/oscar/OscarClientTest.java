package io.meridian.oscar;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OSCAR client against {@link FakeOscar}, which validates every request the client sends
 * and every response it parses against OSCAR's published Swagger 2.0 spec (v4.1.2). The fake
 * stands in only because no OSCAR cluster (Kubernetes, Knative, MinIO) can run on this machine.
 */
class OscarClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeOscar oscar;
    private OscarClient basic;

    @BeforeEach
    void start() throws Exception {
        oscar = new FakeOscar();
        basic = OscarClient.connect(oscar.uri(), OscarAuth.basic(FakeOscar.USER, FakeOscar.PASSWORD));
    }

    @AfterEach
    void everyExchangeFollowedTheSpec() {
        oscar.close();
        assertEquals(List.of(), oscar.violations());
    }

    private static Service example(String file) throws Exception {
        try (InputStream in = OscarClientTest.class.getResourceAsStream("/oscar-examples/" + file)) {
            return JSON.readValue(in, Service.class);
        }
    }

    @Test
    void readsTheServiceJsonOscarCliMakesFromAnFdl() throws Exception {
        Service cowsay = example("cowsay-service.from-fdl.json");
        assertEquals("cowsay", cowsay.name());
        assertEquals("oscar-replica", cowsay.clusterId());
        assertEquals("1Gi", cowsay.memory());
        assertEquals(Map.of("INPUT_TYPE", "json"), cowsay.environment().variables(), "oscar-cli's 'Variables' is read");
        Service simple = example("simple-test-service.from-fdl.json");
        assertEquals(List.of(StorageIO.of("minio.default", "simple-test/input")), simple.input());
        assertEquals("simple-test/output", simple.output().get(0).path());
        String written = JSON.writeValueAsString(simple);
        assertTrue(written.contains("\"storage_provider\":\"minio.default\""), written);
        assertFalse(written.contains("\"other\""), written);
    }

    @Test
    void createsListsReadsUpdatesAndDeletesAService() throws Exception {
        basic.createService(example("cowsay-service.from-fdl.json"));
        basic.createService(Service.of("iris-classifier", "meridian/module-iris:latest", "#!/bin/sh\ncat $INPUT_FILE_PATH\n")
                .withResources("500m", "512Mi", true)
                .withEnvironment(new ServiceEnvironment(Map.of("MODE", "predict"), Map.of("API_KEY", "k3y")))
                .withStorage(List.of(StorageIO.of("minio.default", "iris/in")), List.of(StorageIO.of("minio.default", "iris/out"))));

        assertEquals(List.of("cowsay", "iris-classifier"), basic.services().stream().map(Service::name).toList());
        Service iris = basic.service("iris-classifier");
        assertEquals("500m", iris.cpu());
        assertTrue(iris.enableGpu());
        assertEquals(Map.of("API_KEY", "k3y"), iris.environment().secrets());
        assertEquals("cluster_admin", iris.owner());
        assertFalse(iris.token().isBlank());
        assertFalse(iris.toString().contains("k3y"), "secret values stay out of logs");
        assertFalse(iris.toString().contains(iris.token()));

        basic.updateService(iris.withResources("1.0", "1Gi", false));
        Service updated = basic.service("iris-classifier");
        assertEquals("1Gi", updated.memory());
        assertFalse(updated.enableGpu());

        basic.deleteService("cowsay");
        assertEquals(List.of("iris-classifier"), basic.services().stream().map(Service::name).toList());
        OscarException gone = assertThrows(OscarException.class, () -> basic.service("cowsay"));
        assertEquals(404, gone.status());
        assertTrue(gone.getMessage().contains("check the service or job name"), gone.getMessage());
    }

    @Test
    void fieldsTheClientDoesNotModelSurviveAReadModifyWrite() throws Exception {
        Service withExtras = JSON.readValue("{\"name\":\"keep\",\"image\":\"busybox\",\"script\":\"true\","
                + "\"storage_providers\":{\"s3\":{\"aws\":{\"region\":\"eu-west-1\"}}},\"alpine\":true}", Service.class);
        basic.createService(withExtras);
        basic.updateService(basic.service("keep").withLogLevel("DEBUG"));
        Service back = basic.service("keep");
        assertEquals("DEBUG", back.logLevel());
        assertEquals(true, back.other().get("alpine"));
        assertTrue(back.other().containsKey("storage_providers"), back.other().toString());
    }

    @Test
    void runsAServiceSynchronouslyWithItsOwnTokenUnderBasicAuth() throws Exception {
        basic.createService(example("cowsay-service.from-fdl.json"));
        byte[] out = basic.run("cowsay", "{\"message\":\"hello\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals("cowsay processed 19 bytes", new String(out, StandardCharsets.UTF_8));
        assertEquals("POST /run/cowsay", oscar.requests.get(oscar.requests.size() - 1));
    }

    @Test
    void submitsAJobThenListsReadsAndDeletesItsLogs() throws Exception {
        basic.createService(example("simple-test-service.from-fdl.json"));
        basic.submitJob("simple-test", "some text to count".getBytes(StandardCharsets.UTF_8));
        JobList jobs = basic.jobs("simple-test");
        assertEquals(1, jobs.jobs().size());
        String job = jobs.jobs().keySet().iterator().next();
        assertEquals("Succeeded", jobs.jobs().get(job).status());
        assertTrue(oscar.requests.contains("GET /system/logs/simple-test"), "the log route has no trailing slash");
        assertEquals("job " + job + " read 18 bytes\n", basic.jobLog("simple-test", job));
        basic.deleteJob("simple-test", job);
        assertEquals(404, assertThrows(OscarException.class, () -> basic.jobLog("simple-test", job)).status());
        basic.submitJob("simple-test", new byte[]{1, 2, 3});
        basic.deleteJobs("simple-test", true);
        assertTrue(basic.jobs("simple-test").jobs().isEmpty());
    }

    @Test
    void worksWithAnOidcBearerToken() throws Exception {
        OscarClient oidc = OscarClient.connect(oscar.uri(), OscarAuth.bearer(FakeOscar.OIDC_TOKEN));
        oidc.createService(example("cowsay-service.from-fdl.json"));
        assertEquals("oidc-user@egi.eu", oidc.service("cowsay").owner());
        assertEquals("cowsay processed 2 bytes", new String(oidc.run("cowsay", "{}".getBytes()), StandardCharsets.UTF_8));
        assertEquals(List.of("POST /system/services", "GET /system/services/cowsay", "POST /run/cowsay"), oscar.requests,
                "with OIDC the run needs no lookup of the service token");
    }

    @Test
    void reportsClusterInfoAndHealth() {
        assertEquals("Ok", basic.health());
        ClusterInfo info = basic.info();
        assertEquals("v3.6.5", info.version());
        assertEquals("Knative", info.serverlessBackend().name());
    }

    @Test
    void wrongCredentialsAreAClearErrorThatHidesThePassword() {
        OscarClient wrong = OscarClient.connect(oscar.uri(), OscarAuth.basic(FakeOscar.USER, "not-the-password"));
        OscarException e = assertThrows(OscarException.class, wrong::services);
        assertEquals(401, e.status());
        assertTrue(e.getMessage().startsWith("OSCAR refused the credentials (Basic[user=oscar, password=***])"),
                e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"));
        OscarException expired = assertThrows(OscarException.class,
                () -> OscarClient.connect(oscar.uri(), OscarAuth.bearer("expired")).info());
        assertTrue(expired.getMessage().contains("renew the OIDC token"), expired.getMessage());
    }

    @Test
    void invalidServicesAreRefusedBeforeAnythingIsSent() {
        for (String name : List.of("Cowsay", "my_service", "-x", "a".repeat(40), "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> basic.createService(Service.of(name, "busybox", "true")), name);
            assertTrue(e.getMessage().contains("lowercase letters, digits and '-'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> basic.createService(Service.of("ok", " ", "true")));
        assertEquals("memory must be a Kubernetes quantity such as \"256Mi\" or \"1Gi\", not 'lots'",
                assertThrows(IllegalArgumentException.class, () -> basic.createService(
                        Service.of("ok", "busybox", "true").withResources("1", "lots", false))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> basic.service("../system/info"));
        assertTrue(oscar.requests.isEmpty());
    }

    @Test
    void anUnreachableOscarFailsFastWithAClearMessage() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        OscarClient nobody = OscarClient.connect(URI.create("http://127.0.0.1:" + closedPort),
                OscarAuth.basic("oscar", "x"));
        Instant start = Instant.now();
        OscarException e = assertThrows(OscarException.class, nobody::health);
        assertEquals(OscarException.NO_ANSWER, e.status());
        assertTrue(e.getMessage().startsWith("cannot reach OSCAR at http://127.0.0.1:" + closedPort), e.getMessage());
        assertTrue(Duration.between(start, Instant.now()).toSeconds() < 5);
    }

    @Test
    void aHostThatNeverAcceptsIsGivenUpAfterTheConnectTimeout() throws Exception {
        // A listening socket whose accept queue is full: Linux drops further SYNs, so a connect
        // hangs the way it does towards a firewalled host.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(full.getLocalSocketAddress(), 300);
                    } catch (IOException queueAlreadyFull) {
                        s.close();
                        break;
                    }
                    fillers.add(s);
                }
                OscarClient silent = OscarClient.connect(URI.create("http://127.0.0.1:" + full.getLocalPort()),
                        OscarAuth.bearer("t"));
                Instant start = Instant.now();
                OscarException e = assertThrows(OscarException.class, silent::info);
                long millis = Duration.between(start, Instant.now()).toMillis();
                assertEquals(OscarException.NO_ANSWER, e.status());
                assertTrue(e.getMessage().startsWith("cannot reach OSCAR at http://127.0.0.1:" + full.getLocalPort()
                        + "/: no connection within 5 s"), e.getMessage());
                assertTrue(millis >= 4_000 && millis <= 8_000, "gave up after " + millis + " ms");
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void theSpecCheckCatchesARequestOscarWouldRefuse() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(oscar.uri().resolve("/system/services"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\": 5, \"enable_gpu\": \"yes\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        List<String> violations = oscar.takeViolations();
        assertTrue(violations.stream().anyMatch(v -> v.contains("security")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.contains("required")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.contains("enable_gpu") || v.contains("boolean")),
                violations.toString());
    }
}
