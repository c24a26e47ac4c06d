package dev.chameleon.workbench.trainer.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a config record's component whose key may be left out (or written as null): the record then receives null
 * and decides what that means. Every other key is required ({@link ConfigLoader}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface OptionalKey {
}
