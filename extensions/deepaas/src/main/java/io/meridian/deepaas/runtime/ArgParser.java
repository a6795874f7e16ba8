package io.meridian.deepaas.runtime;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns raw request values (query and form strings, JSON values, uploaded files) into the typed
 * arguments a model declared, collecting errors per argument with DEEPaaS's (marshmallow's)
 * messages, so a 422 body reads exactly like the real server's.
 */
final class ArgParser {
    static final String MISSING = "Missing data for required field.";
    private static final Set<String> TRUE = Set.of("true", "1", "yes", "on", "y", "t");
    private static final Set<String> FALSE = Set.of("false", "0", "no", "off", "n", "f");

    /** Typed arguments, the uploaded files, and errors keyed by argument name. */
    record Result(Map<String, Object> args, List<UploadedFile> files, Map<String, List<String>> errors) {
    }

    private ArgParser() {
    }

    /**
     * @param raw values by name: String (query/form) or JsonNode (JSON body)
     */
    static Result parse(List<Arg> declared, Map<String, Object> raw, List<UploadedFile> uploads) {
        Map<String, Object> args = new LinkedHashMap<>();
        List<UploadedFile> files = new ArrayList<>();
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (Arg arg : declared) {
            if (arg.type() == ArgType.FILE) {
                List<UploadedFile> given = uploads.stream().filter(f -> f.field().equals(arg.name())).toList();
                if (given.isEmpty() && arg.required()) {
                    errors.put(arg.name(), List.of(MISSING));
                }
                files.addAll(given);
                continue;
            }
            Object value = raw.get(arg.name());
            if (value == null || (value instanceof JsonNode node && node.isNull())) {
                if (arg.required()) {
                    errors.put(arg.name(), List.of(MISSING));
                } else if (arg.defaultValue() != null) {
                    args.put(arg.name(), arg.defaultValue());
                }
                continue;
            }
            try {
                Object typed = convert(arg.type(), value);
                if (!arg.choices().isEmpty() && !arg.choices().contains(String.valueOf(typed))) {
                    throw new IllegalArgumentException("Must be one of: " + String.join(", ", arg.choices()) + ".");
                }
                args.put(arg.name(), typed);
            } catch (IllegalArgumentException e) {
                errors.put(arg.name(), List.of(e.getMessage()));
            }
        }
        return new Result(args, files, errors);
    }

    private static Object convert(ArgType type, Object value) {
        if (value instanceof JsonNode node) {
            return convertJson(type, node);
        }
        String text = ((String) value).trim();
        switch (type) {
            case INTEGER:
                try {
                    return Integer.valueOf(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Not a valid integer.");
                }
            case NUMBER:
                try {
                    double d = Double.parseDouble(text);
                    if (!Double.isFinite(d)) {
                        throw new NumberFormatException();
                    }
                    return d;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Not a valid number.");
                }
            case BOOLEAN:
                String lower = text.toLowerCase(Locale.ROOT);
                if (TRUE.contains(lower)) {
                    return Boolean.TRUE;
                }
                if (FALSE.contains(lower)) {
                    return Boolean.FALSE;
                }
                throw new IllegalArgumentException("Not a valid boolean.");
            default:
                return value;
        }
    }

    private static Object convertJson(ArgType type, JsonNode node) {
        switch (type) {
            case INTEGER:
                if (node.canConvertToInt() && (node.isIntegralNumber() || node.asDouble() == Math.rint(node.asDouble()))
                        && node.isNumber()) {
                    return node.asInt();
                }
                if (node.isTextual()) {
                    return convert(type, node.asText());
                }
                throw new IllegalArgumentException("Not a valid integer.");
            case NUMBER:
                if (node.isNumber()) {
                    return node.asDouble();
                }
                if (node.isTextual()) {
                    return convert(type, node.asText());
                }
                throw new IllegalArgumentException("Not a valid number.");
            case BOOLEAN:
                if (node.isBoolean()) {
                    return node.asBoolean();
                }
                if (node.isTextual() || node.isInt()) {
                    return convert(type, node.asText());
                }
                throw new IllegalArgumentException("Not a valid boolean.");
            default:
                if (!node.isTextual()) {
                    throw new IllegalArgumentException("Not a valid string.");
                }
                return node.asText();
        }
    }
}
