package io.meridian.spawner.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.PushResponseItem;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Docker registry (Debian's docker-registry, distribution v2) on 127.0.0.1, so image pulls can be
 * exercised without reaching any public registry. Docker treats 127.0.0.0/8 registries as insecure, so
 * plain HTTP works without daemon configuration.
 */
final class LocalRegistry implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final int port;

    private LocalRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static LocalRegistry start(Path workDir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = workDir.resolve("registry.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                """.formatted(workDir.resolve("storage"), port));
        Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(workDir.resolve("registry.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return new LocalRegistry(process, port);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        process.destroyForcibly();
        throw new IOException("docker-registry did not listen on 127.0.0.1:" + port + "; see " + workDir.resolve("registry.log"));
    }

    /**
     * Pushes an image made of {@code base} plus a fresh layer of {@code megabytes} random bytes, then deletes it
     * locally, so a pull has to download that layer (random data does not compress).
     */
    String pushFreshImage(DockerClient docker, String base, String name, int megabytes) throws InterruptedException {
        String repository = "127.0.0.1:" + port + "/" + name;
        String container = docker.createContainerCmd(base)
                .withCmd("sh", "-c", "head -c " + megabytes + "000000 /dev/urandom > /blob").exec().getId();
        try {
            docker.startContainerCmd(container).exec();
            docker.waitContainerCmd(container).start().awaitStatusCode(2, TimeUnit.MINUTES);
            docker.commitCmd(container).withRepository(repository).withTag("pulltest").exec();
        } finally {
            docker.removeContainerCmd(container).withForce(true).exec();
        }
        docker.pushImageCmd(repository).withTag("pulltest").exec(new ResultCallback.Adapter<PushResponseItem>())
                .awaitCompletion(5, TimeUnit.MINUTES);
        docker.removeImageCmd(repository + ":pulltest").exec();
        return repository + ":pulltest";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
