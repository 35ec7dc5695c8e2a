package dev.roundabout.lb.pick;

import dev.roundabout.lb.Picker;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A position that advances by one per pick, modulo the length of a rotation, kept on counters
 * split into stripes (one per cache-line pair, chosen by the calling thread's id): threads on
 * different stripes never touch the same counter, so a rotation costs the same on many threads as
 * on one. Every stripe starts at the same random position, drawn once from the balancer's random
 * generator, and advances on its own; every thread sees an exact rotation, and the shares of all
 * threads together are exact within the number of stripes per cycle. A common start makes what a
 * single thread sees independent of the stripe its thread maps to and of the number of stripes
 * (processors): a seeded balancer picks the same sequence on any thread of any machine, as a
 * simulation or a test needs.
 *
 * <p>The counters outlive pickers. When the list changes, the new picker's rotation takes them over:
 * each stripe's next position follows the last one it handed out, so round robin over a, b, c that
 * just picked b continues with c after d joins, rather than restarting. A pick racing with the
 * change may use the old length once; that is the accepted cost of not locking.
 *
 * <p>Thread-safe, lock-free, allocation-free on {@link #next()}.
 */
final class Rotation {
  /** Longs per stripe: 16 x 8 bytes = 128 bytes, two cache lines against adjacent-line prefetch. */
  private static final int PAD = 16;
  private static final int MAX_STRIPES = 64;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  /**
   * Per stripe, at {@code stripe * PAD}: one past the last position it handed out (at most that
   * rotation's length), or the start; the next position is this modulo the length.
   */
  private final AtomicLongArray counters;
  private final int shift;
  private final long length;

  private Rotation(AtomicLongArray counters, int stripes, long length) {
    this.counters = counters;
    this.shift = 64 - Integer.numberOfTrailingZeros(stripes);
    this.length = length;
  }

  /**
   * Returns a rotation of {@code length} positions that continues the rotation of {@code previous}
   * when it is a {@link Rotating} picker, or else starts every stripe at one random position.
   */
  static Rotation continuing(@Nullable Picker previous, RandomGenerator random, long length) {
    if (previous instanceof Rotating rotating) {
      Rotation old = rotating.rotation();
      return new Rotation(old.counters, old.stripes(), length);
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    int stripes = Math.min(MAX_STRIPES, Integer.highestOneBit(Math.max(1, 2 * cpus - 1)) << 1);
    AtomicLongArray counters = new AtomicLongArray(stripes * PAD);
    long start = (random.nextLong() >>> 2) % length; // one draw whatever the stripes
    for (int i = 0; i < stripes; i++) {
      counters.set(i * PAD, start);
    }
    return new Rotation(counters, stripes, length);
  }

  /**
   * Returns the calling thread's next position, {@code 0 <= position < length}. The stripe's
   * counter stays within the length (a compare-and-set, which on an uncontended stripe costs what
   * an increment does), so that a pick divides only when the list has changed under it.
   */
  long next() {
    int at = (int) ((Thread.currentThread().getId() * GOLDEN) >>> shift) * PAD;
    while (true) {
      long current = counters.get(at);
      // At or beyond the end (a full turn, or a list that changed length): the position after the
      // last one handed out, modulo this length.
      long position = current < length ? current : current == length ? 0 : current % length;
      if (counters.weakCompareAndSetVolatile(at, current, position + 1)) {
        return position;
      }
    }
  }

  long length() {
    return length;
  }

  int stripes() {
    return counters.length() / PAD;
  }

  /** A picker whose rotation its successor continues. */
  interface Rotating extends Picker {
    Rotation rotation();
  }
}
