package io.meridian.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.kernel.api.Notebook;
import io.meridian.kernel.api.NotebookRuntime;
import io.meridian.kernel.comm.CommManager;
import io.meridian.kernel.display.MimeBundle;
import io.meridian.kernel.display.RendererRegistry;
import io.meridian.kernel.engine.CellFailure;
import io.meridian.kernel.engine.CellResult;
import io.meridian.kernel.engine.Completeness;
import io.meridian.kernel.engine.Completion;
import io.meridian.kernel.engine.JShellEngine;
import io.meridian.kernel.history.History;
import io.meridian.kernel.magics.BuiltinMagics;
import io.meridian.kernel.magics.Magic;
import io.meridian.kernel.magics.MagicRegistry;
import io.meridian.kernel.spi.ExtensionContext;
import io.meridian.kernel.spi.ExtensionLoader;
import io.meridian.kernel.streams.KernelStdin;
import io.meridian.kernel.streams.StreamCapture;
import io.meridian.kernel.wire.Channel;
import io.meridian.kernel.wire.ConnectionInfo;
import io.meridian.kernel.wire.Message;
import io.meridian.kernel.wire.StdinChannel;
import io.meridian.kernel.wire.WireCodec;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The kernel process: binds the five Jupyter sockets, answers shell and control requests, publishes
 * on iopub, and runs cells in a {@link JShellEngine} that starts in the background so kernel_info is
 * answered at once.
 */
public final class Kernel implements NotebookRuntime {

    /** Stream output one cell may send before the rest is cut with a note. */
    static final long OUTPUT_LIMIT_BYTES = Long.getLong("meridian.kernel.outputLimitBytes", 1 << 20);
    static final List<String> DEFAULT_IMPORTS = List.of(
            "java.util.*", "java.util.function.*", "java.util.stream.*", "java.util.concurrent.*", "java.io.*",
            "java.nio.file.*", "java.math.*", "java.net.*", "java.time.*", "static io.meridian.kernel.api.Notebook.*");

    private final ConnectionInfo connection;
    private final WireCodec codec;
    private final String session = UUID.randomUUID().toString();
    private final ZMQ.Context context = ZMQ.context(1);
    private final CompletableFuture<JShellEngine> engine = new CompletableFuture<>();
    private final RendererRegistry renderers = RendererRegistry.withDefaults();
    private final MagicRegistry magics = new MagicRegistry();
    private final Map<String, String> environment = new ConcurrentHashMap<>();
    private final History history = new History();
    private final CommManager comms;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "meridian-output");
        t.setDaemon(true);
        return t;
    });
    private final StreamCapture stdout;
    private final StreamCapture stderr;
    private final PrintStream cellOut;
    private Channel shell;
    private Channel control;
    private Channel iopub;
    private StdinChannel stdin;
    private volatile Message currentParent;
    private volatile boolean allowStdin;
    private volatile boolean shuttingDown;
    /** An interrupt came during the current execute request, maybe before the engine finished starting. */
    private volatile boolean interruptedRequest;
    private List<String> startupProblems = List.of();
    private int executionCount;

    public Kernel(ConnectionInfo connection) {
        this.connection = connection;
        this.codec = new WireCodec(connection.key());
        this.comms = new CommManager((type, content) -> publish(type, content, currentParent));
        this.stdout = new StreamCapture("stdout", this::publishStream, timer, OUTPUT_LIMIT_BYTES);
        this.stderr = new StreamCapture("stderr", this::publishStream, timer, OUTPUT_LIMIT_BYTES);
        this.cellOut = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        BuiltinMagics.registerAll(magics);
    }

    /** Serves until a shutdown_request; returns when the sockets are closed. */
    public void run() {
        bindSockets();
        KernelLog.keep(System.err);
        System.setOut(cellOut);
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        System.setIn(new KernelStdin(prompt -> readLine(prompt, false)));
        Notebook.install(this);
        installSigintHandler();
        publish("status", status("starting"), null);
        startThread("meridian-control", this::controlLoop);
        startThread("meridian-engine-start", this::startEngine);
        shellLoop();
    }

    private void bindSockets() {
        shell = new Channel("shell", bind(SocketType.ROUTER, connection.shellPort()), codec);
        control = new Channel("control", bind(SocketType.ROUTER, connection.controlPort()), codec);
        iopub = new Channel("iopub", bind(SocketType.PUB, connection.iopubPort()), codec);
        stdin = new StdinChannel(context, bind(SocketType.ROUTER, connection.stdinPort()), codec, KernelLog::warn);
        ZMQ.Socket heartbeat = bind(SocketType.REP, connection.hbPort());
        startThread("meridian-heartbeat", () -> {
            try {
                byte[] ping;
                while ((ping = heartbeat.recv(0)) != null) {
                    heartbeat.send(ping, 0);
                }
            } catch (ZMQException e) {
                // context terminated
            } finally {
                heartbeat.close();
            }
        });
    }

    private ZMQ.Socket bind(SocketType type, int port) {
        ZMQ.Socket socket = context.socket(type);
        socket.setLinger(1000);
        socket.bind(connection.endpoint(port));
        return socket;
    }

    private static void startThread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    @SuppressWarnings("restriction")
    private void installSigintHandler() {
        try {
            if (sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> interrupt())
                    == sun.misc.SignalHandler.SIG_IGN) {
                // started with SIGINT ignored (nohup, a background job of a script): the JVM keeps it ignored
                KernelLog.warn("SIGINT was ignored when the kernel started, so it cannot interrupt cells;"
                        + " interrupt_request (the kernelspec's interrupt_mode) still does");
            }
        } catch (IllegalArgumentException e) {
            KernelLog.warn("SIGINT cannot be handled here (" + e.getMessage() + "); use interrupt_request");
        }
    }

    private void startEngine() {
        try {
            JShellEngine created = new JShellEngine(Kernel.class.getClassLoader(), renderers, magics, environment,
                    cellOut);
            List<String> problems = new ArrayList<>();
            try {
                created.evalSetup(DEFAULT_IMPORTS.stream().map(i -> "import " + i + ";")
                        .reduce("", (a, b) -> a + b + "\n"));
            } catch (CellFailure e) {
                problems.add("default imports failed: " + e.evalue());
            }
            problems.addAll(ExtensionLoader.loadAll(created, System.getenv(ExtensionLoader.EXTENSIONS_ENV),
                    extensionContext()));
            problems.forEach(KernelLog::warn);
            startupProblems = problems;
            // compile and run one statement so the first real cell does not pay for javac's start
            created.evalSetup("if (false) { }");
            created.complete("Stri", 4);
            engine.complete(created);
        } catch (CellFailure | RuntimeException | LinkageError e) {
            KernelLog.warn("the Java engine failed to start: " + e);
            engine.completeExceptionally(e);
        }
    }

    private ExtensionContext extensionContext() {
        return new ExtensionContext() {
            @Override
            public RendererRegistry renderers() {
                return renderers;
            }

            @Override
            public void registerMagic(Magic magic) {
                magics.register(magic);
            }

            @Override
            public CommManager comms() {
                return comms;
            }
        };
    }

    // ---- socket loops ----

    private void shellLoop() {
        try {
            List<byte[]> frames;
            while (!shuttingDown && (frames = shell.receive()) != null) {
                Message request = decode(frames, shell);
                if (request != null) {
                    handle(request, shell);
                }
            }
        } catch (ZMQException e) {
            // context terminated by shutdown
        } finally {
            shell.close();
        }
    }

    private void controlLoop() {
        try {
            List<byte[]> frames;
            while (!shuttingDown && (frames = control.receive()) != null) {
                Message request = decode(frames, control);
                if (request != null) {
                    handle(request, control);
                }
            }
        } catch (ZMQException e) {
            // context terminated by shutdown
        }
    }

    private Message decode(List<byte[]> frames, Channel channel) {
        try {
            return codec.decode(frames);
        } catch (WireCodec.BadMessageException e) {
            if (e.badSignature()) {
                KernelLog.once("hmac", "dropped a message with a bad HMAC signature on " + channel.name());
            } else {
                KernelLog.once("malformed-" + e.getMessage(), "dropped a malformed message on " + channel.name()
                        + ": " + e.getMessage());
            }
            return null;
        }
    }

    private void handle(Message request, Channel channel) {
        if (channel == shell) {
            // output of comm handlers and cells belongs to the request that caused it
            currentParent = request;
        }
        if ("execute_request".equals(request.type())) {
            interruptedRequest = false;
            JShellEngine started = engine.getNow(null);
            if (started != null) {
                // from here on an interrupt belongs to this request, even before its code runs
                started.beginRequest();
            }
        }
        publish("status", status("busy"), request);
        try {
            switch (request.type()) {
                case "execute_request" -> execute(request, channel);
                case "kernel_info_request" -> reply(channel, request, kernelInfo());
                case "complete_request" -> reply(channel, request, complete(request));
                case "inspect_request" -> reply(channel, request, inspect(request));
                case "is_complete_request" -> reply(channel, request, isComplete(request));
                case "history_request" -> reply(channel, request, history(request));
                case "comm_info_request" -> {
                    ObjectNode content = ok();
                    content.set("comms", comms.info(request.get("target_name").asText(null)));
                    reply(channel, request, content);
                }
                case "comm_open" -> comms.handleOpen(request.content());
                case "comm_msg" -> {
                    if (!comms.handleMessage(request.content())) {
                        KernelLog.once("comm-" + request.get("comm_id").asText(), "comm_msg for unknown comm "
                                + request.get("comm_id").asText());
                    }
                }
                case "comm_close" -> comms.handleClose(request.content());
                case "interrupt_request" -> {
                    interrupt();
                    reply(channel, request, ok());
                }
                case "shutdown_request" -> shutdown(request, channel);
                case "connect_request" -> reply(channel, request, connectInfo());
                default -> unknown(request, channel);
            }
        } catch (RuntimeException e) {
            KernelLog.warn("failed to handle " + request.type() + ": " + e);
            if (request.type().endsWith("_request")) {
                reply(channel, request, error(e.getClass().getSimpleName(),
                        "the kernel could not handle " + request.type() + ": " + e.getMessage()));
            }
        } finally {
            publish("status", status("idle"), request);
        }
    }

    private void unknown(Message request, Channel channel) {
        String type = request.type().isEmpty() ? "(no msg_type)" : request.type();
        KernelLog.once("unknown-" + type, "unknown message type " + type + " on " + channel.name());
        if (type.endsWith("_request")) {
            reply(channel, request, error("UnknownMessageType",
                    "this kernel does not handle " + type + " messages"));
        }
    }

    // ---- execute ----

    private void execute(Message request, Channel channel) {
        String code = request.get("code").asText("");
        boolean silent = request.get("silent").asBoolean(false);
        boolean storeHistory = !silent && request.get("store_history").asBoolean(true);
        boolean stopOnError = request.get("stop_on_error").asBoolean(true);
        if (storeHistory) {
            executionCount++;
        }
        int count = executionCount;
        if (!silent) {
            ObjectNode input = Message.object();
            input.put("code", code);
            input.put("execution_count", count);
            publish("execute_input", input, request);
        }
        currentParent = request;
        allowStdin = request.get("allow_stdin").asBoolean(false);
        stdout.startCell();
        stderr.startCell();
        CellResult result = run(code, count);
        ObjectNode reply;
        if (result.ok()) {
            if (result.value() != null && !silent) {
                ObjectNode content = bundle(result.value());
                content.put("execution_count", count);
                publishOutput("execute_result", content);
            }
            reply = ok();
            reply.put("execution_count", count);
            ArrayNode payload = reply.putArray("payload");
            for (String page : result.pages()) {
                ObjectNode p = payload.addObject();
                p.put("source", "page");
                p.putObject("data").put("text/plain", page);
                p.put("start", 0);
            }
            reply.set("user_expressions", userExpressions(request.get("user_expressions"), count));
        } else {
            CellFailure failure = result.failure();
            ObjectNode content = error(failure.ename(), failure.evalue());
            content.set("traceback", Message.JSON.valueToTree(failure.traceback()));
            publishOutput("error", content.deepCopy().without(List.of("status")));
            reply = content;
            reply.put("execution_count", count);
        }
        stdout.flushNow();
        stderr.flushNow();
        allowStdin = false;
        if (storeHistory) {
            history.add(count, code, result.value() == null ? null
                    : String.valueOf(result.value().data().getOrDefault("text/plain", "")));
        }
        reply(channel, request, reply);
        if (!result.ok() && stopOnError) {
            abortQueuedExecutes(channel);
        }
    }

    private CellResult run(String code, int count) {
        try {
            JShellEngine started = engine.join();
            if (interruptedRequest) {
                // the interrupt came while the engine was still starting, with nothing to stop yet
                started.interrupt();
            }
            reportStartupProblems();
            return started.execute(code, count);
        } catch (CompletionException e) {
            String message = "the Java engine did not start: " + e.getCause();
            return new CellResult(null, new CellFailure("KernelStartupError", message, List.of(message)), List.of());
        } finally {
            stdout.flushNow();
            stderr.flushNow();
        }
    }

    private void reportStartupProblems() {
        List<String> problems = startupProblems;
        if (!problems.isEmpty()) {
            startupProblems = List.of();
            StringBuilder text = new StringBuilder();
            problems.forEach(p -> text.append("Meridian kernel: ").append(p).append('\n'));
            publishStream("stderr", text.toString());
        }
    }

    private ObjectNode userExpressions(JsonNode expressions, int count) {
        ObjectNode results = Message.object();
        if (!expressions.isObject()) {
            return results;
        }
        expressions.fields().forEachRemaining(entry -> {
            CellResult result = engine.join().execute(entry.getValue().asText(""), count);
            if (result.ok()) {
                ObjectNode value = result.value() == null ? bundle(MimeBundle.of("text/plain", ""))
                        : bundle(result.value());
                value.put("status", "ok");
                results.set(entry.getKey(), value);
            } else {
                ObjectNode value = error(result.failure().ename(), result.failure().evalue());
                value.set("traceback", Message.JSON.valueToTree(result.failure().traceback()));
                results.set(entry.getKey(), value);
            }
        });
        return results;
    }

    /** After a failed cell with stop_on_error, executes already queued behind it are answered "aborted". */
    private void abortQueuedExecutes(Channel channel) {
        List<byte[]> frames;
        while ((frames = channel.receiveIfQueued()) != null) {
            Message queued = decode(frames, channel);
            if (queued == null) {
                continue;
            }
            if (!"execute_request".equals(queued.type())) {
                handle(queued, channel);
                continue;
            }
            publish("status", status("busy"), queued);
            ObjectNode aborted = Message.object();
            aborted.put("status", "aborted");
            aborted.put("execution_count", executionCount);
            reply(channel, queued, aborted);
            publish("status", status("idle"), queued);
        }
    }

    // ---- other shell requests ----

    private ObjectNode kernelInfo() {
        String javaVersion = System.getProperty("java.version");
        ObjectNode content = ok();
        content.put("protocol_version", Message.PROTOCOL_VERSION);
        content.put("implementation", "meridian");
        content.put("implementation_version", KernelVersion.VALUE);
        ObjectNode language = content.putObject("language_info");
        language.put("name", "java");
        language.put("version", javaVersion);
        language.put("mimetype", "text/x-java-source");
        language.put("file_extension", ".java");
        language.put("codemirror_mode", "text/x-java");
        language.put("pygments_lexer", "java");
        content.put("banner", "Meridian Java kernel " + KernelVersion.VALUE + " on Java " + javaVersion + " ("
                + System.getProperty("java.vm.name") + ")");
        content.put("debugger", false);
        ArrayNode links = content.putArray("help_links");
        links.addObject().put("text", "Java " + Runtime.version().feature() + " API")
                .put("url", "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/docs/api/");
        links.addObject().put("text", "JShell guide")
                .put("url", "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature()
                        + "/jshell/introduction-jshell.html");
        return content;
    }

    private ObjectNode complete(Message request) {
        String code = request.get("code").asText("");
        int cursor = request.get("cursor_pos").asInt(code.codePointCount(0, code.length()));
        Completion completion = engine.join().complete(code, cursor);
        ObjectNode content = ok();
        content.set("matches", Message.JSON.valueToTree(completion.matches()));
        content.put("cursor_start", completion.start());
        content.put("cursor_end", completion.end());
        ArrayNode types = content.putObject("metadata").putArray("_jupyter_types_experimental");
        for (int i = 0; i < completion.matches().size(); i++) {
            types.addObject().put("start", completion.start()).put("end", completion.end())
                    .put("text", completion.matches().get(i)).put("type", completion.types().get(i));
        }
        return content;
    }

    private ObjectNode inspect(Message request) {
        String code = request.get("code").asText("");
        int cursor = request.get("cursor_pos").asInt(code.codePointCount(0, code.length()));
        String text = engine.join().inspect(code, cursor, request.get("detail_level").asInt(0) > 0);
        ObjectNode content = ok();
        content.put("found", text != null);
        ObjectNode data = content.putObject("data");
        if (text != null) {
            data.put("text/plain", text);
        }
        content.putObject("metadata");
        return content;
    }

    private ObjectNode isComplete(Message request) {
        Completeness verdict = engine.join().isComplete(request.get("code").asText(""));
        ObjectNode content = Message.object();
        content.put("status", verdict.status());
        if ("incomplete".equals(verdict.status())) {
            content.put("indent", verdict.indent());
        }
        return content;
    }

    private ObjectNode history(Message request) {
        boolean output = request.get("output").asBoolean(false);
        String access = request.get("hist_access_type").asText("tail");
        List<History.Entry> entries = switch (access) {
            case "range" -> history.range(request.get("session").asInt(0), request.get("start").asInt(0),
                    request.get("stop").asInt(0));
            case "search" -> history.search(request.get("pattern").asText("*"), request.get("n").asInt(0),
                    request.get("unique").asBoolean(false));
            default -> history.tail(request.get("n").asInt(10));
        };
        ObjectNode content = ok();
        ArrayNode list = content.putArray("history");
        for (History.Entry entry : entries) {
            ArrayNode row = list.addArray().add(entry.session()).add(entry.line());
            if (output) {
                row.addArray().add(entry.input()).add(entry.output());
            } else {
                row.add(entry.input());
            }
        }
        return content;
    }

    private ObjectNode connectInfo() {
        ObjectNode content = ok();
        content.put("shell_port", connection.shellPort());
        content.put("iopub_port", connection.iopubPort());
        content.put("stdin_port", connection.stdinPort());
        content.put("hb_port", connection.hbPort());
        content.put("control_port", connection.controlPort());
        return content;
    }

    private void interrupt() {
        interruptedRequest = true;
        JShellEngine running = engine.getNow(null);
        if (running != null) {
            running.interrupt();
        }
    }

    private void shutdown(Message request, Channel channel) {
        boolean restart = request.get("restart").asBoolean(false);
        ObjectNode content = ok();
        content.put("restart", restart);
        reply(channel, request, content);
        publish("shutdown_reply", content.deepCopy(), request);
        shuttingDown = true;
        interrupt();
        // terminating the context ends every blocked receive; linger lets the replies above go out
        Thread exit = new Thread(() -> {
            control.close();
            iopub.close();
            context.term();
            System.exit(0);
        }, "meridian-shutdown");
        exit.start();
        startThread("meridian-shutdown-guard", () -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                return;
            }
            System.exit(0);
        });
    }

    // ---- publishing ----

    private void reply(Channel channel, Message request, ObjectNode content) {
        String type = request.type().endsWith("_request")
                ? request.type().substring(0, request.type().length() - "_request".length()) + "_reply"
                : request.type() + "_reply";
        channel.send(Message.create(type, request, session, content));
    }

    private void publish(String type, ObjectNode content, Message parent) {
        if (shuttingDown && !type.equals("shutdown_reply") && !type.equals("status")) {
            return;
        }
        Message message = Message.create(type, parent, session, content);
        String topic = "kernel." + session + "." + type;
        try {
            iopub.send(new Message(List.of(topic.getBytes(StandardCharsets.UTF_8)), message.header(),
                    message.parentHeader(), message.metadata(), message.content(), List.of()));
        } catch (RuntimeException e) {
            // iopub closed during shutdown: nothing left to tell
        }
    }

    /** Publishes a rich output after any buffered stream text, so the frontend shows them in order. */
    private void publishOutput(String type, ObjectNode content) {
        stdout.flushNow();
        stderr.flushNow();
        publish(type, content, currentParent);
    }

    private void publishStream(String name, String text) {
        ObjectNode content = Message.object();
        content.put("name", name);
        content.put("text", text);
        publish("stream", content, currentParent);
    }

    private static ObjectNode status(String state) {
        ObjectNode content = Message.object();
        content.put("execution_state", state);
        return content;
    }

    private static ObjectNode ok() {
        ObjectNode content = Message.object();
        content.put("status", "ok");
        return content;
    }

    private static ObjectNode error(String ename, String evalue) {
        ObjectNode content = Message.object();
        content.put("status", "error");
        content.put("ename", ename);
        content.put("evalue", evalue);
        content.putArray("traceback");
        return content;
    }

    private static ObjectNode bundle(MimeBundle bundle) {
        ObjectNode content = Message.object();
        content.set("data", Message.JSON.valueToTree(bundle.data()));
        content.set("metadata", Message.JSON.valueToTree(bundle.metadata()));
        return content;
    }

    // ---- NotebookRuntime, used by cells through Notebook ----

    @Override
    public RendererRegistry renderers() {
        return renderers;
    }

    @Override
    public void publishDisplay(MimeBundle bundle, String displayId, boolean update) {
        ObjectNode content = bundle(bundle);
        content.putObject("transient").put("display_id", displayId);
        publishOutput(update ? "update_display_data" : "display_data", content);
    }

    @Override
    public void clearOutput(boolean wait) {
        ObjectNode content = Message.object();
        content.put("wait", wait);
        publishOutput("clear_output", content);
    }

    @Override
    public String readLine(String prompt, boolean password) {
        Message parent = currentParent;
        if (!allowStdin || parent == null) {
            throw new IllegalStateException("This frontend does not accept input requests (allow_stdin is false),"
                    + " so the cell cannot read from stdin; run it from a notebook or console that allows input");
        }
        stdout.flushNow();
        stderr.flushNow();
        try {
            return stdin.request(parent, session, prompt, password);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for input", e);
        }
    }

    @Override
    public CommManager comms() {
        return comms;
    }

    @Override
    public Map<String, String> environmentOverrides() {
        return environment;
    }
}
