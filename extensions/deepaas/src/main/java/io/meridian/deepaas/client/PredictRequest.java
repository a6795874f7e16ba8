package io.meridian.deepaas.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments and files of one predict call, and how the arguments travel: in the query
 * string, as form fields, or as a JSON object body. Files force a multipart body; with files,
 * the arguments go in the query or as multipart fields, never as JSON (DEEPaaS cannot mix them).
 * {@code accept} is the single media type asked for (DEEPaaS answers 422 to a list).
 */
public record PredictRequest(Map<String, Object> args, Encoding encoding, List<FilePart> files, String accept) {

    /** Where the arguments travel. */
    public enum Encoding { QUERY, FORM, JSON }

    public PredictRequest {
        args = args == null ? Map.of() : new LinkedHashMap<>(args);
        files = files == null ? List.of() : List.copyOf(files);
        accept = accept == null ? "application/json" : accept.trim();
        if (accept.isEmpty() || accept.contains(",")) {
            throw new IllegalArgumentException("DEEPaaS accepts exactly one media type in Accept, not '" + accept
                    + "' (a list is answered with 422)");
        }
        if (encoding == Encoding.JSON && !files.isEmpty()) {
            throw new IllegalArgumentException("arguments cannot travel as JSON together with files;"
                    + " use PredictRequest.form(...) or .query(...)");
        }
    }

    public static PredictRequest json(Map<String, ?> args) {
        return new PredictRequest(new LinkedHashMap<>(args), Encoding.JSON, null, null);
    }

    public static PredictRequest form(Map<String, ?> args) {
        return new PredictRequest(new LinkedHashMap<>(args), Encoding.FORM, null, null);
    }

    public static PredictRequest query(Map<String, ?> args) {
        return new PredictRequest(new LinkedHashMap<>(args), Encoding.QUERY, null, null);
    }

    public PredictRequest withFile(String field, String filename, String contentType, byte[] content) {
        List<FilePart> more = new ArrayList<>(files);
        more.add(new FilePart(field, filename, contentType, content));
        return new PredictRequest(args, encoding, more, accept);
    }

    public PredictRequest withAccept(String mediaType) {
        return new PredictRequest(args, encoding, files, mediaType);
    }
}
