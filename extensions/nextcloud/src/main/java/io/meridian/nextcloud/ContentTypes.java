package io.meridian.nextcloud;

import org.apache.tika.Tika;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Content types by Tika: from a file name alone, or from a name and the first bytes of the content. */
public final class ContentTypes {
    private static final Tika TIKA = new Tika();
    /** Jupyter's notebook type; Tika would call a notebook octet-stream or plain JSON. */
    private static final String NOTEBOOK = "application/x-ipynb+json";

    private ContentTypes() {
    }

    /** The type a name suggests ("data.csv" gives text/csv); application/octet-stream when it says nothing. */
    public static String byName(String name) {
        return isNotebook(name) ? NOTEBOOK : TIKA.detect(name);
    }

    /**
     * The type from the magic bytes at the start of {@code in} and from {@code name}. The stream must
     * support mark/reset (wrap it in a {@link BufferedInputStream}); it is left at its start.
     */
    public static String detect(InputStream in, String name) throws IOException {
        if (!in.markSupported()) {
            throw new IllegalArgumentException("content type detection needs a stream with mark/reset");
        }
        return isNotebook(name) ? NOTEBOOK : TIKA.detect(in, name);
    }

    private static boolean isNotebook(String name) {
        return name != null && name.toLowerCase(java.util.Locale.ROOT).endsWith(".ipynb");
    }
}
