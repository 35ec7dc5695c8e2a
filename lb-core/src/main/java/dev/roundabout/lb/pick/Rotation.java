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
 * <p>The counters outlive pickers. When the list changes, the new picker's rotation takes them over
 * and rebases every stripe so that its next position follows the last one it handed out: round
 * robin over a, b, c that just picked b continues with c after d joins, rather than restarting.
 *
 * <p>Thread-safe, lock-free, allocation-free on {@link #next()}.
 */
final class Rotation {
  /** Longs per stripe: 16 x 8 bytes = 128 bytes, two cache lines against adjacent-line prefetch. */
  private static final int PAD = 16;
  private static final int MAX_STRIPES = 64;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final AtomicLongArray counters;
  private final int shift;
  /** Per stripe: the counter value that maps to position 0 (counter - base >= 0 always). */
  private final long[] bases;
  private final long length;

  private Rotation(AtomicLongArray counters, long[] bases, long length) {
    this.counters = counters;
    this.shift = 64 - Integer.numberOfTrailingZeros(bases.length);
    this.bases = bases;
    this.length = length;
  }

  /**
   * Returns a rotation of {@code length} positions that continues the rotation of {@code previous}
   * when it is a {@link Rotating} picker, or else starts every stripe at one random position.
   */
  static Rotation continuing(@Nullable Picker previous, RandomGenerator random, long length) {
    if (previous instanceof Rotating rotating) {
      return rotating.rotation().resized(length);
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    int stripes = Math.min(MAX_STRIPES, Integer.highestOneBit(Math.max(1, 2 * cpus - 1)) << 1);
    AtomicLongArray counters = new AtomicLongArray(stripes * PAD);
    long start = random.nextLong() >>> 2; // one draw whatever the stripes; far below overflow: 2^62 picks of headroom
    for (int i = 0; i < stripes; i++) {
      counters.set(i * PAD, start);
    }
    return new Rotation(counters, new long[stripes], length);
  }

  /** Returns the calling thread's next position, {@code 0 <= position < length}. */
  long next() {
    int stripe = (int) ((Thread.currentThread().getId() * GOLDEN) >>> shift);
    return (counters.getAndIncrement(stripe * PAD) - bases[stripe]) % length;
  }

  long length() {
    return length;
  }

  int stripes() {
    return bases.length;
  }

  private Rotation resized(long newLength) {
    long[] rebased = new long[bases.length];
    for (int s = 0; s < bases.length; s++) {
      // Counters only grow, and a picker built from this rotation is published after this read:
      // every counter value it will see is at least `counter`. A pick racing with this read may
      // hand out the last old position twice; that is the accepted cost of not locking.
      long counter = counters.get(s * PAD);
      long last = Math.floorMod(counter - 1 - bases[s], length);
      rebased[s] = counter - (last + 1);
    }
    return new Rotation(counters, rebased, newLength);
  }

  /** A picker whose rotation its successor continues. */
  interface Rotating extends Picker {
    Rotation rotation();
  }
}
