package io.meridian.spawner.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Docker and Jupyter plumbing the Docker spawner's integration tests and benchmark share. */
final class DockerTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerTestSupport() {
    }

    static DockerClient client(String host) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host).build();
        return DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).build());
    }

    /** Removes the containers and volumes labelled with {@code hub}, and {@code network}. */
    static void removeEverythingOf(DockerClient docker, String hub, String network) {
        docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(DockerSpawner.LABEL_HUB, hub)).exec()
                .forEach(c -> docker.removeContainerCmd(c.getId()).withForce(true).exec());
        var volumes = docker.listVolumesCmd().withFilter("label", List.of(DockerSpawner.LABEL_HUB + "=" + hub))
                .exec().getVolumes();
        if (volumes != null) {
            volumes.forEach(v -> docker.removeVolumeCmd(v.getName()).exec());
        }
        // Docker 20.10 sometimes keeps a stale endpoint of a removed container, and then refuses to remove the
        // network; the spawner reuses an existing network, so leaving it behind is harmless
        for (int attempt = 1; attempt <= 10; attempt++) {
            try {
                docker.listNetworksCmd().withNameFilter(network).exec().stream()
                        .filter(n -> n.getName().equals(network))
                        .forEach(n -> docker.removeNetworkCmd(n.getId()).exec());
                return;
            } catch (DockerException e) {
                if (attempt == 10) {
                    System.err.println("left network " + network + " in place: " + e.getMessage());
                    return;
                }
                try {
                    Thread.sleep(300);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Runs a notebook container the way an earlier hub would have left it: labelled, on the network. */
    static String runLabelled(DockerClient docker, String image, String network, String name, Map<String, String> labels) {
        docker.listNetworksCmd().withNameFilter(network).exec().stream()
                .filter(n -> n.getName().equals(network)).findFirst()
                .orElseGet(() -> {
                    docker.createNetworkCmd().withName(network).withLabels(Map.of(DockerSpawner.LABEL_HUB,
                            labels.get(DockerSpawner.LABEL_HUB))).exec();
                    return null;
                });
        String id = docker.createContainerCmd(image).withName(name).withLabels(labels)
                .withEnv("JUPYTER_TOKEN=" + UUID.randomUUID())
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode(network)).exec().getId();
        docker.startContainerCmd(id).exec();
        return id;
    }

    static String exec(DockerClient docker, String container, String... command) throws InterruptedException {
        String execId = docker.execCreateCmd(container).withCmd(command).withAttachStdout(true).withAttachStderr(true)
                .exec().getId();
        StringBuilder out = new StringBuilder();
        docker.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                synchronized (out) {
                    out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            }
        }).awaitCompletion(30, TimeUnit.SECONDS);
        synchronized (out) {
            return out.toString();
        }
    }

    /** A kernel's Jupyter WebSocket (legacy JSON protocol): send shell requests, wait for matching messages. */
    static final class KernelSocket implements AutoCloseable {
        private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        private final WebSocket socket;
        private final String session = UUID.randomUUID().toString();
        private final List<JsonNode> passedOver = new ArrayList<>();

        KernelSocket(HttpClient http, URI channels, String token) throws Exception {
            socket = http.newWebSocketBuilder()
                    .header("Authorization", "token " + token)
                    .buildAsync(channels, new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                try {
                                    received.add(JSON.readTree(text.toString()));
                                } catch (Exception e) {
                                    received.add(JSON.createObjectNode().put("unparsable", text.toString()));
                                }
                                text.setLength(0);
                            }
                            ws.request(1);
                            return null;
                        }
                    }).get(30, TimeUnit.SECONDS);
        }

        /** Sends a shell request; returns its msg_id. */
        String send(String msgType, ObjectNode content) throws Exception {
            String msgId = UUID.randomUUID().toString();
            ObjectNode request = JSON.createObjectNode();
            request.putObject("header").put("msg_id", msgId).put("msg_type", msgType)
                    .put("session", session).put("username", "test")
                    .put("date", Instant.now().toString()).put("version", "5.3");
            request.putObject("parent_header");
            request.putObject("metadata");
            request.set("content", content);
            request.put("channel", "shell");
            socket.sendText(JSON.writeValueAsString(request), true).get(10, TimeUnit.SECONDS);
            return msgId;
        }

        /**
         * The first message answering {@code msgId} with type {@code msgType}, within 90 s. Shell and iopub
         * messages may arrive in either order, so messages passed over are kept for later calls.
         */
        JsonNode await(String msgId, String msgType) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                for (Iterator<JsonNode> it = passedOver.iterator(); it.hasNext(); ) {
                    JsonNode message = it.next();
                    if (msgId.equals(message.at("/parent_header/msg_id").asText())
                            && msgType.equals(message.at("/header/msg_type").asText())) {
                        it.remove();
                        return message;
                    }
                }
                JsonNode message = received.poll(1, TimeUnit.SECONDS);
                if (message != null) {
                    passedOver.add(message);
                }
            }
            throw new AssertionError("no " + msgType + " for " + msgId + " within 90 s");
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
