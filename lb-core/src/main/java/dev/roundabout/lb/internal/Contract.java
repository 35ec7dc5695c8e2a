package dev.roundabout.lb.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a call's outcome says about its arguments, in the clause notation NullAway reads from any
 * annotation named {@code Contract}: {@code "false, _ -> fail"} means the call throws when its first
 * argument is false. On the precondition checks it lets the build's null analysis see that
 * {@code checkState(x != null, message)} leaves {@code x} non-null.
 *
 * <p>Only read at compile time; no code of the library looks at it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Contract {
  /** The clauses, separated by {@code ;}: arguments ({@code _}, {@code null}, {@code !null}, {@code true}, {@code false}), {@code ->}, outcome. */
  String value();
}
