package io.meridian.kernel.testext;

import io.meridian.kernel.display.MimeBundle;
import io.meridian.kernel.magics.Magic;
import io.meridian.kernel.spi.ExtensionContext;
import io.meridian.kernel.spi.KernelExtension;
import java.util.List;

/** A test extension using every part of the SPI: imports, init code, a renderer, a magic and a comm target. */
public final class GreetingExtension implements KernelExtension {

    /** A type only this extension knows how to show. */
    public record Greeting(String who) {
    }

    @Override
    public String name() {
        return "greeting";
    }

    @Override
    public List<String> imports() {
        return List.of("io.meridian.kernel.testext.GreetingExtension.Greeting");
    }

    @Override
    public List<String> initCode() {
        return List.of("String greeting = \"hello from the greeting extension\";");
    }

    @Override
    public void register(ExtensionContext context) {
        context.renderers().register(Greeting.class,
                g -> MimeBundle.of("text/html", "<h1>Hello, " + g.who() + "</h1>", "Hello, " + g.who()));
        context.registerMagic(Magic.of("greet", "%greet NAME : print a greeting", false,
                (args, ctx) -> ctx.out().println("Greetings, " + args + "!")));
        context.comms().registerTarget("greeting.echo", (comm, data) -> comm.onMessage(comm::send));
    }
}
