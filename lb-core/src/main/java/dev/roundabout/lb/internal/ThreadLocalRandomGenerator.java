package dev.roundabout.lb.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The default {@link RandomGenerator}: each call draws from the calling thread's
 * {@link ThreadLocalRandom}, so one instance can be shared by every picking thread without
 * contention (holding on to {@code ThreadLocalRandom.current()} across threads would not be safe).
 *
 * <p>Thread-safe, allocation-free.
 */
public final class ThreadLocalRandomGenerator implements RandomGenerator {
  /** The shared instance. */
  public static final ThreadLocalRandomGenerator INSTANCE = new ThreadLocalRandomGenerator();

  private ThreadLocalRandomGenerator() {}

  @Override
  public long nextLong() {
    return ThreadLocalRandom.current().nextLong();
  }

  @Override
  public int nextInt() {
    return ThreadLocalRandom.current().nextInt();
  }

  @Override
  public int nextInt(int bound) {
    return ThreadLocalRandom.current().nextInt(bound);
  }

  @Override
  public double nextDouble() {
    return ThreadLocalRandom.current().nextDouble();
  }

  @Override
  public String toString() {
    return "ThreadLocalRandom";
  }
}
