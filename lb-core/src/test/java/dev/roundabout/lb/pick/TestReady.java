package dev.roundabout.lb.pick;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.Picker;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.Ticker;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** A fixed ready list with no load, to call a factory without a balancer. */
class TestReady implements ReadyEndpoints {
  private final List<Endpoint> endpoints;
  private final RandomGenerator random = new SplittableRandom(1);

  private final @Nullable Picker previous;

  TestReady(List<Endpoint> endpoints) {
    this(endpoints, null);
  }

  /** A list whose factory may take state from {@code previous}, as after a change of the list. */
  TestReady(List<Endpoint> endpoints, @Nullable Picker previous) {
    this.endpoints = List.copyOf(endpoints);
    this.previous = previous;
  }

  @Override
  public String balancerName() {
    return "test";
  }

  @Override
  public int size() {
    return endpoints.size();
  }

  @Override
  public Endpoint endpoint(int index) {
    return endpoints.get(index);
  }

  @Override
  public int weight(int index) {
    return endpoints.get(index).weight();
  }

  @Override
  public int inFlight(int index) {
    return 0;
  }

  @Override
  public RandomGenerator random() {
    return random;
  }

  @Override
  public Ticker ticker() {
    return Ticker.system();
  }

  @Override
  public @Nullable Picker previous() {
    return previous;
  }
}
