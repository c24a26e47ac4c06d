package dev.chameleon.workbench.trainer.hf.safetensors;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Releases a mapped buffer at once instead of when the garbage collector finds it, so that reading a 10 GB shard
 * tensor by tensor does not keep every mapping alive until the next collection. Only for buffers that never left
 * this package: touching a released buffer crashes the JVM. Java 17 has no public API for it, so this calls
 * {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, open to everyone); where that is missing the
 * buffer is simply left to the collector.
 */
final class Unmapper {

    private static final MethodHandle INVOKE_CLEANER = find();

    private Unmapper() {
    }

    static void unmap(ByteBuffer mapped) {
        if (INVOKE_CLEANER == null || !mapped.isDirect()) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(mapped);
        } catch (Throwable ignored) {
            // Left to the garbage collector, which unmaps it later.
        }
    }

    private static MethodHandle find() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field f = unsafeClass.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            return MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
