package io.meridian.hub.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.deepaas.client.DeepaasClient;
import io.meridian.deepaas.client.PredictRequest;
import io.meridian.hub.TestHub;

import java.net.URI;
import java.util.Arrays;
import java.util.Map;

/**
 * Predict latency of a real Iris deployment through the hub's {@code /deployments/{id}/} proxy and
 * straight to its container, alternating in the same run. {@code bench/deployments/run.sh [N]}.
 */
public final class DeploymentProxyBenchmark {
    private DeploymentProxyBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        DeploymentsDockerTest.dataDir = TestHub.tempDir();
        TestHub hub = TestHub.start(DeploymentsDockerTest.dataDir, Map.of());
        DeploymentsDockerTest.hub = hub;
        String token = hub.userWithToken("dpl-bench");
        String id = null;
        try {
            JsonNode deployment = DeploymentsDockerTest.deploy(token, 1, 512);
            id = deployment.get("id").asText();
            String ip = DeploymentsDockerTest.docker("inspect", "-f",
                    "{{(index .NetworkSettings.Networks \"meridian-deployments\").IPAddress}}",
                    DeploymentsDockerTest.containerOf(id)).strip();
            DeepaasClient direct = DeepaasClient.connect(URI.create("http://" + ip + ":5000/"));
            DeepaasClient proxied = DeepaasClient.connect(URI.create(hub.url("/deployments/" + id + "/")))
                    .withBearerToken(token);
            PredictRequest request = PredictRequest.json(DeploymentsDockerTest.SETOSA);
            for (int i = 0; i < 200; i++) {
                direct.predict(DeploymentsDockerTest.MODEL, request);
                proxied.predict(DeploymentsDockerTest.MODEL, request);
            }
            long[] viaHub = new long[n];
            long[] straight = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                proxied.predict(DeploymentsDockerTest.MODEL, request);
                long t1 = System.nanoTime();
                direct.predict(DeploymentsDockerTest.MODEL, request);
                long t2 = System.nanoTime();
                viaHub[i] = t1 - t0;
                straight[i] = t2 - t1;
            }
            System.out.printf("predict (Iris, JSON), %d calls each, alternating, after 200 warm-up calls each%n", n);
            System.out.printf("  direct to container : p50 %.2f ms  p99 %.2f ms%n", ms(straight, 50), ms(straight, 99));
            System.out.printf("  through hub proxy   : p50 %.2f ms  p99 %.2f ms%n", ms(viaHub, 50), ms(viaHub, 99));
            System.out.printf("  proxy overhead p50  : %.2f ms%n", ms(viaHub, 50) - ms(straight, 50));
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                proxied.models();
                long t1 = System.nanoTime();
                direct.models();
                long t2 = System.nanoTime();
                viaHub[i] = t1 - t0;
                straight[i] = t2 - t1;
            }
            System.out.printf("GET v2/models/ (no request body), %d calls each, alternating%n", n);
            System.out.printf("  direct to container : p50 %.2f ms  p99 %.2f ms%n", ms(straight, 50), ms(straight, 99));
            System.out.printf("  through hub proxy   : p50 %.2f ms  p99 %.2f ms%n", ms(viaHub, 50), ms(viaHub, 99));
        } finally {
            if (id != null) {
                hub.call("DELETE", "/api/v1/deployments/" + id, token, null);
            }
            hub.close();
        }
        System.exit(0);
    }

    private static double ms(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
