package io.meridian.hub.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.meridian.hub.quotas.Quota;
import io.meridian.hub.quotas.QuotaApi;
import io.meridian.hub.quotas.QuotaUsage;
import io.meridian.hub.quotas.Quotas;
import io.meridian.hub.servers.SecretBox;
import io.meridian.hub.storage.NextcloudLogins;
import io.meridian.hub.storage.StorageService;
import io.meridian.hub.storage.TestPlatformServer;
import io.meridian.hub.storage.UserStorage;
import io.meridian.hub.web.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /api/v1/catalog and /api/v1/openapi.yaml (checked against every platform service) over HTTP with the hub's real authenticator. */
class CatalogServiceTest {
    private TestPlatformServer hub;
    private String alice;
    private String admin;

    @BeforeEach
    void start() {
        Path data = TestPlatformServer.tempDir();
        Catalog catalog = new Catalog(new CatalogLoader(new MetadataValidator()), CatalogFixtures.DEFAULT_CATALOG, null);
        catalog.refresh();
        UserStorage storage = new UserStorage(data.resolve("storage"), data.resolve("connections"),
                SecretBox.fromKeyFile(data.resolve("hub-secret.key")));
        hub = TestPlatformServer.startWith(data, backing -> List.of(
                new CatalogService(backing.auth()::api, catalog, user -> new Resources(2, 4000, 0)),
                new StorageService(backing.auth()::api, storage, new NextcloudLogins(storage, Duration.ofMillis(100),
                        Duration.ofMinutes(1)), user -> Quota.UNLIMITED),
                new QuotaApi(backing.auth()::api, backing.users(), new Quotas(backing.db(), Quota.UNLIMITED),
                        user -> new QuotaUsage(storage.usedBytes(user.name()), 0, 0, new Resources(0, 0, 0)), Clock.systemUTC()),
                new PlatformApiDocument()));
        alice = hub.tokenFor("alice", false, List.of("self"));
        admin = hub.tokenFor("root", true, List.of("inherit"));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void listsFiltersAndDescribesModules() {
        assertEquals(List.of("ai4os-demo-app", "iris-classifier", "plant-species-classifier", "yolov8-object-detection"),
                strings(json(get(alice, "/api/v1/catalog/modules"))));
        assertEquals(List.of("plant-species-classifier", "yolov8-object-detection"),
                strings(json(get(alice, "/api/v1/catalog/modules?data_type=Image"))));
        assertEquals(List.of("yolov8-object-detection"),
                strings(json(get(alice, "/api/v1/catalog/modules?tasks=Computer%20Vision&libraries=PyTorch"))));
        assertEquals(List.of("iris-classifier", "yolov8-object-detection"),
                strings(json(get(alice, "/api/v1/catalog/modules?tags=java,yolo"))));
        assertEquals(List.of("iris-classifier"), strings(json(get(alice, "/api/v1/catalog/modules?q=decision%20tree"))));

        PlatformApiSpec.assertMatches("GET", "/catalog/modules", 200, json(get(alice, "/api/v1/catalog/modules")));
        JsonNode details = json(get(alice, "/api/v1/catalog/modules/detail?categories=AI4%20tools"));
        PlatformApiSpec.assertMatches("GET", "/catalog/modules/detail", 200, details);
        assertEquals("ai4oshub/ai4os-demo-app", details.get(0).path("image").asText());

        JsonNode iris = json(get(alice, "/api/v1/catalog/modules/iris-classifier"));
        PlatformApiSpec.assertMatches("GET", "/catalog/modules/{id}", 200, iris);
        assertEquals("meridian/module-iris", iris.path("image").asText());
        assertEquals(5000, iris.path("port").asInt());
        assertTrue(iris.path("description").asText().contains("DEEPaaS"));
        assertEquals("2.3.0", json(get(alice, "/api/v1/catalog/modules/iris-classifier/metadata")).path("metadata_version").asText());
        HttpResponse<String> unknown = get(alice, "/api/v1/catalog/modules/unknown");
        assertEquals(404, unknown.statusCode());
        PlatformApiSpec.assertError(json(unknown));
    }

    @Test
    void deployConfigurationIsClampedToTheCallersQuota() {
        JsonNode config = json(get(alice, "/api/v1/catalog/modules/yolov8-object-detection/config"));
        PlatformApiSpec.assertMatches("GET", "/catalog/modules/{id}/config", 200, config);
        assertEquals("ai4oshub/ai4os-yolov8-torch", config.path("image").asText());
        assertEquals(5000, config.path("port").asInt());
        assertEquals(4, config.path("requested").path("cpu").asInt());
        assertEquals(2, config.path("granted").path("cpu").asInt());
        assertEquals(4000, config.path("granted").path("memory_mb").asInt());
        assertEquals(0, config.path("granted").path("gpu").asInt());
        assertEquals(3, config.path("warnings").size());
        assertEquals(400, get(alice, "/api/v1/catalog/modules/iris-classifier/config?purpose=mining").statusCode());
    }

    @Test
    void onlyAdminsRefreshAndAnonymousCallersGetNothing() {
        assertEquals(401, get(null, "/api/v1/catalog/modules").statusCode());
        HttpResponse<String> refused = post(alice, "/api/v1/catalog/refresh");
        assertEquals(403, refused.statusCode());
        assertEquals(403, json(refused).path("status").asInt());
        HttpResponse<String> refreshed = post(admin, "/api/v1/catalog/refresh");
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertEquals(4, json(refreshed).path("modules").asInt());
        PlatformApiSpec.assertMatches("POST", "/catalog/refresh", 200, json(refreshed));
        PlatformApiSpec.assertMatches("GET", "/catalog/invalid", 200, json(get(alice, "/api/v1/catalog/invalid")));
        assertEquals(0, json(get(alice, "/api/v1/catalog/invalid")).size());
    }

    @Test
    void theOpenApiDocumentDescribesEveryRouteThatIsServed() throws IOException {
        HttpResponse<String> doc = get(null, "/api/v1/openapi.yaml");
        assertEquals(200, doc.statusCode());
        JsonNode openapi = new ObjectMapper(new YAMLFactory()).readTree(doc.body());
        assertEquals("3.1.0", openapi.path("openapi").asText());
        int checked = 0;
        Iterator<Map.Entry<String, JsonNode>> paths = openapi.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (path.getKey().startsWith("/courses")) {
                continue; // served by CoursesApi, not wired here: CourseApiTest calls every course operation of the document
            }
            String concrete = "/api/v1" + path.getKey().replace("{id}", "iris-classifier").replace("{name}", "alice");
            for (String method : List.of("get", "put", "post", "delete")) {
                if (path.getValue().has(method)) {
                    HttpResponse<String> r = hub.send(hub.request(alice, concrete)
                            .method(method.toUpperCase(), HttpRequest.BodyPublishers.ofString("{}")).build());
                    assertNotEquals("not found: " + method.toUpperCase() + " " + concrete,
                            r.statusCode() == 404 ? json(r).path("message").asText() : "", method + " " + concrete);
                    checked++;
                }
            }
        }
        assertTrue(checked >= 23, "checked " + checked + " operations");
    }

    private HttpResponse<String> get(String token, String path) {
        return hub.send(hub.request(token, path).GET().build());
    }

    private HttpResponse<String> post(String token, String path) {
        return hub.send(hub.request(token, path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
