package io.meridian.hub.courses;

import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Names;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A roster CSV ({@code username,email,name} with that header line; fields may be quoted) read all at once:
 * every bad row is reported with its line number, and nothing is imported while one is bad.
 */
public final class Roster {
    private static final int MAX_ERRORS_SHOWN = 20;

    private Roster() {
    }

    public static List<RosterEntry> parseCsv(String text) {
        List<String> errors = new ArrayList<>();
        List<RosterEntry> entries = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        boolean header = false;
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            List<String> fields;
            try {
                fields = fields(line);
            } catch (IllegalArgumentException e) {
                errors.add("line " + number + ": " + e.getMessage());
                continue;
            }
            if (!header) {
                header = true;
                List<String> names = fields.stream().map(f -> f.strip().toLowerCase()).toList();
                if (!names.equals(List.of("username", "email", "name"))) {
                    throw ApiException.badRequest("roster rejected, nothing changed: line " + number
                            + ": the first line must be the header 'username,email,name'");
                }
                continue;
            }
            if (fields.size() != 3) {
                errors.add("line " + number + ": " + fields.size() + " fields, expected 3 (username,email,name)");
                continue;
            }
            String username = fields.get(0).strip();
            String email = fields.get(1).strip();
            String name = fields.get(2).strip();
            if (!Names.isValidUser(username)) {
                errors.add("line " + number + ": invalid user name '" + shown(username)
                        + "' (1-64 lowercase letters, digits, '.', '_' or '-')");
                continue;
            }
            if (!email.isEmpty() && !validEmail(email)) {
                errors.add("line " + number + ": invalid e-mail address '" + shown(email) + "'");
                continue;
            }
            if (name.length() > 200) {
                errors.add("line " + number + ": name longer than 200 characters");
                continue;
            }
            Integer earlier = firstLine.putIfAbsent(username, number);
            if (earlier != null) {
                errors.add("line " + number + ": " + username + " is already on line " + earlier);
                continue;
            }
            entries.add(new RosterEntry(username, email, name));
        }
        if (!header) {
            throw ApiException.badRequest("roster rejected, nothing changed: the CSV is empty; "
                    + "send a header 'username,email,name' and one line per student");
        }
        if (!errors.isEmpty()) {
            List<String> shown = errors.size() > MAX_ERRORS_SHOWN ? errors.subList(0, MAX_ERRORS_SHOWN) : errors;
            throw ApiException.badRequest("roster rejected, nothing changed: " + String.join("; ", shown)
                    + (errors.size() > MAX_ERRORS_SHOWN ? "; and " + (errors.size() - MAX_ERRORS_SHOWN) + " more" : ""));
        }
        return entries;
    }

    /** A plausible e-mail address: something@something, no spaces, at most 320 characters. */
    static boolean validEmail(String email) {
        return email.length() <= 320 && email.matches("[^@\\s]+@[^@\\s]+");
    }

    /** One CSV line's fields: commas separate, double quotes enclose, "" is a quote inside quotes. */
    static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"' && field.toString().isBlank()) {
                quoted = true;
                field.setLength(0);
            } else if (ch == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(ch);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("a quoted field is not closed");
        }
        fields.add(field.toString());
        return fields;
    }

    private static String shown(String value) {
        String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
