package io.meridian.spawner.docker;

import io.meridian.spawner.SpawnException;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a spawn request's {@code userOptions} ask for, checked against the configuration.
 *
 * <p>Keys understood (anything else not starting with {@code _} is refused):
 * <ul>
 *   <li>{@code profile}: a profile name; absent means the first configured profile</li>
 *   <li>{@code image}: another image than the profile's, which must be in the allowed images</li>
 *   <li>{@code _groups}: set by the hub, never by the user: the user's groups (a list of names or
 *       a comma-separated string), checked against the profile's allowed groups</li>
 * </ul>
 * Other keys starting with {@code _} are the hub's and are ignored.
 */
record ServerOptions(Profile profile, String image, Set<String> groups) {

    static final String PROFILE = "profile";
    static final String IMAGE = "image";
    static final String GROUPS = "_groups";

    static ServerOptions resolve(Map<String, Object> userOptions, DockerSpawnerConfig config) throws SpawnException {
        for (String key : userOptions.keySet()) {
            if (!key.startsWith("_") && !key.equals(PROFILE) && !key.equals(IMAGE)) {
                throw new SpawnException("Unknown server option '" + key + "'; the Docker spawner accepts '"
                        + PROFILE + "' and '" + IMAGE + "'.");
            }
        }
        Profile profile = profile(userOptions.get(PROFILE), config);
        Set<String> groups = groups(userOptions.get(GROUPS));
        if (!profile.openTo(groups)) {
            throw new SpawnException("Profile '" + profile.name() + "' is reserved for the groups "
                    + sorted(profile.allowedGroups()) + "; you are in " + (groups.isEmpty() ? "no group" : sorted(groups))
                    + ". Ask an admin to add you, or pick another profile.");
        }
        String image = profile.image();
        Object wanted = userOptions.get(IMAGE);
        if (wanted != null) {
            if (!(wanted instanceof String s) || s.isBlank()) {
                throw new SpawnException("Server option 'image' must be an image name, got: " + wanted);
            }
            if (!config.allowedImages().contains(s)) {
                throw new SpawnException("Image '" + s + "' is not allowed on this hub; allowed images: "
                        + sorted(config.allowedImages()) + ".");
            }
            image = s;
        }
        return new ServerOptions(profile, image, groups);
    }

    private static Profile profile(Object wanted, DockerSpawnerConfig config) throws SpawnException {
        if (wanted == null) {
            return config.defaultProfile();
        }
        if (!(wanted instanceof String name)) {
            throw new SpawnException("Server option 'profile' must be a profile name, got: " + wanted);
        }
        return config.profiles().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new SpawnException("Unknown profile '" + name + "'; available profiles: "
                        + config.profiles().stream().map(Profile::name).collect(Collectors.joining(", ")) + "."));
    }

    private static Set<String> groups(Object value) throws SpawnException {
        if (value == null) {
            return Set.of();
        }
        if (value instanceof String s) {
            return List.of(s.split(",")).stream().map(String::trim).filter(g -> !g.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
        }
        if (value instanceof Collection<?> c && c.stream().allMatch(String.class::isInstance)) {
            return c.stream().map(String.class::cast).collect(Collectors.toUnmodifiableSet());
        }
        throw new SpawnException("Server option '_groups' must be a list of group names, got: " + value);
    }

    private static String sorted(Set<String> names) {
        return new LinkedHashSet<>(names.stream().sorted().toList()).toString();
    }
}
