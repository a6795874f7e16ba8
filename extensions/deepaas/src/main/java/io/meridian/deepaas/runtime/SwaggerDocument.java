package io.meridian.deepaas.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.deepaas.Json;

import java.util.List;

/**
 * The Swagger 2.0 document served at {@code /swagger.json}: the same paths and definitions as
 * DEEPaaS 2.6 publishes, with each model's predict and train arguments as parameters, and the
 * runtime's extension fields ({@code progress}, {@code metrics}) in the Training definition.
 */
final class SwaggerDocument {
    private SwaggerDocument() {
    }

    static ObjectNode build(List<DeepaasModel> models) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("swagger", "2.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "DEEP as a Service API endpoint (Meridian Java runtime)");
        info.put("version", "2.6.0");
        info.put("description", "DEEPaaS v2 API served by Meridian's Java runtime for: "
                + String.join(", ", models.stream().map(m -> m.metadata().name()).toList()));
        ObjectNode paths = doc.putObject("paths");
        operation(paths, "/", "get", "versions", "Get available API versions", "Versions");
        operation(paths, "/v2/", "get", "versions", "Get V2 API version information", "Version");
        operation(paths, "/v2/models/", "get", "models", "Return loaded models and its information", "ModelList");
        for (DeepaasModel model : models) {
            String base = "/v2/models/" + model.metadata().name() + "/";
            operation(paths, base, "get", "models", "Return model's metadata", "ModelMeta");

            ObjectNode predict = operation(paths, base + "predict/", "post", "models",
                    "Make a prediction given the input data", null);
            ArrayNode params = predict.putArray("parameters");
            boolean hasFile = false;
            for (Arg arg : model.predictArgs()) {
                parameter(params, arg, arg.type() == ArgType.FILE ? "formData" : "query");
                hasFile |= arg.type() == ArgType.FILE;
            }
            ObjectNode accept = params.addObject();
            accept.put("in", "header").put("name", "accept").put("required", false).put("type", "string")
                    .put("default", "application/json")
                    .put("description", "Media type that is acceptable for the response; exactly one.");
            accept.putArray("enum").add("application/json").add("*/*");
            if (hasFile) {
                // JSON bodies are read too, but Swagger 2.0 cannot describe them beside formData.
                predict.putArray("consumes").add("multipart/form-data").add("application/x-www-form-urlencoded");
            }
            predict.withObjectProperty("responses").putObject("200").put("description", "the model's prediction")
                    .putObject("schema").put("type", "object").put("additionalProperties", true);
            predict.withObjectProperty("responses").putObject("400").put("description", "the model refused the input")
                    .putObject("schema").put("$ref", "#/definitions/Failure");
            validationError(predict);

            ObjectNode train = operation(paths, base + "train/", "post", "models",
                    "Retrain model with available data", "Training");
            ArrayNode trainParams = train.putArray("parameters");
            model.trainArgs().forEach(arg -> parameter(trainParams, arg, "query"));
            validationError(train);
            operation(paths, base + "train/", "get", "models",
                    "Get a list of trainings (running or completed)", "TrainingList");
            ObjectNode status = operation(paths, base + "train/{uuid}", "get", "models", "Get status of a training",
                    "Training");
            uuidParameter(status);
            ObjectNode cancel = operation(paths, base + "train/{uuid}", "delete", "models",
                    "Cancel a training and remove it from the list", "Training");
            uuidParameter(cancel);
        }
        doc.set("definitions", definitions());
        return doc;
    }

    private static ObjectNode operation(ObjectNode paths, String path, String method, String tag, String summary,
                                        String responseDefinition) {
        ObjectNode op = paths.withObjectProperty(path).putObject(method);
        op.putArray("tags").add(tag);
        op.put("summary", summary);
        op.putArray("produces").add("application/json");
        op.putArray("parameters");
        ObjectNode responses = op.putObject("responses");
        if (responseDefinition != null) {
            responses.putObject("200").put("description", "")
                    .putObject("schema").put("$ref", "#/definitions/" + responseDefinition);
        }
        if (path.startsWith("/v2/models/") && !path.equals("/v2/models/")) {
            op.withArrayProperty("produces").add("text/plain");
            responses.putObject("404").put("description", "unknown model or training")
                    .putObject("schema").put("type", "string");
        }
        return op;
    }

    /** DEEPaaS's 422 body: the messages of each invalid argument, by argument name. */
    private static void validationError(ObjectNode op) {
        op.withObjectProperty("responses").putObject("422").put("description", "invalid arguments, keyed by name")
                .putObject("schema").put("type", "object").putObject("additionalProperties").put("type", "array")
                .putObject("items").put("type", "string");
    }

    private static void uuidParameter(ObjectNode op) {
        op.withArrayProperty("parameters").addObject().put("in", "path").put("name", "uuid").put("required", true)
                .put("type", "string");
    }

    private static void parameter(ArrayNode params, Arg arg, String in) {
        ObjectNode p = params.addObject();
        p.put("in", in).put("name", arg.name()).put("required", arg.required()).put("type", arg.type().swaggerType());
        if (arg.type() == ArgType.INTEGER) {
            p.put("format", "int32");
        }
        if (arg.description() != null) {
            p.put("description", arg.description());
        }
        if (arg.defaultValue() != null) {
            p.putPOJO("default", arg.defaultValue());
        }
        if (!arg.choices().isEmpty()) {
            ArrayNode e = p.putArray("enum");
            arg.choices().forEach(e::add);
        }
    }

    private static ObjectNode definitions() {
        ObjectNode d = Json.MAPPER.createObjectNode();
        ObjectNode failure = object(d, "Failure", "message");
        prop(failure, "message", "string");
        ObjectNode location = object(d, "Location", "href", "rel");
        prop(location, "rel", "string");
        prop(location, "href", "string");
        prop(location, "type", "string");
        ObjectNode version = object(d, "Version", "id", "version");
        prop(version, "id", "string");
        prop(version, "version", "string");
        arrayOf(version, "links", "Location");
        ObjectNode versions = object(d, "Versions");
        arrayOf(versions, "versions", "Version");
        arrayOf(versions, "links", "Location");
        ObjectNode meta = object(d, "ModelMeta", "description", "id", "name");
        for (String p : List.of("id", "name", "description", "author", "version", "url", "license")) {
            prop(meta, p, "string");
        }
        arrayOf(meta, "links", "Location");
        ObjectNode list = object(d, "ModelList");
        arrayOf(list, "models", "ModelMeta");
        ObjectNode training = object(d, "Training", "date", "status", "uuid");
        prop(training, "date", "string");
        prop(training, "uuid", "string");
        prop(training, "message", "string").put("description", "why the training failed, or that it waits");
        prop(training, "status", "string").putArray("enum").add("running").add("done").add("error").add("cancelled");
        training.withObjectProperty("properties").putObject("args").put("type", "object")
                .put("additionalProperties", true).put("description", "the arguments, defaults included");
        ObjectNode result = training.withObjectProperty("properties").putObject("result").put("type", "object")
                .put("description", "set once done");
        result.withObjectProperty("properties").putObject("output").put("description", "what the model returned");
        result.withObjectProperty("properties").putObject("finish_date").put("type", "string");
        result.withObjectProperty("properties").putObject("duration").put("type", "string")
                .put("description", "H:MM:SS.ffffff");
        prop(training, "progress", "number").put("description", "extension: fraction done, 0 to 1");
        training.withObjectProperty("properties").putObject("metrics").put("type", "object")
                .put("description", "extension: the latest metrics the model reported")
                .putObject("additionalProperties").put("type", "number");
        d.putObject("TrainingList").put("type", "array").putObject("items").put("$ref", "#/definitions/Training");
        return d;
    }

    private static ObjectNode object(ObjectNode definitions, String name, String... required) {
        ObjectNode o = definitions.putObject(name);
        o.put("type", "object");
        if (required.length > 0) {
            ArrayNode r = o.putArray("required");
            for (String s : required) {
                r.add(s);
            }
        }
        o.putObject("properties");
        return o;
    }

    private static ObjectNode prop(ObjectNode object, String name, String type) {
        return object.withObjectProperty("properties").putObject(name).put("type", type);
    }

    private static void arrayOf(ObjectNode object, String name, String itemDefinition) {
        object.withObjectProperty("properties").putObject(name).put("type", "array").putObject("items")
                .put("$ref", "#/definitions/" + itemDefinition);
    }
}
