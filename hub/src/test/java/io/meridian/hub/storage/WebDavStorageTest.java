package io.meridian.hub.storage;

import io.meridian.nextcloud.TestWebDav;
import io.meridian.nextcloud.WebDavClient;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The WebDAV backend against the real Apache mod_dav server. */
class WebDavStorageTest extends StorageBackendContract {
    @Override
    StorageBackend backend() {
        try {
            return new WebDavStorage(new WebDavClient(TestWebDav.freshFolder()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
