package io.meridian.hub.catalog;

import java.util.List;

/**
 * A catalog entry that could not be used: unreadable or failing the schema. It is listed, with its
 * reasons, so the catalog's maintainer can fix it; it never stops the rest of the catalog loading.
 *
 * @param id       the folder's name
 * @param file     the metadata file, relative to the catalog root
 * @param problems one line per reason
 */
public record InvalidModule(String id, String file, List<String> problems) {
}
