package io.meridian.kernel.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The cells run in this kernel session, for history_request (tail, range and search). */
public final class History {

    /** The session number every entry of this process carries; 0 in a request also means this session. */
    public static final int SESSION = 1;

    /** One stored cell; {@code output} is the text/plain result or null. */
    public record Entry(int session, int line, String input, String output) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public synchronized void add(int line, String input, String output) {
        entries.add(new Entry(SESSION, line, input, output));
    }

    /** The last {@code n} cells. */
    public synchronized List<Entry> tail(int n) {
        return List.copyOf(entries.subList(Math.max(0, entries.size() - Math.max(0, n)), entries.size()));
    }

    /** Cells with start <= line < stop; stop <= 0 means to the end. Other sessions are not kept. */
    public synchronized List<Entry> range(int session, int start, int stop) {
        if (session != SESSION && session != 0) {
            return List.of();
        }
        return entries.stream().filter(e -> e.line() >= start && (stop <= 0 || e.line() < stop)).toList();
    }

    /**
     * Cells whose whole input matches a glob ({@code *} any text, {@code ?} one character), the last
     * {@code n} of them (all when n <= 0); with {@code unique} each input once, at its latest position.
     */
    public synchronized List<Entry> search(String glob, int n, boolean unique) {
        Pattern pattern = globToRegex(glob);
        List<Entry> matches = entries.stream().filter(e -> pattern.matcher(e.input()).matches()).toList();
        if (unique) {
            Map<String, Entry> latest = new LinkedHashMap<>();
            for (Entry e : matches) {
                latest.remove(e.input());
                latest.put(e.input(), e);
            }
            matches = List.copyOf(latest.values());
        }
        return n > 0 && matches.size() > n ? matches.subList(matches.size() - n, matches.size()) : matches;
    }

    static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
