package io.meridian.kernel.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.kernel.wire.Message;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelInstallerTest {

    @Test
    void prefixInstallWritesKernelJsonThatStartsTheJarWithTheGivenJava(@TempDir Path tmp) throws Exception {
        KernelInstaller.Options options = KernelInstaller.parse(new String[] {
                "--prefix", tmp.toString(), "--jvm-opt", "-Xmx2g", "--name", "My-Java"});
        Path jar = Files.createFile(tmp.resolve("meridian-kernel.jar"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");

        Path dir = KernelInstaller.install(options, java, jar);
        JsonNode spec = Message.JSON.readTree(dir.resolve("kernel.json").toFile());
        List<String> argv = new ArrayList<>();
        spec.get("argv").forEach(a -> argv.add(a.asText()));

        assertEquals(tmp.resolve("share/jupyter/kernels/my-java"), dir);
        assertEquals(java.toString(), argv.get(0));
        assertEquals(List.of("-Xmx2g", "-jar", jar.toString(), "{connection_file}"), argv.subList(argv.size() - 4, argv.size()));
        assertTrue(argv.contains("-XX:+UseSerialGC"), argv.toString());
        assertEquals("Java (Meridian)", spec.get("display_name").asText());
        assertEquals("java", spec.get("language").asText());
        assertEquals("message", spec.get("interrupt_mode").asText());
        for (int size : new int[] {32, 64}) {
            BufferedImage logo = ImageIO.read(dir.resolve("logo-" + size + "x" + size + ".png").toFile());
            assertEquals(size, logo.getWidth());
            assertEquals(size, logo.getHeight());
        }
    }

    @Test
    void badOptionsAreRejectedWithAReason() {
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> KernelInstaller.parse(new String[] {"--user", "--prefix", "/tmp/x"}));
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> KernelInstaller.parse(new String[] {"--name", "../evil"}));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> KernelInstaller.parse(new String[] {"--prefix"}));

        assertTrue(both.getMessage().contains("exclude"));
        assertTrue(name.getMessage().contains("../evil"));
        assertTrue(missing.getMessage().contains("--prefix needs a value"));
    }

    @Test
    void userInstallFollowsJupyterDataDirConventions() {
        Path dir = KernelInstaller.userKernelsDir();

        String dataDir = System.getenv("JUPYTER_DATA_DIR");
        Path expected = dataDir != null && !dataDir.isBlank() ? Path.of(dataDir, "kernels")
                : Path.of(System.getProperty("user.home"), ".local", "share", "jupyter", "kernels");
        if (System.getenv("XDG_DATA_HOME") == null && System.getProperty("os.name").startsWith("Linux")) {
            assertEquals(expected, dir);
        }
        assertTrue(dir.endsWith("kernels"), dir.toString());
    }
}
