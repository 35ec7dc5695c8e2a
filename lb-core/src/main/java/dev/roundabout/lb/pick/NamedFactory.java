package dev.roundabout.lb.pick;

import dev.roundabout.lb.Picker;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.ReadyEndpoints;

/** A factory with a name for {@link #toString()}: the {@code Pickers} method that returns it. */
final class NamedFactory implements PickerFactory {
  private final String name;
  private final PickerFactory delegate;

  NamedFactory(String name, PickerFactory delegate) {
    this.name = name;
    this.delegate = delegate;
  }

  @Override
  public Picker create(ReadyEndpoints ready) {
    return delegate.create(ready);
  }

  @Override
  public String toString() {
    return name;
  }
}
