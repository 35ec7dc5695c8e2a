package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickerFactory;

/**
 * The built-in picker factories, for {@code dev.roundabout.lb.Pickers}; not part of the API (this
 * package is not exported).
 */
public final class BuiltinPickers {
  private BuiltinPickers() {}

  /** See {@link RoundRobinPicker}. */
  public static PickerFactory roundRobin() {
    return RoundRobinPicker.FACTORY;
  }

  /** See {@link WeightedRoundRobinPicker}. */
  public static PickerFactory weightedRoundRobin() {
    return WeightedRoundRobinPicker.FACTORY;
  }

  /** See {@link RandomPicker}. */
  public static PickerFactory random() {
    return RandomPicker.FACTORY;
  }

  /** See {@link WeightedRandomPicker}. */
  public static PickerFactory weightedRandom() {
    return WeightedRandomPicker.FACTORY;
  }

  /** See {@link LeastConnectionsPicker}. */
  public static PickerFactory leastConnections() {
    return LeastConnectionsPicker.FACTORY;
  }

  /** See {@link PowerOfTwoChoicesPicker}. */
  public static PickerFactory powerOfTwoChoices() {
    return PowerOfTwoChoicesPicker.FACTORY;
  }
}
