package dev.roundabout.lb.pick;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.MutableEndpointSource;
import dev.roundabout.lb.EndpointSource;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.PickerFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/** Maps many keys through a hash picker and measures the result. */
final class HashFigures {
  /** One million random keys, as strings "key-<random>", fixed by the seed. */
  static final PickContext[] KEYS = keys(1_000_000, 20261125);

  private HashFigures() {}

  static PickContext[] keys(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    PickContext[] keys = new PickContext[count];
    for (int i = 0; i < count; i++) {
      keys[i] = PickContext.ofKey("key-" + Long.toHexString(random.nextLong()));
    }
    return keys;
  }

  /** A balancer over a mutable source, so that a test can change the list. */
  static final class Pool implements AutoCloseable {
    final MutableEndpointSource source;
    final LoadBalancer lb;

    Pool(PickerFactory picker, List<Endpoint> endpoints) {
      source = EndpointSource.mutable(endpoints);
      lb = LoadBalancer.builder("hash").executor(Runnable::run).source(source).picker(picker).random(new SplittableRandom(1)).build();
    }

    /** The address of the endpoint of each key. */
    String[] map(PickContext[] keys) {
      String[] owners = new String[keys.length];
      for (int i = 0; i < keys.length; i++) {
        owners[i] = lb.pick(keys[i]).address();
      }
      return owners;
    }

    @Override
    public void close() {
      lb.close();
    }
  }

  /** Keys per address. */
  static java.util.Map<String, Integer> counts(String[] owners) {
    java.util.Map<String, Integer> counts = new java.util.HashMap<>();
    for (String owner : owners) {
      counts.merge(owner, 1, Integer::sum);
    }
    return counts;
  }

  /** max / mean keys per endpoint, over {@code endpoints} endpoints. */
  static double maxOverMean(String[] owners, int endpoints) {
    int max = 0;
    for (int count : counts(owners).values()) {
      max = Math.max(max, count);
    }
    return max / ((double) owners.length / endpoints);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
