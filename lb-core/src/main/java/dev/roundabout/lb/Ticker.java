package dev.roundabout.lb;

/**
 * A source of monotonic time in nanoseconds, for latency and every time-driven decision of a load
 * balancer. Tests pass a fake ticker that they advance by hand.
 *
 * <p>Implementations must be thread-safe and cheap: {@link #read()} may be called on every
 * {@link LoadBalancer#acquire acquire} and outcome.
 */
@FunctionalInterface
public interface Ticker {
  /** Returns the current time in nanoseconds, from an arbitrary origin; never goes back. */
  long read();

  /** Returns the ticker backed by {@link System#nanoTime()}. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

/** The {@link System#nanoTime()} ticker. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }

  @Override
  public String toString() {
    return "Ticker.system()";
  }
}
