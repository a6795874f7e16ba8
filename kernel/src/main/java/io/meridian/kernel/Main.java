package io.meridian.kernel;

import io.meridian.kernel.install.KernelInstaller;
import io.meridian.kernel.wire.ConnectionInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/** Entry point: {@code install [options]} writes the kernelspec; a connection file path starts the kernel. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        // images render to PNG without a display; cells must never open windows
        System.setProperty("java.awt.headless", "true");
        if (args.length > 0 && args[0].equals("install")) {
            System.exit(KernelInstaller.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length == 1 && args[0].equals("train-class-data")) {
            System.exit(KernelInstaller.trainClassData());
        }
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: java -jar meridian-kernel.jar CONNECTION_FILE\n"
                    + "       java -jar meridian-kernel.jar install [--user | --prefix DIR] [--name NAME]"
                    + " [--display-name NAME] [--jvm-opt OPTION]...");
            System.exit(2);
        }
        ConnectionInfo connection;
        try {
            connection = ConnectionInfo.read(Path.of(args[0]));
        } catch (IOException e) {
            System.err.println("meridian-kernel: " + e.getMessage());
            System.exit(1);
            return;
        }
        new Kernel(connection).run();
    }
}
