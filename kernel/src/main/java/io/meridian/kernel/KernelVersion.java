package io.meridian.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The kernel's version, from the Maven descriptor packed into its jar. */
final class KernelVersion {

    static final String VALUE = read();

    private KernelVersion() {
    }

    private static String read() {
        try (InputStream in = KernelVersion.class.getResourceAsStream(
                "/META-INF/maven/io.meridian/meridian-kernel/pom.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
