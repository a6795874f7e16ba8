package io.meridian.deepaas.runtime;

import java.util.List;
import java.util.Objects;

/**
 * One predict or train argument of a model, as DEEPaaS declares them with webargs: a name, a
 * type, whether it is required, an optional default and an optional list of allowed values.
 * Build one with a factory and the {@code with...} methods:
 * {@code Arg.integer("epochs").withDefault(200).withDescription("passes over the data")}.
 */
public record Arg(String name, ArgType type, boolean required, Object defaultValue, List<String> choices,
                  String description) {

    public Arg {
        Objects.requireNonNull(type, "type");
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("argument name must be letters, digits and '_', not starting"
                    + " with a digit: " + name);
        }
        choices = choices == null ? List.of() : List.copyOf(choices);
        if (type == ArgType.FILE && (defaultValue != null || !choices.isEmpty())) {
            throw new IllegalArgumentException("file argument '" + name + "' cannot have a default or choices");
        }
        if (required && defaultValue != null) {
            throw new IllegalArgumentException("argument '" + name + "' is required and cannot have a default");
        }
    }

    public static Arg integer(String name) {
        return new Arg(name, ArgType.INTEGER, false, null, null, null);
    }

    public static Arg number(String name) {
        return new Arg(name, ArgType.NUMBER, false, null, null, null);
    }

    public static Arg string(String name) {
        return new Arg(name, ArgType.STRING, false, null, null, null);
    }

    public static Arg bool(String name) {
        return new Arg(name, ArgType.BOOLEAN, false, null, null, null);
    }

    public static Arg file(String name) {
        return new Arg(name, ArgType.FILE, false, null, null, null);
    }

    public Arg asRequired() {
        return new Arg(name, type, true, defaultValue, choices, description);
    }

    public Arg withDefault(Object value) {
        return new Arg(name, type, required, value, choices, description);
    }

    public Arg withChoices(String... values) {
        return new Arg(name, type, required, defaultValue, List.of(values), description);
    }

    public Arg withDescription(String text) {
        return new Arg(name, type, required, defaultValue, choices, text);
    }
}
