package dev.roundabout.lb.pick;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.Pickers;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mapping of keys is part of the contract: clients of one pool in different processes, JVMs
 * and releases must send a key to the same endpoint. These are the endpoints the keys mapped to
 * when the pickers were written (endpoints 10.0.0.1 to 10.0.0.10 with weights 1, 2, 3, 1, 1, 2,
 * 3, 1, 1, 5); a change that moves them breaks every deployed mix of versions.
 */
class HashStabilityTest {
  private static final List<Endpoint> ENDPOINTS = PickerTesting.weighted(1, 2, 3, 1, 1, 2, 3, 1, 1, 5);
  private static final List<String> KEYS = List.of("user-1", "user-2", "user-42", "cart:9f3a", "");

  static Stream<Arguments> mappings() {
    return Stream.of(
        Arguments.of(Pickers.ringHash(), List.of("10.0.0.2", "10.0.0.1", "10.0.0.1", "10.0.0.6", "10.0.0.3")),
        Arguments.of(Pickers.maglev(), List.of("10.0.0.9", "10.0.0.2", "10.0.0.5", "10.0.0.6", "10.0.0.9")),
        Arguments.of(Pickers.rendezvous(), List.of("10.0.0.1", "10.0.0.2", "10.0.0.5", "10.0.0.7", "10.0.0.5")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mappings")
  void keysMapWhereTheyAlwaysHave(PickerFactory factory, List<String> hosts) {
    for (long seed = 0; seed < 3; seed++) { // the balancer's randomness plays no part in a keyed pick
      try (LoadBalancer lb = PickerTesting.balancer(factory, ENDPOINTS, seed)) {
        for (int i = 0; i < KEYS.size(); i++) {
          assertThat(lb.pick(PickContext.ofKey(KEYS.get(i))).host()).as("key %s", KEYS.get(i)).isEqualTo(hosts.get(i));
        }
      }
    }
  }
}
