package dev.roundabout.lb;

/**
 * An algorithm bound to one immutable list of ready endpoints: it chooses one of them per call.
 * A {@link PickerFactory} creates a new picker whenever the ready list changes; the load balancer
 * publishes it with the list through one volatile field.
 *
 * <p>Thread-safe: {@link #pick} is called concurrently by every thread that picks, and it must not
 * block, lock, allocate, log or throw. It reads its own arrays and the live figures of
 * {@link ReadyEndpoints} (in-flight counts) and draws randomness only from
 * {@link ReadyEndpoints#random()}.
 */
@FunctionalInterface
public interface Picker {
  /**
   * Chooses an endpoint.
   *
   * @param context what the caller passed to {@link LoadBalancer#pick(PickContext)}; never null
   * @return the index of the chosen endpoint in the {@link ReadyEndpoints} this picker was created
   *     for, {@code 0 <= index < size()}; never called when that list is empty
   */
  int pick(PickContext context);
}
