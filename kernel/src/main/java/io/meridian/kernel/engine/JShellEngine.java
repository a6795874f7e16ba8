package io.meridian.kernel.engine;

import io.meridian.kernel.display.DisplayHandle;
import io.meridian.kernel.display.MimeBundle;
import io.meridian.kernel.display.RendererRegistry;
import io.meridian.kernel.magics.Magic;
import io.meridian.kernel.magics.MagicContext;
import io.meridian.kernel.magics.MagicRegistry;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Evaluates cells with JShell inside the kernel's JVM: splits a cell into snippets, runs its magics,
 * maps compile errors and stack traces back to cell lines, and renders the last expression's value.
 */
public final class JShellEngine implements AutoCloseable {

    /** Text beyond this size in an execute_result is cut, so one huge toString cannot exhaust the frontend. */
    /**
     * Unnamed results ($1, $2, ...) kept reachable. JShell re-checks every live snippet on each eval, so
     * keeping them all makes each cell slower as a session grows (10 ms to 75 ms per trivial cell over
     * 1,600 cells, measured); older ones are dropped.
     */
    static final int KEPT_TEMP_RESULTS = 20;
    static final int MAX_RESULT_CHARS = 1 << 20;

    private final JShell jshell;
    private final SourceCodeAnalysis analysis;
    private final SnippetLoader loader;
    private final KernelExecutionControl control;
    private final RendererRegistry renderers;
    private final MagicRegistry magics;
    private final Map<String, String> environment;
    private final PrintStream out;
    /** Snippet id -> where its source sits, to turn "#12:3" stack frames into cell lines. */
    private final Map<String, SnippetOrigin> origins = new ConcurrentHashMap<>();
    private final Deque<VarSnippet> tempResults = new ArrayDeque<>();
    private volatile boolean interruptRequested;

    private record SnippetOrigin(int executionCount, int line) {
    }

    /**
     * @param parent       the loader cells and extension jars delegate to (the kernel's own)
     * @param out          the stdout cells write to, for magics' messages
     * @param environment  variables set with %env in this session
     */
    public JShellEngine(ClassLoader parent, RendererRegistry renderers, MagicRegistry magics,
                        Map<String, String> environment, PrintStream out) {
        String kernelClasspath = System.getProperty("java.class.path", "");
        this.loader = new SnippetLoader(parent, Set.of(kernelClasspath.split(File.pathSeparator)));
        this.control = new KernelExecutionControl(loader, () -> interruptRequested);
        this.renderers = renderers;
        this.magics = magics;
        this.environment = environment;
        this.out = out;
        this.jshell = JShell.builder()
                .executionEngine(new ExecutionControlProvider() {
                    @Override
                    public String name() {
                        return "meridian";
                    }

                    @Override
                    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                        return control;
                    }
                }, Map.of())
                .out(out).err(out)
                .build();
        this.analysis = jshell.sourceCodeAnalysis();
        // cells compile against the kernel's own classes (the Notebook API) and its dependencies
        jshell.addToClasspath(kernelClasspath);
        Thread.currentThread().setContextClassLoader(loader.classLoader());
    }

    /** The loader of cell classes and of jars added at runtime; extensions in those jars load through it. */
    public ClassLoader classLoader() {
        return loader.classLoader();
    }

    public void addToClasspath(Path path) {
        jshell.addToClasspath(path.toAbsolutePath().toString());
    }

    /** Evaluates setup code (imports, extension init code), failing with the compiler's or runtime's message. */
    public void evalSetup(String code) throws CellFailure {
        evalCode(code, 0, 0, new Values());
    }

    /** Runs one cell; {@code executionCount} labels frames of this cell in later tracebacks. */
    public CellResult execute(String cell, int executionCount) {
        Thread.currentThread().setContextClassLoader(loader.classLoader());
        Values values = new Values();
        List<String> pages = new ArrayList<>();
        try {
            MagicRegistry.ParsedCell parsed = parseMagics(cell);
            for (MagicRegistry.Call call : parsed.calls()) {
                runMagic(call, executionCount, values, pages);
            }
            evalCode(parsed.code(), parsed.codeLine(), executionCount, values);
            return new CellResult(values.bundle(), null, pages);
        } catch (CellFailure failure) {
            return new CellResult(null, failure, pages);
        }
    }

    /**
     * Starts a new request: an interrupt that came while no request ran is forgotten. Not done by
     * {@link #execute}, so that an interrupt arriving after the request was announced busy but before its
     * code runs (still queued, or being compiled) still stops it, and so that a magic running code
     * inside a cell does not clear it.
     */
    public void beginRequest() {
        interruptRequested = false;
    }

    /**
     * Stops the running cell: busy loops, sleeps and blocking reads end with an interrupted error. Code of
     * the current request that has not started yet does not start.
     */
    public void interrupt() {
        interruptRequested = true;
        jshell.stop();
    }

    private MagicRegistry.ParsedCell parseMagics(String cell) throws CellFailure {
        try {
            return magics.parse(cell);
        } catch (IllegalArgumentException e) {
            throw new CellFailure("UnknownMagic", e.getMessage(), List.of(e.getMessage()));
        }
    }

    private void runMagic(MagicRegistry.Call call, int executionCount, Values values, List<String> pages)
            throws CellFailure {
        MagicContext context = new MagicContext() {
            @Override
            public void addToClasspath(Path path) {
                JShellEngine.this.addToClasspath(path);
            }

            @Override
            public void execute(String code) throws CellFailure {
                evalCode(code, call.line() + (call.magic().takesCellBody() ? 1 : 0), executionCount, values);
            }

            @Override
            public PrintStream out() {
                return out;
            }

            @Override
            public Map<String, String> environment() {
                return environment;
            }

            @Override
            public void page(String text) {
                pages.add(text);
            }

            @Override
            public String documentation(String code) {
                return JShellEngine.this.documentation(code, code.length(), true);
            }

            @Override
            public Collection<Magic> magics() {
                return magics.all();
            }
        };
        try {
            call.magic().run(call.args(), context);
        } catch (CellFailure failure) {
            throw failure;
        } catch (Exception | LinkageError e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new CellFailure(e.getClass().getSimpleName(), message,
                    List.of("%" + call.magic().name() + " failed on cell line " + (call.line() + 1) + ": " + message));
        }
    }

    /** The last expression's value seen so far in a cell. */
    private final class Values {
        private String text;
        private Object object;
        private boolean present;

        void clear() {
            present = false;
            text = null;
            object = null;
        }

        void set(String text, Object object) {
            this.present = !(object instanceof DisplayHandle);
            this.text = text;
            this.object = object;
        }

        MimeBundle bundle() {
            if (!present) {
                return null;
            }
            MimeBundle rich = renderers.render(object).orElse(null);
            if (rich != null) {
                return rich;
            }
            String plain = text == null ? String.valueOf(object) : text;
            if (plain.length() > MAX_RESULT_CHARS) {
                plain = plain.substring(0, MAX_RESULT_CHARS) + "\n[Result truncated: its text is "
                        + plain.length() + " characters; the first " + MAX_RESULT_CHARS + " are shown.]";
            }
            return MimeBundle.of("text/plain", plain);
        }
    }

    private void evalCode(String code, int baseLine, int executionCount, Values values) throws CellFailure {
        String rest = code;
        while (!rest.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            int offset = code.length() - rest.length();
            switch (info.completeness()) {
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> throw compileError(code, baseLine,
                        offset + rest.stripTrailing().length(), "the cell ends in the middle of a statement"
                                + " (missing ';', ')' or '}'?)");
                case EMPTY -> {
                    return;
                }
                default -> { }
            }
            String source = info.source();
            rest = info.remaining();
            List<SnippetEvent> events = jshell.eval(source);
            if (interruptRequested) {
                throw interrupted();
            }
            for (SnippetEvent event : events) {
                if (event.causeSnippet() != null) {
                    continue; // an update of a dependent snippet, not this one
                }
                Snippet snippet = event.snippet();
                // JShell numbers a snippet's lines from its first non-blank character
                int start = offset;
                while (start < code.length() && Character.isWhitespace(code.charAt(start))) {
                    start++;
                }
                origins.put(snippet.id(), new SnippetOrigin(executionCount, baseLine + lineOf(code, start) - 1));
                if (event.status() == Snippet.Status.REJECTED) {
                    throw rejected(snippet, code, baseLine, offset);
                }
                if (event.exception() != null) {
                    throw runtimeError(event.exception(), executionCount);
                }
                capture(snippet, event, values);
            }
        }
    }

    private void capture(Snippet snippet, SnippetEvent event, Values values) {
        if (snippet instanceof VarSnippet var && snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
            values.set(event.value(), objectOf(var));
            tempResults.addLast(var);
            if (tempResults.size() > KEPT_TEMP_RESULTS) {
                jshell.drop(tempResults.removeFirst());
            }
        } else if (snippet instanceof ExpressionSnippet expression) {
            VarSnippet var = jshell.variables().filter(v -> v.name().equals(expression.name())).findFirst().orElse(null);
            values.set(event.value(), var == null ? event.value() : objectOf(var));
        } else {
            values.clear();
        }
    }

    private Object objectOf(VarSnippet var) {
        try {
            jshell.varValue(var);
            return control.lastValue();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return null;
        }
    }

    private CellFailure interrupted() {
        String message = "the cell was interrupted";
        return new CellFailure("InterruptedException", message, List.of("java.lang.InterruptedException: " + message));
    }

    private CellFailure rejected(Snippet snippet, String code, int baseLine, int offset) {
        List<Diag> diags = jshell.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList());
        if (diags.isEmpty()) {
            return compileError(code, baseLine, offset, "the code was rejected by the compiler");
        }
        List<String> traceback = new ArrayList<>();
        String first = null;
        for (Diag diag : diags) {
            long position = diag.getStartPosition() >= 0 ? diag.getStartPosition() : diag.getPosition();
            int at = offset + (int) Math.max(0, position);
            // javac names JShell's nameless wrapper class; that line says nothing to the user
            String message = diag.getMessage(Locale.ROOT).replaceAll("\\n\\s*location: class\\s*$", "");
            if (first == null) {
                first = message;
            }
            traceback.addAll(pointAt(code, baseLine, at, message));
        }
        return new CellFailure("CompilationError", first, traceback);
    }

    private static CellFailure compileError(String code, int baseLine, int at, String message) {
        return new CellFailure("CompilationError", message, pointAt(code, baseLine, at, message));
    }

    /** "Error at cell line L, column C", the source line, a caret, then the compiler's message. */
    private static List<String> pointAt(String code, int baseLine, int at, String message) {
        at = Math.min(at, code.length());
        int lineStart = code.lastIndexOf('\n', at - 1) + 1;
        int lineEnd = code.indexOf('\n', at);
        String sourceLine = code.substring(lineStart, lineEnd < 0 ? code.length() : lineEnd);
        int line = baseLine + lineOf(code, at);
        int column = code.codePointCount(lineStart, at) + 1;
        List<String> lines = new ArrayList<>();
        lines.add("Compilation error at cell line " + line + ", column " + column + ":");
        lines.add("    " + sourceLine);
        lines.add("    " + " ".repeat(Math.max(0, column - 1)) + "^");
        lines.addAll(List.of(message.split("\n")));
        return lines;
    }

    private static int lineOf(String code, int index) {
        int line = 1;
        for (int i = 0; i < Math.min(index, code.length()); i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private CellFailure runtimeError(JShellException exception, int executionCount) {
        if (interruptRequested) {
            return interrupted();
        }
        List<String> traceback = new ArrayList<>();
        String ename = exceptionName(exception);
        String evalue = exception.getMessage() == null ? "" : withoutWrapperNames(exception.getMessage());
        for (Throwable t = exception; t != null; t = t.getCause()) {
            String name = exceptionName(t);
            String message = t.getMessage() == null ? name : name + ": " + withoutWrapperNames(t.getMessage());
            traceback.add(t == exception ? message : "Caused by: " + message);
            traceback.addAll(userFrames(t.getStackTrace(), executionCount));
        }
        return new CellFailure(ename, evalue, traceback);
    }

    /** JShell's generated wrapper classes mean nothing to the user: "REPL.$JShell$17.s" reads as "s". */
    private static String withoutWrapperNames(String text) {
        return text.replaceAll("REPL\\.\\$JShell\\$\\d+[A-Z]?\\.", "");
    }

    private static String exceptionName(Throwable t) {
        if (t instanceof EvalException eval) {
            return eval.getExceptionClassName();
        }
        if (t instanceof UnresolvedReferenceException unresolved) {
            return "UnresolvedReferenceException: " + unresolved.getSnippet().source().strip();
        }
        return t.getClass().getName();
    }

    /** The frames down to the last one in cell code; JShell's and reflection's own frames below are dropped. */
    private List<String> userFrames(StackTraceElement[] frames, int executionCount) {
        int last = -1;
        for (int i = 0; i < frames.length; i++) {
            if (snippetFrame(frames[i])) {
                last = i;
            }
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i <= (last < 0 ? frames.length - 1 : last); i++) {
            StackTraceElement frame = frames[i];
            if (!snippetFrame(frame)) {
                lines.add("    at " + frame);
                continue;
            }
            SnippetOrigin origin = origins.get(frame.getFileName().substring(1));
            String method = frame.getMethodName().isEmpty() ? "cell" : frame.getMethodName();
            String where = origin == null ? frame.getFileName() + ":" + frame.getLineNumber()
                    : (origin.executionCount() == executionCount ? "" : "cell [" + origin.executionCount() + "] ")
                      + "line " + (origin.line() + frame.getLineNumber());
            lines.add("    at " + method + " (" + where + ")");
        }
        return lines;
    }

    private static boolean snippetFrame(StackTraceElement frame) {
        return frame.getFileName() != null && frame.getFileName().startsWith("#");
    }

    // ---- completion, documentation, is_complete ----

    /** Completions at a cursor given in Unicode code points, as Jupyter counts them. */
    public Completion complete(String code, int cursorCodePoints) {
        int cursor = toIndex(code, cursorCodePoints);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions = analysis.completionSuggestions(code, cursor, anchor);
        Set<String> matches = new LinkedHashSet<>();
        suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType)
                .forEach(s -> matches.add(s.continuation()));
        suggestions.forEach(s -> matches.add(s.continuation()));
        List<String> list = List.copyOf(matches);
        List<String> types = list.stream().map(JShellEngine::completionType).toList();
        return new Completion(list, code.codePointCount(0, anchor[0]), cursorCodePoints, types);
    }

    private static String completionType(String match) {
        if (match.endsWith("(") || match.endsWith("()")) {
            return "method";
        }
        return !match.isEmpty() && Character.isUpperCase(match.charAt(0)) ? "class" : "variable";
    }

    /** Signature and javadoc for what is at (or just before) the cursor, or null. */
    public String inspect(String code, int cursorCodePoints, boolean full) {
        return documentation(code, toIndex(code, cursorCodePoints), full);
    }

    private String documentation(String code, int cursor, boolean full) {
        // with the cursor inside a name, look at the whole name
        int end = cursor;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(code, end, true);
        if (docs.isEmpty()) {
            // JShell documents calls; a bare method name at the end of the code becomes one
            String asCall = code.substring(0, end) + "(" + code.substring(end);
            docs = analysis.documentation(asCall, end + 1, true);
        }
        if (!docs.isEmpty()) {
            StringBuilder text = new StringBuilder();
            for (SourceCodeAnalysis.Documentation doc : docs) {
                text.append(doc.signature()).append('\n');
                if (doc.javadoc() != null && !doc.javadoc().isBlank()) {
                    text.append(full ? doc.javadoc().strip() : summary(doc.javadoc())).append("\n\n");
                }
            }
            return text.toString().strip();
        }
        int start = end;
        while (start > 0 && Character.isJavaIdentifierPart(code.charAt(start - 1))) {
            start--;
        }
        String name = code.substring(start, end);
        return jshell.variables().filter(v -> v.name().equals(name) && jshell.status(v).isActive())
                .findFirst().map(v -> v.typeName() + " " + v.name() + " = " + jshell.varValue(v))
                .orElse(null);
    }

    private static String summary(String javadoc) {
        String text = javadoc.strip();
        int paragraph = text.indexOf("\n\n");
        int tags = text.indexOf("\n@");
        int cut = text.length();
        if (paragraph > 0) {
            cut = Math.min(cut, paragraph);
        }
        if (tags > 0) {
            cut = Math.min(cut, tags);
        }
        return text.substring(0, cut).strip();
    }

    /** Whether the code can run as it is, for is_complete_request; magic lines count as complete. */
    public Completeness isComplete(String code) {
        String rest;
        try {
            rest = magics.parse(code).code();
        } catch (IllegalArgumentException e) {
            return Completeness.invalid();
        }
        while (!rest.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            switch (info.completeness()) {
                case COMPLETE, COMPLETE_WITH_SEMI -> rest = info.remaining();
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                    return new Completeness("incomplete", indentAfter(code));
                }
                case EMPTY -> {
                    return Completeness.complete();
                }
                default -> {
                    return Completeness.invalid();
                }
            }
        }
        return Completeness.complete();
    }

    private static String indentAfter(String code) {
        int depth = 0;
        for (char c : code.toCharArray()) {
            if (c == '{' || c == '(') {
                depth++;
            } else if ((c == '}' || c == ')') && depth > 0) {
                depth--;
            }
        }
        return "    ".repeat(depth);
    }

    private static int toIndex(String code, int codePoints) {
        int count = code.codePointCount(0, code.length());
        return code.offsetByCodePoints(0, Math.max(0, Math.min(codePoints, count)));
    }

    @Override
    public void close() {
        jshell.close();
    }
}
