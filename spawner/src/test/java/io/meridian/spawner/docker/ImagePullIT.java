package io.meridian.spawner.docker;

import com.github.dockerjava.api.DockerClient;
import io.meridian.spawner.ProgressEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pulls a real image from a real (local) registry and checks the per-layer byte progress. */
class ImagePullIT {

    @TempDir
    Path work;

    @Test
    void pullReportsBytesDoneAndTotalPerLayerAndPrePullSaysWhatFailed() throws Exception {
        assertTrue(Files.isExecutable(LocalRegistry.BINARY),
                "Debian's docker-registry is missing; scripts/setup.d/20-docker.sh installs it");
        DockerClient docker = DockerTestSupport.client(DockerSpawnerConfig.DEFAULT_DOCKER_HOST);
        try (LocalRegistry registry = LocalRegistry.start(work);
             DockerSpawner spawner = new DockerSpawner(DockerSpawnerIT.config())) {
            String image = registry.pushFreshImage(docker, "meridian/base:trixie", "meridian/pulltest", 40);
            List<ProgressEvent> events = new CopyOnWriteArrayList<>();

            spawner.pull(image, events::add);

            List<ProgressEvent> bytes = events.stream().filter(e -> e.details().containsKey("bytesTotal")).toList();
            assertTrue(!bytes.isEmpty(), "byte progress was reported: " + events);
            ProgressEvent last = bytes.get(bytes.size() - 1);
            long total = (Long) last.details().get("bytesTotal");
            assertTrue(total >= 40_000_000, "the fresh 40 MB layer is counted: " + last);
            assertEquals(total, last.details().get("bytesDone"), last.toString());
            assertTrue(bytes.stream().allMatch(e -> e.progress() <= PullProgress.MAX_PERCENT
                    && "pull".equals(e.details().get("phase")) && e.details().get("layer") != null));
            assertTrue(bytes.stream().anyMatch(e -> (Long) e.details().get("bytesDone") > 0 && (Long) e.details().get("bytesDone") < total),
                    "intermediate progress was reported: " + bytes);
            docker.inspectImageCmd(image).exec();
            docker.removeImageCmd(image).exec();

            List<DockerSpawner.PullOutcome> outcomes = spawner.prePull(List.of(image, image.replace("pulltest:", "missing:")));
            assertTrue(outcomes.get(0).ok(), outcomes.get(0).detail());
            assertFalse(outcomes.get(1).ok());
            assertTrue(outcomes.get(1).detail().startsWith("Could not pull image "), outcomes.get(1).detail());
            docker.removeImageCmd(image).exec();
        }
    }
}
