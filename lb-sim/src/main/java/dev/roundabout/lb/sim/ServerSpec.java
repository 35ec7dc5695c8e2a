package dev.roundabout.lb.sim;

import java.util.Objects;

/**
 * A simulated server as it starts: how many calls it serves at once (its slots; more wait in a
 * FIFO queue), its service-time distribution and its speed (service times are divided by it).
 * What changes during a run (speed, errors, black holes, refusals, rate limits, leaving the
 * registry) is set by the scenario's timeline through {@link Control}. Immutable.
 */
public final class ServerSpec {
  private final int slots;
  private final Distribution serviceTime;
  private final double speed;
  private final int weight;

  private ServerSpec(int slots, Distribution serviceTime, double speed, int weight) {
    this.slots = slots;
    this.serviceTime = serviceTime;
    this.speed = speed;
    this.weight = weight;
  }

  /**
   * A server of {@code slots} concurrent slots, service times from {@code serviceTime}, speed 1.
   *
   * @throws IllegalArgumentException if {@code slots} is outside 1-10000
   */
  public static ServerSpec of(int slots, Distribution serviceTime) {
    if (slots < 1 || slots > 10_000) {
      throw new IllegalArgumentException("slots: " + slots + " (expected: 1-10000)");
    }
    return new ServerSpec(slots, Objects.requireNonNull(serviceTime, "serviceTime"), 1, 1);
  }

  /**
   * This server at speed {@code speed} (0.1: ten times slower).
   *
   * @throws IllegalArgumentException if {@code speed} is not in (0, 1000]
   */
  public ServerSpec speed(double speed) {
    checkSpeed(speed);
    return new ServerSpec(slots, serviceTime, speed, weight);
  }

  /**
   * This server with the endpoint weight {@code weight}, as the registry announces it (weighted
   * pickers read it; the server's real capacity is its slots and speed).
   *
   * @throws IllegalArgumentException if {@code weight} is outside 1-10000
   */
  public ServerSpec weight(int weight) {
    if (weight < 1 || weight > 10_000) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: 1-10000)");
    }
    return new ServerSpec(slots, serviceTime, speed, weight);
  }

  static void checkSpeed(double speed) {
    if (!(speed > 0 && speed <= 1000)) {
      throw new IllegalArgumentException("speed: " + speed + " (expected: more than 0, at most 1000)");
    }
  }

  /** How many calls the server serves at once. */
  public int slots() {
    return slots;
  }

  /** The distribution of service times, at speed 1. */
  public Distribution serviceTime() {
    return serviceTime;
  }

  /** The speed the server starts at (service times are divided by it). */
  public double speed() {
    return speed;
  }

  /** The endpoint weight the registry announces. */
  public int weight() {
    return weight;
  }

  /** Calls per second this server completes when always busy. */
  public double capacityPerSecond() {
    return slots * speed * 1e9 / serviceTime.meanNanos();
  }

  @Override
  public String toString() {
    return "ServerSpec{" + slots + " slots, " + serviceTime + ", speed " + speed + (weight == 1 ? "" : ", weight " + weight) + '}';
  }
}
