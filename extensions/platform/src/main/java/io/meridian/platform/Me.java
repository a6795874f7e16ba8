package io.meridian.platform;

import java.util.List;

/** The notebook's user, as the hub knows them ({@code /hub/api/user}). */
public record Me(String name, boolean admin, List<String> groups, String kind) {
}
