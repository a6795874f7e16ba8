package io.meridian.kernel.display;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a frontend shows for one value: representations keyed by MIME type, plus per-type metadata. */
public record MimeBundle(Map<String, Object> data, Map<String, Object> metadata) {

    public MimeBundle {
        data = Map.copyOf(data);
        metadata = Map.copyOf(metadata);
    }

    public static MimeBundle of(String mime, Object value) {
        return new MimeBundle(Map.of(mime, value), Map.of());
    }

    /** A bundle with a rich representation and its plain-text fallback. */
    public static MimeBundle of(String mime, Object value, String plainText) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(mime, value);
        data.put("text/plain", plainText);
        return new MimeBundle(data, Map.of());
    }
}
