package dev.roundabout.lb.pick;

import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.PickTrace;
import dev.roundabout.lb.internal.XxHash64;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Maglev hashing (Eisenbud et al., NSDI 2016): a lookup table of prime size {@code M} in which
 * every endpoint owns a share of the entries in proportion to its weight, so a pick is one array
 * read at {@code keyHash mod M}. Each endpoint has its own permutation of the entries,
 * {@code (offset + j * skip) mod M} with offset and skip drawn from the hash of its
 * {@code host:port}; the endpoints take turns claiming their next free preferred entry, an
 * endpoint of weight {@code w} taking {@code w / maxWeight} turns per round, until the table is
 * full (built in O(M log n)). Shares are even to within one entry per round; a change of the endpoint set moves a few
 * keys between other endpoints as well (about 1% to 2% of all keys when one of 100 goes), the
 * price of the perfect balance. The turns go in address order, so the table depends only on which
 * endpoints there are.
 *
 * <p>With a load bound or slow start, a key whose endpoint is full or not admitted walks on to the
 * next entries of the table ({@link KeyWalk}).
 *
 * <p>Thread-safe, lock-free, allocation-free.
 */
final class MaglevPicker implements PickTrace.Explaining, KeyWalk.Candidates {
  static final int DEFAULT_TABLE_SIZE = 65_537;
  static final int MAX_TABLE_SIZE = 16_777_213; // the largest prime below 2^24

  private final int[] table;
  private final ReadyEndpoints ready;
  private final RandomGenerator random;
  private final @Nullable LoadBound bound;
  private final boolean walk; // a load bound, or an endpoint in slow start: fixed for this snapshot

  MaglevPicker(ReadyEndpoints ready, int tableSize, double loadFactor) {
    int n = ready.size();
    if (tableSize < n) {
      throw new IllegalArgumentException(
          "tableSize: " + tableSize + " (expected: at least the number of endpoints, " + n
              + "; 100 times more keeps the shares within 1%)");
    }
    this.table = populate(ready, tableSize);
    this.ready = ready;
    this.random = ready.random();
    this.bound = LoadBound.of(ready, loadFactor);
    this.walk = KeyWalk.needed(bound, ready);
  }

  /**
   * Fills the table. Endpoint of rank {@code r} and weight {@code w} takes its {@code k}-th entry in
   * round {@code ceil(k * maxWeight / w)}, and within a round the endpoints go in rank order: a
   * heap of each endpoint's next turn, keyed {@code (round, rank)}, serves the turns in that order
   * at O(log n) each, however skewed the weights.
   */
  private static int[] populate(ReadyEndpoints ready, int size) {
    int n = ready.size();
    int[] order = HashKeys.byAddress(ready);
    long[] addressHashes = HashKeys.addressHashes(ready);
    int[] next = new int[n]; // the next preferred entry of each endpoint, by rank
    int[] skip = new int[n];
    long[] weight = new long[n];
    long[] taken = new long[n];
    long maxWeight = 0;
    for (int rank = 0; rank < n; rank++) {
      long h = addressHashes[order[rank]];
      next[rank] = (int) Long.remainderUnsigned(XxHash64.hashLong(0, h), size);
      skip[rank] = size == 1 ? 1 : (int) Long.remainderUnsigned(XxHash64.hashLong(1, h), size - 1) + 1;
      weight[rank] = ready.weight(order[rank]);
      maxWeight = Math.max(maxWeight, weight[rank]);
    }
    LongHeap turns = new LongHeap(n);
    for (int rank = 0; rank < n; rank++) {
      turns.add(turnKey(1, maxWeight, weight[rank], rank));
    }
    int[] table = new int[size];
    Arrays.fill(table, -1);
    for (int filled = 0; filled < size; filled++) {
      int rank = (int) (turns.poll() & RANK_MASK);
      int entry = next[rank];
      while (table[entry] >= 0) {
        entry = advance(entry, skip[rank], size);
      }
      table[entry] = order[rank];
      next[rank] = advance(entry, skip[rank], size);
      turns.add(turnKey(++taken[rank] + 1, maxWeight, weight[rank], rank));
    }
    return table;
  }

  private static final long RANK_MASK = (1L << 24) - 1;

  /** The heap key of an endpoint's {@code k}-th turn: its round, then its rank. */
  private static long turnKey(long k, long maxWeight, long weight, int rank) {
    long round = (k * maxWeight + weight - 1) / weight; // ceil; below 2^38 for tables below 2^24
    return round << 24 | rank;
  }

  /** A binary min-heap of longs. */
  private static final class LongHeap {
    private final long[] heap;
    private int size;

    LongHeap(int capacity) {
      heap = new long[Math.max(1, capacity)];
    }

    void add(long value) {
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (heap[parent] <= value) {
          break;
        }
        heap[i] = heap[parent];
        i = parent;
      }
      heap[i] = value;
    }

    long poll() {
      long top = heap[0];
      long last = heap[--size];
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && heap[child + 1] < heap[child]) {
          child++;
        }
        if (last <= heap[child]) {
          break;
        }
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
      return top;
    }
  }

  private static int advance(int entry, int skip, int size) {
    int sum = entry + skip; // both below 2^24: no overflow
    return sum >= size ? sum - size : sum;
  }

  @Override
  public int pick(PickContext context) {
    int at = (int) Long.remainderUnsigned(HashKeys.keyHash(context, random), table.length);
    return walk ? KeyWalk.choose(this, at, bound, ready, null) : table[at];
  }

  @Override
  public int pick(PickContext context, PickTrace trace) {
    int at = (int) Long.remainderUnsigned(HashKeys.keyHash(context, random), table.length);
    trace.rule(HashKeys.rule(context, "the owner of the key's table entry"));
    if (walk) {
      return KeyWalk.choose(this, at, bound, ready, trace);
    }
    trace.candidate(table[at], Double.NaN);
    return table[at];
  }

  @Override
  public int positions() {
    return table.length;
  }

  @Override
  public int endpointAt(int entry) {
    return table[entry];
  }
}
