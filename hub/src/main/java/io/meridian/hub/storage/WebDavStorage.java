package io.meridian.hub.storage;

import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.nextcloud.ContentTypes;
import io.meridian.nextcloud.DavException;
import io.meridian.nextcloud.DavResource;
import io.meridian.nextcloud.WebDavClient;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** A user's Nextcloud or WebDAV account, through the hub (the credentials never leave it). */
public final class WebDavStorage implements StorageBackend {
    private final WebDavClient dav;

    public WebDavStorage(WebDavClient dav) {
        this.dav = dav;
    }

    @Override
    public String kind() {
        return "webdav";
    }

    @Override
    public List<StorageEntry> list(StoragePath folder) {
        try {
            return dav.list(folder.toString()).stream()
                    .filter(r -> !StorageEntry.isUploadInProgress(r.name()))
                    .map(WebDavStorage::entry).toList();
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public Optional<StorageEntry> stat(StoragePath path) {
        try {
            return dav.stat(path.toString()).map(WebDavStorage::entry);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public InputStream read(StoragePath file) {
        try {
            return dav.read(file.toString());
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public void write(StoragePath file, InputStream content, long length, boolean overwrite) {
        if (file.isRoot()) {
            throw ApiException.badRequest("name a file to write, not the storage root");
        }
        try {
            Optional<DavResource> existing = dav.stat(file.toString());
            if (existing.isPresent() && existing.get().directory()) {
                throw ApiException.conflict(file + " is a folder");
            }
            if (existing.isPresent() && !overwrite) {
                throw new ApiException(412, file + " already exists");
            }
            Optional<DavResource> parent = dav.stat(file.parent().toString());
            if (parent.isEmpty() || !parent.get().directory()) {
                throw ApiException.conflict("folder " + file.parent() + " does not exist; create it first");
            }
            dav.write(file.toString(), content, length);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public void mkdir(StoragePath folder) {
        try {
            dav.mkdir(folder.toString());
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public void move(StoragePath from, StoragePath to, boolean overwrite) {
        refuseSelfNesting(from, to);
        try {
            dav.move(from.toString(), to.toString(), overwrite);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public void copy(StoragePath from, StoragePath to, boolean overwrite) {
        refuseSelfNesting(from, to);
        try {
            dav.copy(from.toString(), to.toString(), overwrite);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public void delete(StoragePath path) {
        if (path.isRoot()) {
            throw ApiException.badRequest("refusing to delete the storage root");
        }
        try {
            dav.delete(path.toString());
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public Optional<StorageQuota> quota() {
        try {
            return dav.quota("/").map(q -> new StorageQuota(q.usedBytes(), q.limited() ? q.availableBytes() : null));
        } catch (IOException e) {
            throw translate(e);
        }
    }

    private static void refuseSelfNesting(StoragePath from, StoragePath to) {
        if (from.isRoot() || to.isRoot()) {
            throw ApiException.badRequest("the storage root cannot be moved, copied or replaced");
        }
        if (from.contains(to)) {
            throw ApiException.badRequest("cannot put " + from + " inside itself");
        }
    }

    private static StorageEntry entry(DavResource r) {
        String type = r.contentType() != null && !r.contentType().isBlank() ? r.contentType() : ContentTypes.byName(r.name());
        return new StorageEntry(r.path(), r.name(), r.directory() ? StorageEntry.DIRECTORY : StorageEntry.FILE,
                r.directory() ? null : r.size(), Json.time(r.modified()), r.etag(), r.directory() ? null : type);
    }

    /** The WebDAV server's refusals keep their meaning; its failures become 502 (the hub is a gateway here). */
    static ApiException translate(IOException e) {
        if (e instanceof DavException dav) {
            return switch (dav.status()) {
                case 404, 409, 412, 413, 423 -> new ApiException(dav.status(), dav.getMessage());
                case 507 -> new ApiException(507, dav.getMessage());
                default -> new ApiException(502, dav.getMessage());
            };
        }
        return new ApiException(502, "storage server failed: " + e.getClass().getSimpleName());
    }
}
