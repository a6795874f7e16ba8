package io.meridian.kernel.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolves real artifacts from Maven Central into a fresh local repository per test. */
class MavenResolverTest {

    private static final List<URI> CENTRAL = List.of(MavenResolver.MAVEN_CENTRAL);

    @TempDir
    Path localRepository;

    @Test
    void resolvesASingleJarIntoTheLocalRepository() throws Exception {
        List<Path> jars = MavenResolver.resolve("org.apache.commons:commons-lang3:3.17.0", CENTRAL, localRepository);

        assertEquals(List.of(localRepository.resolve(
                "org/apache/commons/commons-lang3/3.17.0/commons-lang3-3.17.0.jar")), jars);
        try (JarFile jar = new JarFile(jars.get(0).toFile())) {
            assertTrue(jar.getEntry("org/apache/commons/lang3/StringUtils.class") != null);
        }
    }

    @Test
    void resolvesTransitiveRuntimeDependenciesButNotTestOnes() throws Exception {
        List<Path> jars = MavenResolver.resolve("org.apache.commons:commons-text:1.13.0", CENTRAL, localRepository);

        List<String> names = jars.stream().map(jar -> jar.getFileName().toString()).toList();
        assertEquals(List.of("commons-text-1.13.0.jar", "commons-lang3-3.17.0.jar"), names);
        jars.forEach(jar -> assertTrue(jar.startsWith(localRepository), jar + " outside the local repository"));
        assertFalse(names.stream().anyMatch(name -> name.startsWith("junit")), "test dependencies leaked: " + names);
    }

    @Test
    void badCoordinatesAreRejectedWithTheExpectedFormatAndNothingIsDownloaded() throws IOException {
        for (String bad : List.of("", "   ", "commons-lang3", "org.apache.commons:commons-lang3",
                "org.apache.commons::3.17.0", "a:b:c:d:e:f", "org apache:x:1", "g:a:1; rm -rf /")) {
            MavenResolutionException e = assertThrows(MavenResolutionException.class,
                    () -> MavenResolver.resolve(bad, CENTRAL, localRepository), bad);
            assertTrue(e.getMessage().contains("expected group:artifact:version"), e.getMessage());
        }
        try (Stream<Path> files = Files.list(localRepository)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void missingArtifactNamesTheArtifactAndTheRepository() {
        MavenResolutionException e = assertThrows(MavenResolutionException.class, () ->
                MavenResolver.resolve("io.meridian.nonexistent:no-such-artifact:1.0", CENTRAL, localRepository));

        assertEquals("Could not resolve io.meridian.nonexistent:no-such-artifact:jar:1.0: it was not found in "
                + MavenResolver.MAVEN_CENTRAL + " (check the group, artifact and version)", e.getMessage());
    }

    @Test
    void unreachableRepositoryFailsFastWithAClearMessage() throws IOException {
        URI nothingListening = unusedLocalPort();
        long start = System.nanoTime();

        MavenResolutionException e = assertThrows(MavenResolutionException.class, () ->
                MavenResolver.resolve("org.apache.commons:commons-lang3:3.17.0", List.of(nothingListening),
                        localRepository));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
        assertTrue(e.getMessage().startsWith("Could not resolve org.apache.commons:commons-lang3:jar:3.17.0: cannot reach "
                + nothingListening), e.getMessage());
        assertTrue(e.getMessage().contains(MavenResolver.REPOSITORIES_ENV), e.getMessage());
    }

    @Test
    void unresolvableRepositoryHostIsReportedAsUnreachable() {
        URI nowhere = URI.create("https://repository.meridian.invalid/maven2/");

        MavenResolutionException e = assertThrows(MavenResolutionException.class, () ->
                MavenResolver.resolve("org.apache.commons:commons-lang3:3.17.0", List.of(nowhere), localRepository));

        assertTrue(e.getMessage().contains("cannot reach " + nowhere), e.getMessage());
    }

    @Test
    void repositoryListFromTheEnvironmentIsValidated() throws MavenResolutionException {
        assertEquals(CENTRAL, MavenResolver.repositoriesFrom(null));
        assertEquals(CENTRAL, MavenResolver.repositoriesFrom("  "));
        assertEquals(List.of(URI.create("https://a.example/maven2/"), URI.create("file:///srv/repo")),
                MavenResolver.repositoriesFrom(" https://a.example/maven2/ , file:///srv/repo,"));

        for (String bad : List.of("ftp://a.example/repo", "repo.example.org/maven2", "https:///nohost", "http://a b")) {
            MavenResolutionException e = assertThrows(MavenResolutionException.class,
                    () -> MavenResolver.repositoriesFrom(bad), bad);
            assertTrue(e.getMessage().startsWith(MavenResolver.REPOSITORIES_ENV + " entry '"), e.getMessage());
        }
    }

    private static URI unusedLocalPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/maven2/");
        }
    }
}
