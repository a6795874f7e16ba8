package io.meridian.kernel.engine;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;

/**
 * Runs snippets in the kernel's own JVM. Besides JShell's string rendering of a variable it keeps the
 * value object itself, so the display renderers can turn it into HTML, images and so on. On JDK 21+ the
 * snippets run on a virtual thread, so that an interrupt also ends blocking socket reads.
 */
final class KernelExecutionControl extends LocalExecutionControl {

    /** The snippet to run on a virtual thread, handed to the thread JShell starts for it (which inherits it). */
    private static final InheritableThreadLocal<Method> PENDING = new InheritableThreadLocal<>();
    private static final Method RUN_PENDING;

    static {
        try {
            RUN_PENDING = KernelExecutionControl.class.getDeclaredMethod("runPendingOnVirtualThread");
            RUN_PENDING.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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

    /**
     * JShell runs each snippet on a new platform thread of a fresh thread group, which its stop interrupts
     * and whose loops it ends through code it weaves into every snippet class. On JDK 21+ that thread runs
     * {@link #runPendingOnVirtualThread}, which runs the snippet itself on a virtual thread; JShell's
     * result, exception and stop handling stay as they are.
     */
    @Override
    protected String invoke(Method doitMethod) throws Exception {
        if (VirtualCellThreads.ON_THIS_JDK.isEmpty()) {
            return super.invoke(doitMethod);
        }
        PENDING.set(doitMethod);
        try {
            return super.invoke(RUN_PENDING);
        } finally {
            PENDING.remove();
        }
    }

    private static Object runPendingOnVirtualThread() throws Throwable {
        Method doit = PENDING.get();
        // the cell's own threads must not inherit the snippet
        PENDING.remove();
        return VirtualCellThreads.ON_THIS_JDK.orElseThrow().run(doit);
    }

    /** The object read by the last {@link #varValue} call. */
    Object lastValue() {
        return lastValue;
    }
}
