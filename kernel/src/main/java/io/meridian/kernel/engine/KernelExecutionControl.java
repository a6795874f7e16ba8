package io.meridian.kernel.engine;

import java.lang.reflect.Field;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;

/**
 * Runs snippets in the kernel's own JVM. Besides JShell's string rendering of a variable it keeps the
 * value object itself, so the display renderers can turn it into HTML, images and so on.
 */
final class KernelExecutionControl extends LocalExecutionControl {

    private volatile Object lastValue;

    KernelExecutionControl(SnippetLoader loader) {
        super(loader);
    }

    @Override
    public String varValue(String className, String varName)
            throws ExecutionControl.RunException, ExecutionControl.EngineTerminationException,
                   ExecutionControl.InternalException {
        try {
            Field field = findClass(className).getDeclaredField(varName);
            field.setAccessible(true);
            lastValue = field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            lastValue = null;
        }
        return super.varValue(className, varName);
    }

    /** The object read by the last {@link #varValue} call. */
    Object lastValue() {
        return lastValue;
    }
}
