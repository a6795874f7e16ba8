package io.meridian.spawner.docker;

import io.meridian.spawner.SpawnException;
import io.meridian.spawner.gpu.GpuInventory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerOptionsTest {

    private final Profile small = Profile.of("small", "meridian/notebook:latest", 1, 1L << 30);
    private final Profile gpu = new Profile("gpu", "GPU", "meridian/notebook-gpu:latest", 4, 8L << 30, 1,
            Set.of("gpu-users"), false);
    private final DockerSpawnerConfig config = DockerSpawnerConfig.of(List.of(small, gpu))
            .withGpus(GpuInventory.of(List.of("GPU-test-0")), 1)
            .withAllowedImages(Set.of("meridian/notebook:latest", "meridian/notebook-gpu:latest", "meridian/r:latest"));

    @Test
    void noProfileMeansTheFirst() throws SpawnException {
        assertEquals(small, ServerOptions.resolve(Map.of(), config).profile());
    }

    @Test
    void unknownProfileIsRefusedNamingTheAvailableOnes() {
        SpawnException e = assertThrows(SpawnException.class,
                () -> ServerOptions.resolve(Map.of("profile", "huge"), config));
        assertEquals("Unknown profile 'huge'; available profiles: small, gpu.", e.getMessage());
    }

    @Test
    void groupRestrictedProfileNeedsTheGroup() throws SpawnException {
        SpawnException e = assertThrows(SpawnException.class,
                () -> ServerOptions.resolve(Map.of("profile", "gpu", "_groups", List.of("students")), config));
        assertTrue(e.getMessage().startsWith("Profile 'gpu' is reserved for the groups [gpu-users]"), e.getMessage());

        assertEquals(gpu, ServerOptions.resolve(Map.of("profile", "gpu", "_groups", "students, gpu-users"), config).profile());
    }

    @Test
    void imageOutsideTheAllowListIsRefused() throws SpawnException {
        SpawnException e = assertThrows(SpawnException.class,
                () -> ServerOptions.resolve(Map.of("image", "evil/miner:latest"), config));
        assertTrue(e.getMessage().startsWith("Image 'evil/miner:latest' is not allowed"), e.getMessage());

        assertEquals("meridian/r:latest", ServerOptions.resolve(Map.of("image", "meridian/r:latest"), config).image());
    }

    @Test
    void unknownOptionIsRefusedButHubKeysAreIgnored() throws SpawnException {
        assertThrows(SpawnException.class, () -> ServerOptions.resolve(Map.of("cpu", 64), config));
        assertEquals(small, ServerOptions.resolve(Map.of("_course", "ml101"), config).profile());
    }

    @Test
    void configRefusesProfileWithImageOutsideTheAllowList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config.withAllowedImages(Set.of("meridian/notebook:latest")));
        assertTrue(e.getMessage().contains("not in the allowed images"), e.getMessage());
    }

    @Test
    void containerAndVolumeNamesAreValidAndDistinct() {
        assertEquals("meridian-ada", ContainerNames.container("ada", ""));
        assertEquals("meridian-ada--gpu", ContainerNames.container("ada", "gpu"));
        assertEquals("meridian-ada_2d_2dx", ContainerNames.container("ada--x", ""));
        assertNotEquals(ContainerNames.container("ada--x", ""), ContainerNames.container("ada", "x"));
        assertEquals("meridian-_41da_40uni.eu", ContainerNames.container("Ada@uni.eu", ""));
        assertEquals("meridian-home-ada", ContainerNames.volume("ada", "gpu", DockerSpawnerConfig.VolumePolicy.PER_USER));
        assertEquals("meridian-home-ada--gpu",
                ContainerNames.volume("ada", "gpu", DockerSpawnerConfig.VolumePolicy.PER_SERVER));
    }

    @Test
    void imageReferencesSplitIntoRepositoryAndTag() {
        assertEquals(new ImageRef("meridian/notebook", "latest"), ImageRef.parse("meridian/notebook"));
        assertEquals(new ImageRef("localhost:5000/team/img", "v2"), ImageRef.parse("localhost:5000/team/img:v2"));
        assertEquals(new ImageRef("localhost:5000/img", "latest"), ImageRef.parse("localhost:5000/img"));
        assertEquals(new ImageRef("img", "sha256:abc"), ImageRef.parse("img@sha256:abc"));
    }
}
