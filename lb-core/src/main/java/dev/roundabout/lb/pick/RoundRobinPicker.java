package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.PickerFactory;

/**
 * Round robin: hands picks out in rotation, 0, 1, 2, 0, 1, 2..., ignoring weights and load. The
 * rotation starts at a random point and continues across changes of the list: the pick after an
 * update goes to the endpoint after the last one picked, not back to the first.
 *
 * <p>Thread-safe, lock-free, allocation-free: one striped counter increment and one division.
 */
final class RoundRobinPicker implements Rotation.Rotating {
  static final PickerFactory FACTORY =
      new NamedFactory(
          "roundRobin",
          ready -> new RoundRobinPicker(Rotation.continuing(ready.previous(), ready.random(), ready.size())));

  private final Rotation rotation;

  RoundRobinPicker(Rotation rotation) {
    this.rotation = rotation;
  }

  @Override
  public int pick(PickContext context) {
    return (int) rotation.next();
  }

  @Override
  public Rotation rotation() {
    return rotation;
  }
}
