package io.meridian.oscar;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * The environment of a service's containers. OSCAR's spec names the fields {@code variables}
 * and {@code secrets}; oscar-cli sends {@code Variables} and {@code Secrets} (OSCAR, written in
 * Go, reads either), so both spellings are read and the spec's is written.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ServiceEnvironment(@JsonAlias("Variables") Map<String, String> variables,
                                 @JsonAlias("Secrets") Map<String, String> secrets) {

    public static ServiceEnvironment of(Map<String, String> variables) {
        return new ServiceEnvironment(variables, null);
    }

    @Override
    public String toString() {
        return "ServiceEnvironment[variables=" + variables + ", secrets=" + (secrets == null ? "{}"
                : secrets.keySet() + " (values hidden)") + "]";
    }
}
