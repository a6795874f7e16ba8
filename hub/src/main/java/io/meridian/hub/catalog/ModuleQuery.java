package io.meridian.hub.catalog;

import java.util.List;
import java.util.Locale;

/**
 * A catalog search: each list filter matches a module having at least one of its values (case does not
 * matter); filters combine with AND; {@code text} must match every word somewhere in the module's title,
 * summary, description, tags or id.
 */
public record ModuleQuery(List<String> tags, List<String> tasks, List<String> categories, List<String> libraries,
                          List<String> dataTypes, String text) {
    public static final ModuleQuery ALL = new ModuleQuery(List.of(), List.of(), List.of(), List.of(), List.of(), null);

    public boolean matches(CatalogModule m) {
        return any(tags, m.tags()) && any(tasks, m.tasks()) && any(categories, m.categories())
                && any(libraries, m.libraries()) && any(dataTypes, m.dataTypes()) && text(m);
    }

    private static boolean any(List<String> wanted, List<String> has) {
        if (wanted.isEmpty()) {
            return true;
        }
        return has.stream().anyMatch(h -> wanted.stream().anyMatch(w -> w.equalsIgnoreCase(h)));
    }

    private boolean text(CatalogModule m) {
        if (text == null || text.isBlank()) {
            return true;
        }
        String haystack = String.join(" ", m.id(), m.title(), m.summary(), m.description(), String.join(" ", m.tags()))
                .toLowerCase(Locale.ROOT);
        for (String word : text.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (!word.isEmpty() && !haystack.contains(word)) {
                return false;
            }
        }
        return true;
    }
}
