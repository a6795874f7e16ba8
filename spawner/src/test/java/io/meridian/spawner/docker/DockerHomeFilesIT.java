package io.meridian.spawner.docker;

import com.github.dockerjava.api.DockerClient;
import io.meridian.spawner.HomeEntry;
import io.meridian.spawner.HomeFiles;
import io.meridian.spawner.SpawnException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Docker server's home volume as the hub reaches it through helper containers, with no server running:
 * files belong to the notebook user, nothing is overwritten unasked, no path leaves the home, and what a
 * student changes in the volume (edits, symbolic links) is respected.
 */
class DockerHomeFilesIT {
    private static final String IMAGE = DockerSpawnerIT.IMAGE;
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String HUB = "crs-hf-" + RUN;
    private static final String NETWORK = "crs-hf-net-" + RUN;
    private static final String USER = "crs-hf" + RUN;
    private static DockerClient docker;
    private static DockerSpawner spawner;

    @BeforeAll
    static void engine() {
        docker = DockerTestSupport.client(DockerSpawnerConfig.DEFAULT_DOCKER_HOST);
        spawner = new DockerSpawner(DockerSpawnerConfig.of(List.of(Profile.of("small", IMAGE, 1, 1L << 30)))
                .withNetwork(NETWORK, HUB));
    }

    @AfterAll
    static void removeVolumeAndHelpers() {
        spawner.close();
        DockerTestSupport.removeEverythingOf(docker, HUB, NETWORK);
    }

    @Test
    void filesArriveOwnedByTheNotebookUserAndStudentsEditsAreKept() throws Exception {
        HomeFiles home = spawner.homeFiles(USER, "ml101");
        assertEquals(List.of("data/x.csv", "hw1.ipynb"), home.writeTree("courses/ml101/hw1",
                Map.of("hw1.ipynb", bytes("{}"), "data/x.csv", bytes("1,2")), false));
        assertEquals(HUB, docker.inspectVolumeCmd(volume()).exec().getLabels().get(DockerSpawner.LABEL_HUB),
                "a volume the hub creates carries its label");

        String owners = inVolume("stat", "-c", "%u:%g %n", "/home/jovyan/courses", "/home/jovyan/courses/ml101/hw1",
                "/home/jovyan/courses/ml101/hw1/data", "/home/jovyan/courses/ml101/hw1/hw1.ipynb");
        assertEquals(4, owners.lines().filter(l -> l.startsWith("1000:1000 ")).count(), owners);

        inVolume("sh", "-c", "echo edited > /home/jovyan/courses/ml101/hw1/hw1.ipynb");
        assertEquals(List.of("extra.md"), home.writeTree("courses/ml101/hw1",
                Map.of("hw1.ipynb", bytes("{}"), "extra.md", bytes("more")), false));
        List<HomeEntry> read = home.readTree("courses/ml101/hw1", 1 << 20);
        assertEquals(List.of("data/x.csv", "extra.md", "hw1.ipynb"), read.stream().map(HomeEntry::path).toList());
        assertEquals("edited\n", new String(read.get(2).content(), StandardCharsets.UTF_8));
        assertThrows(HomeFiles.TooLarge.class, () -> home.readTree("courses/ml101/hw1", 5));

        assertEquals(List.of("hw1.ipynb"), home.writeTree("courses/ml101/hw1", Map.of("hw1.ipynb", bytes("new")), true));
        assertEquals("new", inVolume("cat", "/home/jovyan/courses/ml101/hw1/hw1.ipynb"));
        home.deleteTree("courses/ml101/hw1/data");
        assertEquals(List.of("extra.md", "hw1.ipynb"),
                home.readTree("courses/ml101/hw1", 1 << 20).stream().map(HomeEntry::path).toList());
        assertEquals(List.of(), home.readTree("courses/none", 1000));
    }

    @Test
    void pathsOutOfTheHomeAndThroughSymbolicLinksAreRefused() throws Exception {
        HomeFiles home = spawner.homeFiles(USER, "ml101");
        for (String bad : List.of("../escape", "/etc", "courses/../../x", "a//b")) {
            assertThrows(SpawnException.class, () -> home.writeTree(bad, Map.of("f", bytes("x")), true), bad);
            assertThrows(SpawnException.class, () -> home.readTree(bad, 1000), bad);
        }
        assertThrows(SpawnException.class, () -> home.writeTree("ok", Map.of("../../x", bytes("x")), true));

        inVolume("sh", "-c", "mkdir -p /home/jovyan/links && ln -sfn /etc /home/jovyan/links/etc"
                + " && ln -sfn /etc/passwd /home/jovyan/links/passwd");
        SpawnException write = assertThrows(SpawnException.class,
                () -> home.writeTree("links/etc/meridian", Map.of("f", bytes("x")), true));
        assertTrue(write.getMessage().contains("symbolic link"), write.getMessage());
        assertThrows(SpawnException.class, () -> home.readTree("links/etc", 1 << 20));
        assertEquals(List.of(), home.readTree("links", 1 << 20), "links inside a folder are not read");
        assertThrows(SpawnException.class, () -> home.writeTree("links", Map.of("etc/x", bytes("x")), true),
                "a link inside the target folder is not written through");
        assertFalse(inVolume("ls", "/home/jovyan/links").contains("x"));
    }

    private static String volume() {
        return ContainerNames.volume(USER, "ml101", DockerSpawnerConfig.VolumePolicy.PER_USER);
    }

    /** Runs a command as the notebook user in a container with the home volume mounted, as a student's server would. */
    private static String inVolume(String... command) {
        List<String> args = new ArrayList<>(List.of("docker", "run", "--rm", "--network", "none", "--user", "1000:1000",
                "-v", volume() + ":/home/jovyan", "--entrypoint", command[0], IMAGE));
        args.addAll(List.of(command).subList(1, command.length));
        try {
            Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.waitFor(), String.join(" ", args) + ": " + out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
