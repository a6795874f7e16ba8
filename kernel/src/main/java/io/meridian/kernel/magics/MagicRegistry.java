package io.meridian.kernel.magics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** Known magics by name, and the split of a cell into its leading magic lines and its Java code. */
public final class MagicRegistry {

    private final Map<String, Magic> magics = new ConcurrentSkipListMap<>();

    /** One magic call found in a cell. {@code line} is the 0-based cell line of the call. */
    public record Call(Magic magic, String args, int line) {
    }

    /** The magics to run first, then the Java code and the cell line it starts on. */
    public record ParsedCell(List<Call> calls, String code, int codeLine) {
    }

    public void register(Magic magic) {
        magics.put(magic.name(), magic);
    }

    public Collection<Magic> all() {
        return new TreeMap<>(magics).values();
    }

    /**
     * Splits leading {@code %magic} lines (blank lines between them are skipped) from the Java code.
     *
     * @throws IllegalArgumentException naming the unknown magic and pointing to %lsmagic
     */
    public ParsedCell parse(String cell) {
        List<Call> calls = new java.util.ArrayList<>();
        int pos = 0;
        int line = 0;
        while (pos < cell.length()) {
            int end = cell.indexOf('\n', pos);
            int lineEnd = end < 0 ? cell.length() : end;
            String text = cell.substring(pos, lineEnd).strip();
            if (!text.isEmpty() && !text.startsWith("%")) {
                break;
            }
            int next = end < 0 ? cell.length() : end + 1;
            if (!text.isEmpty()) {
                String body = text.startsWith("%%") ? text.substring(2) : text.substring(1);
                int space = body.indexOf(' ');
                String name = space < 0 ? body : body.substring(0, space);
                String args = space < 0 ? "" : body.substring(space + 1).strip();
                Magic magic = magics.get(name);
                if (magic == null) {
                    throw new IllegalArgumentException("Unknown magic %" + name + " on cell line " + (line + 1)
                            + "; %lsmagic lists the available ones");
                }
                if (magic.takesCellBody() && (args.isEmpty() || text.startsWith("%%"))) {
                    String rest = cell.substring(next);
                    calls.add(new Call(magic, args.isEmpty() ? rest : args + "\n" + rest, line));
                    return new ParsedCell(calls, "", line + 1);
                }
                calls.add(new Call(magic, args, line));
            }
            pos = next;
            line++;
        }
        return new ParsedCell(calls, cell.substring(Math.min(pos, cell.length())), line);
    }
}
