package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.PickerFactory;

/**
 * Round robin: hands picks out in rotation, 0, 1, 2, 0, 1, 2..., ignoring weights and load. The
 * rotation starts at a random point and continues across changes of the list (the next pick after
 * an update does not go back to the first endpoint).
 *
 * <p>Thread-safe, lock-free, allocation-free: one striped counter increment and one division.
 */
final class RoundRobinPicker implements StripedCursor.Rotating {
  static final PickerFactory FACTORY =
      new NamedFactory(
          "roundRobin",
          ready -> new RoundRobinPicker(
              StripedCursor.takeOver(ready.previous(), ready.random()), ready.size()));

  private final StripedCursor cursor;
  private final int size;

  RoundRobinPicker(StripedCursor cursor, int size) {
    this.cursor = cursor;
    this.size = size;
  }

  @Override
  public int pick(PickContext context) {
    return (int) (cursor.next() % size);
  }

  @Override
  public StripedCursor cursor() {
    return cursor;
  }
}
