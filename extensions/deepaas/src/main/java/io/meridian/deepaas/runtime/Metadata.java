package io.meridian.deepaas.runtime;

/** What {@code GET /v2/models/{name}/} tells about a model; the fields of DEEPaaS's ModelMeta. */
public record Metadata(String name, String description, String author, String version, String url,
                       String license) {

    public Metadata {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("model name must be letters, digits, '.', '_' or '-': " + name);
        }
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException("model '" + name + "' needs a description (DEEPaaS requires one)");
        }
    }
}
