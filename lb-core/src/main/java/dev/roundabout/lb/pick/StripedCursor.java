package dev.roundabout.lb.pick;

import dev.roundabout.lb.Picker;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A rotation counter split into stripes, one cache line each, chosen by the calling thread's id:
 * threads on different stripes never touch the same counter, so rotation costs the same on many
 * threads as on one. Each stripe starts at a random point and counts up on its own; every thread
 * sees an exact rotation, and the shares of all threads together are exact within the number of
 * stripes per cycle.
 *
 * <p>Thread-safe, allocation-free. The cursor outlives pickers: a new picker of the same kind takes
 * it over from the picker it replaces, so an update of the endpoint list does not restart the
 * rotation.
 */
final class StripedCursor {
  /** Longs per stripe: 16 x 8 bytes = 128 bytes, two cache lines against adjacent-line prefetch. */
  private static final int PAD = 16;
  private static final int MAX_STRIPES = 64;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final AtomicLongArray cells;
  private final int shift;

  private StripedCursor(int stripes, RandomGenerator random) {
    this.cells = new AtomicLongArray(stripes * PAD);
    this.shift = 64 - Integer.numberOfTrailingZeros(stripes);
    for (int i = 0; i < stripes; i++) {
      // Start each stripe at a random point; keep far below overflow (2^62 increments of headroom).
      cells.set(i * PAD, random.nextLong() >>> 2);
    }
  }

  /** Returns the cursor of {@code previous} if it is a {@link Rotating} picker, else a new one. */
  static StripedCursor takeOver(@Nullable Picker previous, RandomGenerator random) {
    if (previous instanceof Rotating) {
      return ((Rotating) previous).cursor();
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    int stripes = Math.min(MAX_STRIPES, Integer.highestOneBit(Math.max(1, 2 * cpus - 1)) << 1);
    return new StripedCursor(stripes, random);
  }

  /** Returns the next value of the calling thread's stripe, never negative. */
  long next() {
    int stripe = shift == 64 ? 0 : (int) ((Thread.currentThread().getId() * GOLDEN) >>> shift);
    return cells.getAndIncrement(stripe * PAD);
  }

  int stripes() {
    return cells.length() / PAD;
  }

  /** A picker that owns a cursor its successor may take over. */
  interface Rotating extends Picker {
    StripedCursor cursor();
  }
}
