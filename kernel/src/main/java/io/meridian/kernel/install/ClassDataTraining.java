package io.meridian.kernel.install;

import io.meridian.kernel.display.RendererRegistry;
import io.meridian.kernel.engine.JShellEngine;
import io.meridian.kernel.magics.BuiltinMagics;
import io.meridian.kernel.magics.MagicRegistry;
import io.meridian.kernel.wire.Message;
import io.meridian.kernel.wire.WireCodec;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A short run of what a kernel start loads (sockets, JSON, signing, JShell and javac), made once at
 * install time to list the classes for the class-data archive, so that every kernel start maps them
 * instead of loading and verifying them again.
 */
final class ClassDataTraining {

    private ClassDataTraining() {
    }

    static void run() throws Exception {
        WireCodec codec = new WireCodec("training");
        Message message = Message.create("execute_request", null, "training", Message.object().put("code", "1 + 1"));
        codec.decode(codec.encode(message));
        try (ZMQ.Context context = ZMQ.context(1); ZMQ.Socket socket = context.socket(SocketType.ROUTER)) {
            socket.bind("inproc://training");
        }
        MagicRegistry magics = new MagicRegistry();
        BuiltinMagics.registerAll(magics);
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        try (JShellEngine engine = new JShellEngine(ClassDataTraining.class.getClassLoader(),
                RendererRegistry.withDefaults(), magics, new HashMap<>(), sink)) {
            engine.evalSetup("import java.util.*;\nimport static io.meridian.kernel.api.Notebook.*;");
            for (String code : List.of("1 + 1", "int x = 2;", "String s = \"a\" + x;\ns.length()", "undefined")) {
                engine.execute(code, 1);
            }
            engine.complete("Stri", 4);
            engine.isComplete("for (;;) {");
        }
    }
}
