package io.meridian.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The docker command line, for what tests check and clean up around a hub that runs the Docker spawner. */
public final class DockerCli {

    private DockerCli() {
    }

    /** Runs {@code docker args...} and returns its output (stdout and stderr). */
    public static String docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Removes every container and volume labelled with {@code hubId}, then the test's network. */
    public static void removeHubResources(String hubId, String network) {
        for (String id : docker("ps", "-aq", "--filter", "label=meridian.hub=" + hubId).split("\\s+")) {
            if (!id.isBlank()) {
                docker("rm", "-f", id);
            }
        }
        for (String volume : docker("volume", "ls", "-q", "--filter", "label=meridian.hub=" + hubId).split("\\s+")) {
            if (!volume.isBlank()) {
                docker("volume", "rm", volume);
            }
        }
        docker("network", "rm", network);
    }
}
