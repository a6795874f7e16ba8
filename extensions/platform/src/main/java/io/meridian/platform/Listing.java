package io.meridian.platform;

import java.util.AbstractList;
import java.util.List;

/** The entries of one storage folder: a plain list that notebooks show as a table with human sizes. */
public final class Listing extends AbstractList<StorageEntry> {
    private final String path;
    private final String backend;
    private final List<StorageEntry> entries;

    Listing(String path, String backend, List<StorageEntry> entries) {
        this.path = path;
        this.backend = backend;
        this.entries = List.copyOf(entries);
    }

    /** The folder listed. */
    public String path() {
        return path;
    }

    /** "local" or "webdav": where the files live. */
    public String backend() {
        return backend;
    }

    @Override
    public StorageEntry get(int index) {
        return entries.get(index);
    }

    @Override
    public int size() {
        return entries.size();
    }
}
