package io.meridian.kernel.engine;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadFactory;

/**
 * Runs cell code on a virtual thread where the JDK has them (21+). An interrupt also ends a blocking socket
 * read there: the JDK closes the socket and the read throws, which a platform thread stuck in the same read
 * never sees. The kernel is built for Java 17, so the virtual-thread API is reached by reflection.
 */
final class VirtualCellThreads {

    /** Present on JDK 21 and later; empty on JDK 17, where cells stay on JShell's platform thread. */
    static final Optional<VirtualCellThreads> ON_THIS_JDK = create();

    private final ThreadFactory factory;
    private final MethodHandle isVirtual;
    /** The JDK's one group for virtual threads; platform threads that cell code starts land in it too. */
    private final ThreadGroup group;

    private VirtualCellThreads(ThreadFactory factory, MethodHandle isVirtual) {
        this.factory = factory;
        this.isVirtual = isVirtual;
        this.group = factory.newThread(() -> { }).getThreadGroup();
    }

    private static Optional<VirtualCellThreads> create() {
        MethodHandle ofVirtual;
        MethodHandle isVirtual;
        Class<?> builderType;
        try {
            builderType = Class.forName("java.lang.Thread$Builder");
            Class<?> virtualBuilderType = Class.forName("java.lang.Thread$Builder$OfVirtual");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            ofVirtual = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(virtualBuilderType));
            isVirtual = lookup.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
            return Optional.empty();
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle name = lookup.findVirtual(builderType, "name", MethodType.methodType(builderType, String.class));
            MethodHandle factory = lookup.findVirtual(builderType, "factory", MethodType.methodType(ThreadFactory.class));
            Object builder = name.invoke(ofVirtual.invoke(), "cell");
            VirtualCellThreads threads = new VirtualCellThreads((ThreadFactory) factory.invoke(builder), isVirtual);
            threads.keepCellThreadFailuresSilent();
            return Optional.of(threads);
        } catch (Throwable e) {
            throw new IllegalStateException("this JDK has virtual threads but they cannot be created: " + e, e);
        }
    }

    /**
     * Runs {@code doit} on a new virtual thread and waits for it. When the waiting thread is interrupted
     * (JShell's stop interrupts it), the interrupt goes on to the cell's thread and to the platform threads
     * the cell started, as JShell does for the threads of its own thread group.
     *
     * @return what {@code doit} returned
     * @throws Throwable what {@code doit} threw
     */
    Object run(Method doit) throws Throwable {
        Set<Thread> earlier = platformThreadsInGroup();
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread cell = factory.newThread(() -> {
            try {
                result[0] = doit.invoke(null);
            } catch (InvocationTargetException e) {
                failure[0] = e.getCause();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        cell.start();
        while (true) {
            try {
                cell.join();
                break;
            } catch (InterruptedException e) {
                cell.interrupt();
                for (Thread started : platformThreadsInGroup()) {
                    if (!earlier.contains(started)) {
                        started.interrupt();
                    }
                }
            }
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return result[0];
    }

    private Set<Thread> platformThreadsInGroup() {
        Thread[] threads;
        int count;
        do {
            threads = new Thread[group.activeCount() + 4];
            count = group.enumerate(threads);
        } while (count == threads.length);
        Set<Thread> set = new HashSet<>();
        for (int i = 0; i < count; i++) {
            set.add(threads[i]);
        }
        return set;
    }

    /**
     * JShell drops what ends a thread a cell started (such threads ran in its thread group, which handles
     * their uncaught exceptions); started from a virtual thread they land in the virtual-thread group instead,
     * whose default would print every one, down to the ThreadDeath that an interrupt ends their loops with.
     * This keeps them as quiet as before; other threads' failures are printed as the JDK does. (JShell on
     * JDK 21 replaces this handler with its own, which drops every failure, as it always did there.)
     */
    private void keepCellThreadFailuresSilent() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            if (thread.getThreadGroup() == group && !virtual(thread)) {
                return;
            }
            if (previous != null) {
                previous.uncaughtException(thread, failure);
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                failure.printStackTrace(System.err);
            }
        });
    }

    private boolean virtual(Thread thread) {
        try {
            return (boolean) isVirtual.invokeExact(thread);
        } catch (Throwable e) {
            throw new IllegalStateException("Thread.isVirtual failed", e);
        }
    }
}
