package dev.roundabout.lb;

/**
 * Creates the {@link Picker} for a list of ready endpoints. {@link Pickers} holds the built-in
 * factories; their options are methods that return a new configured factory.
 *
 * <p>Factories are immutable and may be shared by several load balancers. {@link #create} is
 * called on the balancer's serialized update path (never concurrently for one balancer, never on
 * the pick path), once for every change of the ready list; it is the place for expensive work
 * (tables, rings, alias arrays). State that must survive a change of the list, such as a rotation
 * cursor, is carried over from {@link ReadyEndpoints#previous()}.
 */
@FunctionalInterface
public interface PickerFactory {
  /**
   * Returns a picker for {@code ready}, which is never empty.
   *
   * @throws RuntimeException to reject the list; the balancer logs it and keeps its last picker
   */
  Picker create(ReadyEndpoints ready);
}
