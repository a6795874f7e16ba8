package io.meridian.deepaas.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.meridian.deepaas.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves Java models through the DEEPaaS v2 API on the JDK's HTTP server, with the routes,
 * status codes and JSON shapes of a real DEEPaaS 2.6 server (see docs/deepaas-runtime.md).
 * Requests are answered on a small pool; trainings run one at a time on their own worker.
 */
public final class DeepaasServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DeepaasServer.class.getName());
    private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;
    private static final String JSON_UTF8 = "application/json; charset=utf-8";
    private static final String TEXT_UTF8 = "text/plain; charset=utf-8";
    private static final List<String> PREDICT_ACCEPT = List.of("application/json", "*/*");
    private static final Pattern MODEL_ROUTE = Pattern.compile("/v2/models/([^/]+)/(?:(predict|train)/(?:([^/]+))?)?");

    private final HttpServer http;
    private final ExecutorService requestPool;
    private final ExecutorService trainingWorker;
    private final Map<String, DeepaasModel> models = new LinkedHashMap<>();
    private final Map<String, Trainings> trainings = new LinkedHashMap<>();
    private final byte[] swagger;

    private DeepaasServer(HttpServer http, List<DeepaasModel> served) throws JsonProcessingException {
        this.http = http;
        this.requestPool = Executors.newFixedThreadPool(8, daemon("deepaas-http"));
        this.trainingWorker = Executors.newSingleThreadExecutor(daemon("deepaas-training"));
        for (DeepaasModel model : served) {
            String name = model.metadata().name();
            if (models.putIfAbsent(name, model) != null) {
                throw new IllegalArgumentException("two models are named '" + name + "'");
            }
            trainings.put(name, new Trainings(model, trainingWorker, Clock.systemUTC()));
        }
        this.swagger = Json.MAPPER.writeValueAsBytes(SwaggerDocument.build(served));
        http.setExecutor(requestPool);
        http.createContext("/", this::handle);
    }

    /** Starts serving {@code models} on {@code address} (port 0 picks a free port). */
    public static DeepaasServer start(InetSocketAddress address, List<DeepaasModel> models) throws IOException {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("a DEEPaaS server needs at least one model");
        }
        // Small JSON answers would otherwise wait for a delayed ACK (Nagle): ~40 ms stalls on predict.
        // The JDK server reads this property once, when its first server is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        DeepaasServer server = new DeepaasServer(HttpServer.create(address, 0), models);
        server.http.start();
        return server;
    }

    /**
     * Entry point for a module's {@code main}: reads {@code --host} (default 0.0.0.0) and
     * {@code --port} (default 5000, as DEEPaaS), serves until the process is stopped. A bad option
     * is an IllegalArgumentException saying which.
     */
    public static DeepaasServer serve(String[] argv, List<DeepaasModel> models) throws IOException {
        String host = "0.0.0.0";
        int port = 5000;
        for (int i = 0; i < argv.length; i++) {
            String option = argv[i];
            if ((option.equals("--port") || option.equals("--host")) && i + 1 >= argv.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            if (option.equals("--port")) {
                port = parsePort(argv[++i]);
            } else if (option.equals("--host")) {
                host = argv[++i];
            } else if (option.startsWith("--port=")) {
                port = parsePort(option.substring("--port=".length()));
            } else {
                throw new IllegalArgumentException("unknown option " + option + "; the options are --port and --host");
            }
        }
        DeepaasServer server = start(new InetSocketAddress(host, port), models);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "deepaas-shutdown"));
        System.out.println("DEEPaaS v2 API for " + models.stream().map(m -> m.metadata().name()).toList()
                + " listening on http://" + host + ":" + server.port() + "/v2/");
        return server;
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number from 0 to 65535, not " + value);
        }
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>/} for clients on this machine. */
    public URI localUri() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    @Override
    public void close() {
        http.stop(0);
        trainingWorker.shutdownNow();
        requestPool.shutdownNow();
        try {
            trainingWorker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            route(ex);
        } catch (Multipart.BadRequest e) {
            json(ex, 400, "application/json", Map.of("message", e.getMessage()));
        } catch (BodyTooLarge e) {
            text(ex, 413, "413: Request Entity Too Large");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "client went away", e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request " + ex.getRequestURI() + " failed", e);
            text(ex, 500, "500: Internal Server Error");
        }
    }

    /** Resolves the route like aiohttp: 405 for a known path, else a 308 if adding '/' helps, else 404. */
    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        Optional<Route> route = Route.of(path);
        if (route.isEmpty()) {
            if (Route.of(path + "/").isPresent()) {
                String query = ex.getRequestURI().getRawQuery();
                ex.getResponseHeaders().set("Location", path + "/" + (query == null ? "" : "?" + query));
                text(ex, 308, "308: Permanent Redirect");
            } else {
                text(ex, 404, "404: Not Found");
            }
            return;
        }
        Route r = route.get();
        if (!r.methods().contains(method)) {
            ex.getResponseHeaders().set("Allow", String.join(",", r.methods()));
            text(ex, 405, "405: Method Not Allowed");
            return;
        }
        if (r.model() != null && !models.containsKey(r.model())) {
            text(ex, 404, "404: Not Found");
            return;
        }
        switch (r.kind()) {
            case ROOT:
                json(ex, 200, JSON_UTF8, versions());
                break;
            case V2:
                json(ex, 200, JSON_UTF8, v2());
                break;
            case SWAGGER:
                send(ex, 200, JSON_UTF8, swagger);
                break;
            case MODELS:
                List<Object> list = new ArrayList<>();
                int i = 0;
                for (DeepaasModel m : models.values()) {
                    list.add(meta(i++, m.metadata()));
                }
                json(ex, 200, JSON_UTF8, Map.of("models", list));
                break;
            case MODEL:
                json(ex, 200, JSON_UTF8, meta(new ArrayList<>(models.keySet()).indexOf(r.model()),
                        models.get(r.model()).metadata()));
                break;
            case PREDICT:
                predict(ex, models.get(r.model()));
                break;
            case TRAININGS:
                if (method.equals("GET")) {
                    json(ex, 200, JSON_UTF8, trainings.get(r.model()).list());
                } else {
                    startTraining(ex, models.get(r.model()));
                }
                break;
            default:
                Trainings t = trainings.get(r.model());
                Optional<Map<String, Object>> training = method.equals("GET") ? t.get(r.uuid()) : t.delete(r.uuid());
                if (training.isPresent()) {
                    json(ex, 200, JSON_UTF8, training.get());
                } else {
                    text(ex, 404, "404: Not Found");
                }
        }
    }

    private void predict(HttpExchange ex, DeepaasModel model) throws IOException {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        String accept = ex.getRequestHeaders().getFirst("Accept");
        if (accept != null && !PREDICT_ACCEPT.contains(accept.trim())) {
            errors.put("accept", List.of("Must be one of: application/json."));
        }
        Input input = readInput(ex);
        ArgParser.Result parsed = ArgParser.parse(model.predictArgs(), input.values(), input.files());
        errors.putAll(parsed.errors());
        if (!errors.isEmpty()) {
            json(ex, 422, "application/json", errors);
            return;
        }
        Object answer;
        try {
            answer = model.predict(parsed.args(), parsed.files());
        } catch (IllegalArgumentException e) {
            json(ex, 400, "application/json", Map.of("message", String.valueOf(e.getMessage())));
            return;
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "predict of " + model.metadata().name() + " failed", e);
            json(ex, 500, "application/json", Map.of("message", "prediction failed: " + e));
            return;
        }
        json(ex, 200, JSON_UTF8, answer);
    }

    private void startTraining(HttpExchange ex, DeepaasModel model) throws IOException {
        Input input = readInput(ex);
        ArgParser.Result parsed = ArgParser.parse(model.trainArgs(), input.values(), input.files());
        if (!parsed.errors().isEmpty()) {
            json(ex, 422, "application/json", parsed.errors());
            return;
        }
        json(ex, 200, JSON_UTF8, trainings.get(model.metadata().name()).start(parsed.args()));
    }

    /** Arguments from the query string and from the body: form, multipart or JSON, as DEEPaaS reads them. */
    private static Input readInput(HttpExchange ex) throws IOException {
        Map<String, Object> values = new LinkedHashMap<>(decodeForm(ex.getRequestURI().getRawQuery()));
        List<UploadedFile> files = List.of();
        byte[] body = readBody(ex.getRequestBody());
        String type = Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Type")).orElse("");
        String mediaType = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (body.length > 0) {
            switch (mediaType) {
                case "multipart/form-data":
                    Multipart.Parsed parts = Multipart.parse(type, body);
                    values.putAll(parts.fields());
                    files = parts.files();
                    break;
                case "application/x-www-form-urlencoded":
                    values.putAll(decodeForm(new String(body, StandardCharsets.UTF_8)));
                    break;
                case "application/json":
                    JsonNode json;
                    try {
                        json = Json.MAPPER.readTree(body);
                    } catch (JsonProcessingException e) {
                        throw new Multipart.BadRequest("the body is not valid JSON: " + e.getOriginalMessage());
                    }
                    if (!json.isObject()) {
                        throw new Multipart.BadRequest("a JSON body must be an object of arguments");
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        values.put(e.getKey(), e.getValue());
                    }
                    break;
                default:
                    throw new Multipart.BadRequest("unsupported Content-Type '" + type
                            + "': send multipart/form-data, application/x-www-form-urlencoded or application/json");
            }
        }
        return new Input(values, files);
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new BodyTooLarge();
        }
        return body;
    }

    private static Map<String, String> decodeForm(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(key, value);
        }
        return values;
    }

    private static Map<String, Object> versions() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("versions", List.of(v2()));
        body.put("links", List.of(Map.of("rel", "describedby", "type", "application/json", "href", "/swagger.json")));
        return body;
    }

    private static Map<String, Object> v2() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", "stable");
        body.put("id", "v2");
        body.put("links", List.of(Map.of("rel", "self", "type", "application/json", "href", "/v2/")));
        return body;
    }

    private static Map<String, Object> meta(int index, Metadata m) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", String.valueOf(index));
        body.put("name", m.name());
        body.put("links", List.of(Map.of("rel", "self", "href", "/v2/models/" + m.name())));
        body.put("description", m.description());
        putIfPresent(body, "author", m.author());
        putIfPresent(body, "version", m.version());
        putIfPresent(body, "url", m.url());
        putIfPresent(body, "license", m.license());
        return body;
    }

    private static void putIfPresent(Map<String, Object> body, String key, String value) {
        if (value != null) {
            body.put(key, value);
        }
    }

    private static void json(HttpExchange ex, int status, String contentType, Object body) throws IOException {
        send(ex, status, contentType, Json.MAPPER.writeValueAsBytes(body));
    }

    private static void text(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, TEXT_UTF8, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        };
    }

    private record Input(Map<String, Object> values, List<UploadedFile> files) {
    }

    private static final class BodyTooLarge extends RuntimeException {
    }

    /** The routes of the DEEPaaS v2 API; {@code model} and {@code uuid} are filled from the path. */
    private record Route(Kind kind, List<String> methods, String model, String uuid) {
        enum Kind { ROOT, V2, SWAGGER, MODELS, MODEL, PREDICT, TRAININGS, TRAINING }

        static Optional<Route> of(String path) {
            switch (path) {
                case "/":
                    return Optional.of(new Route(Kind.ROOT, List.of("GET"), null, null));
                case "/v2/":
                    return Optional.of(new Route(Kind.V2, List.of("GET"), null, null));
                case "/swagger.json":
                    return Optional.of(new Route(Kind.SWAGGER, List.of("GET"), null, null));
                case "/v2/models/":
                    return Optional.of(new Route(Kind.MODELS, List.of("GET"), null, null));
                default:
                    break;
            }
            Matcher m = MODEL_ROUTE.matcher(path);
            if (!m.matches()) {
                return Optional.empty();
            }
            String model = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
            if (m.group(2) == null) {
                return Optional.of(new Route(Kind.MODEL, List.of("GET"), model, null));
            }
            if (m.group(2).equals("predict")) {
                return m.group(3) == null
                        ? Optional.of(new Route(Kind.PREDICT, List.of("POST"), model, null))
                        : Optional.empty();
            }
            return m.group(3) == null
                    ? Optional.of(new Route(Kind.TRAININGS, List.of("GET", "POST"), model, null))
                    : Optional.of(new Route(Kind.TRAINING, List.of("GET", "DELETE"), model, m.group(3)));
        }
    }
}
