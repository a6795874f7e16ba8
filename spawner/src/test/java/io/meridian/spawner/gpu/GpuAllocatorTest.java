package io.meridian.spawner.gpu;

import io.meridian.spawner.SpawnException;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GpuAllocatorTest {

    private final GpuInventory four = GpuInventory.of(List.of("GPU-test-0", "GPU-test-1", "GPU-test-2", "GPU-test-3"));

    @Test
    void twoServersNeverGetTheSameDevice() throws SpawnException {
        GpuAllocator allocator = new GpuAllocator(four, 4);
        List<String> a = allocator.allocate(new ServerRef("ada", ""), 2, false);
        List<String> b = allocator.allocate(new ServerRef("bob", ""), 2, false);

        assertEquals(List.of("GPU-test-0", "GPU-test-1"), a);
        assertEquals(List.of("GPU-test-2", "GPU-test-3"), b);
        SpawnException full = assertThrows(SpawnException.class,
                () -> allocator.allocate(new ServerRef("cy", ""), 1, false));
        assertTrue(full.getMessage().contains("Not enough free GPUs"), full.getMessage());
    }

    @Test
    void releasedDevicesGoToTheNextServer() throws SpawnException {
        GpuAllocator allocator = new GpuAllocator(four, 4);
        allocator.allocate(new ServerRef("ada", ""), 4, false);
        allocator.release(new ServerRef("ada", ""));

        assertEquals(4, allocator.allocate(new ServerRef("bob", "x"), 4, false).size());
        assertTrue(allocator.heldBy(new ServerRef("ada", "")).isEmpty());
    }

    @Test
    void sharingProfilesShareOnlyWithEachOther() throws SpawnException {
        GpuAllocator allocator = new GpuAllocator(GpuInventory.of(List.of("g0", "g1")), 2);
        allocator.allocate(new ServerRef("exclusive", ""), 1, false);
        allocator.allocate(new ServerRef("s1", ""), 1, true);

        assertEquals(List.of("g1"), allocator.allocate(new ServerRef("s2", ""), 1, true));
        assertThrows(SpawnException.class, () -> allocator.allocate(new ServerRef("s3", ""), 1, false));
        GpuAssignment g1 = allocator.snapshot().get(1);
        assertEquals(Set.of(new ServerRef("s1", ""), new ServerRef("s2", "")), new HashSet<>(g1.holders()));
        assertTrue(g1.shared());
    }

    @Test
    void aDeploymentIsAHolderOfItsOwnCountedInItsOwnersQuota() throws SpawnException {
        GpuAllocator allocator = new GpuAllocator(four, 3);
        ServerRef deployment = ServerRef.deployment("ada", "3f0c");
        allocator.allocate(new ServerRef("ada", "deployment-3f0c"), 1, false);
        assertEquals(List.of("GPU-test-1", "GPU-test-2"), allocator.allocate(deployment, 2, false),
                "a server named like a deployment is another holder");

        SpawnException over = assertThrows(SpawnException.class,
                () -> allocator.allocate(new ServerRef("ada", "x"), 1, false));
        assertTrue(over.getMessage().startsWith("GPU quota exceeded: user ada holds 3 GPU(s)"), over.getMessage());
        SpawnException full = assertThrows(SpawnException.class,
                () -> allocator.allocate(ServerRef.deployment("bob", "9a"), 2, false));
        assertEquals("Not enough free GPUs: deployment 9a of bob asks for 2, 1 of 4 are free (servers and deployments"
                + " share them). Try again when another server or deployment stops.", full.getMessage());
        allocator.release(deployment);
        assertEquals(List.of("GPU-test-0"), allocator.heldBy(new ServerRef("ada", "deployment-3f0c")));
    }

    @Test
    void quotaCountsEveryServerOfTheUser() throws SpawnException {
        GpuAllocator allocator = new GpuAllocator(four, 2);
        allocator.allocate(new ServerRef("ada", "one"), 1, false);
        allocator.allocate(new ServerRef("ada", "two"), 1, false);

        SpawnException over = assertThrows(SpawnException.class,
                () -> allocator.allocate(new ServerRef("ada", "three"), 1, false));
        assertTrue(over.getMessage().contains("GPU quota exceeded"), over.getMessage());
        assertEquals(2, allocator.snapshot().stream().filter(GpuAssignment::free).count());
    }

    @Test
    void failedRequestChangesNothing() throws SpawnException {
        GpuAllocator allocator = new GpuAllocator(four, 8);
        allocator.allocate(new ServerRef("ada", ""), 3, false);

        assertThrows(SpawnException.class, () -> allocator.allocate(new ServerRef("bob", ""), 2, false));
        assertTrue(allocator.heldBy(new ServerRef("bob", "")).isEmpty());
        assertEquals(1, allocator.snapshot().stream().filter(GpuAssignment::free).count());
    }

    @Test
    void restoreRebuildsAllocationsAndIgnoresVanishedDevices() throws SpawnException {
        GpuAllocator allocator = new GpuAllocator(four, 4);
        allocator.restore(new ServerRef("ada", ""), List.of("GPU-test-1", "GPU-gone"), false);

        assertEquals(List.of("GPU-test-1"), allocator.heldBy(new ServerRef("ada", "")));
        assertEquals(List.of("GPU-test-0", "GPU-test-2"), allocator.allocate(new ServerRef("bob", ""), 2, false));
    }

    @Test
    void nvidiaSmiOutputIsParsed() {
        List<GpuDevice> devices = GpuInventory.parseNvidiaSmi("""
                0, GPU-8c3f1a2b-0000-1111-2222-333344445555, NVIDIA H100 80GB HBM3, 81559
                1, GPU-9d4e2b3c-0000-1111-2222-333344445555, NVIDIA A100-SXM4-40GB, 40960 MiB
                """);

        assertEquals(2, devices.size());
        assertEquals(new GpuDevice("GPU-8c3f1a2b-0000-1111-2222-333344445555", 0, "NVIDIA H100 80GB HBM3", 81559),
                devices.get(0));
        assertEquals(40960, devices.get(1).memoryMiB());
    }

    @Test
    void hostWithoutNvidiaSmiHasNoGpus() {
        assertEquals(0, GpuInventory.discover(java.nio.file.Path.of("/nonexistent/nvidia-smi")).size());
    }
}
