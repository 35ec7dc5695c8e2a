package dev.roundabout.lb.pick;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.ReadyEndpoints;
import dev.roundabout.lb.internal.XxHash64;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.random.RandomGenerator;

/**
 * What the hash pickers share: the key of a pick, and the endpoints' identities as hashes. An
 * endpoint is known by the hash of its {@code host:port}, never by its place in the list, so that
 * the mapping of keys depends only on which endpoints there are.
 */
final class HashKeys {
  private HashKeys() {}

  /** The key hash of {@code context}, or a random one when it has no key (a random pick). */
  static long keyHash(PickContext context, RandomGenerator random) {
    return context.hasKey() ? context.keyHash() : random.nextLong();
  }

  /** The rule of a hash pick for the decision log: {@code keyed} for a pick with a key, a random pick without. */
  static String rule(PickContext context, String keyed) {
    return context.hasKey() ? keyed : "no key: a random position";
  }

  /** XXH64 of each endpoint's {@code host:port} in UTF-8, by ready index. */
  static long[] addressHashes(ReadyEndpoints ready) {
    long[] hashes = new long[ready.size()];
    for (int i = 0; i < hashes.length; i++) {
      hashes[i] = addressHash(ready.endpoint(i));
    }
    return hashes;
  }

  /** XXH64 of the endpoint's {@code host:port} in UTF-8. */
  static long addressHash(Endpoint endpoint) {
    return XxHash64.hash(endpoint.address().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The ready indexes in the order of the endpoints' addresses: a table built by walking the
   * endpoints in this order is the same whatever the order of the list.
   */
  static int[] byAddress(ReadyEndpoints ready) {
    Integer[] order = new Integer[ready.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparing(i -> ready.endpoint(i).address()));
    int[] result = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      result[i] = order[i];
    }
    return result;
  }
}
