package io.meridian.kernel.maven;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.eclipse.aether.ConfigurationProperties;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.resolution.DependencyResult;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.transfer.ArtifactNotFoundException;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.eclipse.aether.util.repository.SimpleResolutionErrorPolicy;

/**
 * Turns the coordinates of a {@code %maven} magic into the jars of that artifact and its transitive
 * runtime dependencies, downloaded into a local Maven repository.
 *
 * <p>The kernel references this class only when the magic runs, so the resolver's classes (a few
 * megabytes) are never loaded on kernel start.
 */
public final class MavenResolver {

    /** Comma-separated remote repository URLs; Maven Central when unset. */
    public static final String REPOSITORIES_ENV = "MERIDIAN_MAVEN_REPOS";
    /** Local repository directory; {@code ~/.m2/repository} when unset, shared with Maven itself. */
    public static final String LOCAL_REPOSITORY_ENV = "MERIDIAN_MAVEN_LOCAL";
    public static final URI MAVEN_CENTRAL = URI.create("https://repo.maven.apache.org/maven2/");

    // A notebook cell must fail quickly when the network is down, not wait the resolver's 30 minute default.
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int REQUEST_TIMEOUT_MS = 20_000;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.\\-\\[\\](),]+");
    private static final String EXPECTED_FORMAT =
            "expected group:artifact:version (or group:artifact:extension[:classifier]:version),"
                    + " e.g. org.apache.commons:commons-lang3:3.17.0";

    private MavenResolver() {
    }

    /**
     * Resolves {@code coordinates} with the repositories and local repository named by the environment
     * ({@value #REPOSITORIES_ENV}, {@value #LOCAL_REPOSITORY_ENV}).
     *
     * @return the artifact's jar first, then its transitive runtime dependencies, each once
     */
    public static List<Path> resolve(String coordinates) throws MavenResolutionException {
        Map<String, String> env = System.getenv();
        return resolve(coordinates, repositoriesFrom(env.get(REPOSITORIES_ENV)), localRepositoryFrom(env));
    }

    /** As {@link #resolve(String)}, with explicit remote repositories and local repository directory. */
    public static List<Path> resolve(String coordinates, List<URI> repositories, Path localRepository)
            throws MavenResolutionException {
        Artifact artifact = parse(coordinates);
        if (repositories.isEmpty()) {
            throw new MavenResolutionException("No remote Maven repository is configured; set "
                    + REPOSITORIES_ENV + " to one or more comma-separated URLs");
        }
        RepositorySystem system = SystemHolder.SYSTEM;
        DefaultRepositorySystemSession session = newSession(system, localRepository);
        List<RemoteRepository> remotes = repositories.stream().map(MavenResolver::remote).toList();

        CollectRequest collect = new CollectRequest(new Dependency(artifact, JavaScopes.RUNTIME), remotes);
        DependencyRequest request = new DependencyRequest(
                collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
        try {
            DependencyResult result = system.resolveDependencies(session, request);
            List<Path> jars = new ArrayList<>();
            for (ArtifactResult resolved : result.getArtifactResults()) {
                Path file = resolved.getArtifact().getFile().toPath();
                if (!jars.contains(file)) {
                    jars.add(file);
                }
            }
            return jars;
        } catch (DependencyResolutionException e) {
            throw new MavenResolutionException(explain(artifact, repositories, e), e);
        }
    }

    /** Parses the repository list of {@value #REPOSITORIES_ENV}; blank means Maven Central. */
    static List<URI> repositoriesFrom(String commaSeparated) throws MavenResolutionException {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return List.of(MAVEN_CENTRAL);
        }
        List<URI> uris = new ArrayList<>();
        for (String entry : commaSeparated.split(",")) {
            String url = entry.trim();
            if (url.isEmpty()) {
                continue;
            }
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                boolean http = (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
                if (!http && !scheme.equals("file")) {
                    throw new URISyntaxException(url, "not an http(s) or file URL");
                }
                uris.add(uri);
            } catch (URISyntaxException e) {
                throw new MavenResolutionException(REPOSITORIES_ENV + " entry '" + url
                        + "' is not an http(s) or file URL", e);
            }
        }
        return List.copyOf(uris);
    }

    private static Path localRepositoryFrom(Map<String, String> env) {
        String configured = env.get(LOCAL_REPOSITORY_ENV);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.trim());
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    static Artifact parse(String coordinates) throws MavenResolutionException {
        String trimmed = coordinates == null ? "" : coordinates.trim();
        if (trimmed.isEmpty()) {
            throw new MavenResolutionException("No Maven coordinates given: " + EXPECTED_FORMAT);
        }
        String[] segments = trimmed.split(":", -1);
        boolean wellFormed = segments.length >= 3 && segments.length <= 5;
        for (String segment : segments) {
            wellFormed &= SEGMENT.matcher(segment).matches();
        }
        if (!wellFormed) {
            throw new MavenResolutionException("Bad Maven coordinates '" + trimmed + "': " + EXPECTED_FORMAT);
        }
        return new DefaultArtifact(trimmed);
    }

    private static DefaultRepositorySystemSession newSession(RepositorySystem system, Path localRepository) {
        DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
        session.setSystemProperties(System.getProperties());
        session.setLocalRepositoryManager(
                system.newLocalRepositoryManager(session, new LocalRepository(localRepository.toFile())));
        session.setConfigProperty(ConfigurationProperties.CONNECT_TIMEOUT, CONNECT_TIMEOUT_MS);
        session.setConfigProperty(ConfigurationProperties.REQUEST_TIMEOUT, REQUEST_TIMEOUT_MS);
        session.setConfigProperty(ConfigurationProperties.HTTP_RETRY_HANDLER_COUNT, 1);
        session.setConfigProperty(ConfigurationProperties.USER_AGENT, "Meridian-Kernel");
        // A failed download must be retried on the next %maven, not remembered as "not found" for a day.
        session.setResolutionErrorPolicy(new SimpleResolutionErrorPolicy(false, false));
        return session;
    }

    private static RemoteRepository remote(URI uri) {
        String id = uri.equals(MAVEN_CENTRAL) ? "central" : "meridian-" + Integer.toHexString(uri.toString().hashCode());
        RepositoryPolicy policy = new RepositoryPolicy(
                true, RepositoryPolicy.UPDATE_POLICY_DAILY, RepositoryPolicy.CHECKSUM_POLICY_FAIL);
        return new RemoteRepository.Builder(id, "default", uri.toString()).setPolicy(policy).build();
    }

    private static String explain(Artifact artifact, List<URI> repositories, DependencyResolutionException e) {
        String where = repositories.size() == 1 ? repositories.get(0).toString() : repositories.toString();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ArtifactNotFoundException notFound) {
                String missing = notFound.getArtifact() == null || sameCoordinates(artifact, notFound.getArtifact())
                        ? "it" : "its dependency " + notFound.getArtifact();
                return "Could not resolve " + artifact + ": " + missing + " was not found in " + where
                        + " (check the group, artifact and version)";
            }
            // InterruptedIOException covers the socket and HTTP client connect timeouts.
            if (cause instanceof ConnectException || cause instanceof UnknownHostException
                    || cause instanceof NoRouteToHostException || cause instanceof InterruptedIOException) {
                return "Could not resolve " + artifact + ": cannot reach " + where + " (" + cause.getMessage()
                        + "); check the network, or set " + REPOSITORIES_ENV + " to a reachable repository";
            }
        }
        return "Could not resolve " + artifact + " from " + where + ": " + e.getMessage();
    }

    private static boolean sameCoordinates(Artifact requested, Artifact found) {
        return requested.getGroupId().equals(found.getGroupId())
                && requested.getArtifactId().equals(found.getArtifactId())
                && requested.getVersion().equals(found.getVersion());
    }

    /** Builds the repository system on first use only; it wires some hundred components. */
    private static final class SystemHolder {
        static final RepositorySystem SYSTEM = new RepositorySystemSupplier().get();
    }
}
