package io.meridian.spawner.docker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Kernels in containers call the hub back: a loopback hub URL must become the bridge gateway. */
class HubUrlInContainersTest {

    @Test
    void loopbackHubUrlsPointAtTheBridgeGateway() {
        assertEquals("http://172.30.0.1:8000/hub/api",
                DockerSpawner.reachableFromContainers("http://127.0.0.1:8000/hub/api", "172.30.0.1"));
        assertEquals("http://172.30.0.1:8000/hub/api",
                DockerSpawner.reachableFromContainers("http://localhost:8000/hub/api", "172.30.0.1"));
    }

    @Test
    void otherHubUrlsAreKeptAsConfigured() {
        assertEquals("https://hub.example.org/hub/api",
                DockerSpawner.reachableFromContainers("https://hub.example.org/hub/api", "172.30.0.1"));
        assertEquals("http://127.0.0.1:8000/hub/api",
                DockerSpawner.reachableFromContainers("http://127.0.0.1:8000/hub/api", null));
    }
}
