package dev.roundabout.lb.pick;

import static dev.roundabout.lb.pick.HashFigures.KEYS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.Pickers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The figures of the hash pickers over 100 equal endpoints and one million random keys (fixed
 * seeds): balance, keys moved when an endpoint leaves, joins and returns, weights, and independence
 * from the order of the list.
 */
class HashPickersTest {
  private static final int ENDPOINTS = 100;

  static Stream<Arguments> hashPickers() {
    return Stream.of(
        Arguments.of("ringHash", Pickers.ringHash(), 1.15),
        Arguments.of("maglev", Pickers.maglev(), 1.03),
        Arguments.of("rendezvous", Pickers.rendezvous(), 1.05));
  }

  static Stream<Arguments> minimalDisruption() {
    return Stream.of(
        Arguments.of("ringHash", Pickers.ringHash()), Arguments.of("rendezvous", Pickers.rendezvous()));
  }

  static List<Endpoint> equalEndpoints(int count) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      endpoints.add(PickerTesting.endpoint(i, 1));
    }
    return endpoints;
  }

  @ParameterizedTest(name = "{0} <= {2}")
  @MethodSource("hashPickers")
  void balance_maxOverMeanKeysPerEndpoint(String name, PickerFactory factory, double bound) {
    try (HashFigures.Pool pool = new HashFigures.Pool(factory, equalEndpoints(ENDPOINTS))) {
      String[] owners = pool.map(KEYS);

      assertThat(HashFigures.counts(owners)).hasSize(ENDPOINTS);
      // Measured: ringHash 1.077, maglev 1.024, rendezvous 1.024.
      assertThat(HashFigures.maxOverMean(owners, ENDPOINTS)).isLessThanOrEqualTo(bound);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("minimalDisruption")
  void removingAnEndpoint_movesOnlyItsKeys(String name, PickerFactory factory) {
    List<Endpoint> endpoints = equalEndpoints(ENDPOINTS);
    List<Endpoint> fewer = new ArrayList<>(endpoints);
    String gone = fewer.remove(37).address();
    String[][] owners = ownersBeforeAndAfter(factory, endpoints, fewer);

    int moved = 0;
    for (int i = 0; i < KEYS.length; i++) {
      if (!owners[0][i].equals(owners[1][i])) {
        moved++;
        assertThat(owners[0][i]).as("key %d moved from a remaining endpoint", i).isEqualTo(gone);
      }
      assertThat(owners[1][i]).isNotEqualTo(gone);
    }
    // Measured: 1.07% (ringHash), 1.02% (rendezvous) of the keys: those of the endpoint removed.
    assertThat(moved / (double) KEYS.length).isBetween(0.008, 0.012);
  }

  /** The owners of {@link HashFigures#KEYS} over {@code before}, then after the list became {@code after}. */
  private static String[][] ownersBeforeAndAfter(PickerFactory factory, List<Endpoint> before, List<Endpoint> after) {
    try (HashFigures.Pool pool = new HashFigures.Pool(factory, before)) {
      String[] first = pool.map(KEYS);
      pool.source.update(after);
      return new String[][] {first, pool.map(KEYS)};
    }
  }

  @Test
  void removingAnEndpoint_movesAtMostTwoPercentOfKeys_forMaglev() {
    List<Endpoint> endpoints = equalEndpoints(ENDPOINTS);
    List<Endpoint> fewer = new ArrayList<>(endpoints);
    String gone = fewer.remove(37).address();
    String[][] owners = ownersBeforeAndAfter(Pickers.maglev(), endpoints, fewer);

    int moved = 0;
    for (int i = 0; i < KEYS.length; i++) {
      if (!owners[0][i].equals(owners[1][i])) {
        moved++;
      }
      assertThat(owners[1][i]).isNotEqualTo(gone);
    }
    // Measured: 1.61% (the removed endpoint's 1%, and some more between the others).
    assertThat(moved / (double) KEYS.length).isGreaterThan(0.009).isLessThanOrEqualTo(0.02);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("minimalDisruption")
  void addingAnEndpoint_movesAbout1Of101Keys_allToTheNewOne(String name, PickerFactory factory) {
    List<Endpoint> endpoints = equalEndpoints(ENDPOINTS);
    List<Endpoint> more = new ArrayList<>(endpoints);
    Endpoint added = PickerTesting.endpoint(ENDPOINTS, 1);
    more.add(added);
    String[][] owners = ownersBeforeAndAfter(factory, endpoints, more);

    int moved = 0;
    for (int i = 0; i < KEYS.length; i++) {
      if (!owners[0][i].equals(owners[1][i])) {
        moved++;
        assertThat(owners[1][i]).as("key %d", i).isEqualTo(added.address());
      }
    }
    // Measured: 0.99% (ringHash), 1.01% (rendezvous); 1/101 is 0.99%.
    assertThat(moved / (double) KEYS.length).isBetween(0.008, 0.012);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hashPickers")
  void anEndpointThatReturns_getsItsKeysBack_andNoOtherKeyMoves(String name, PickerFactory factory, double unused) {
    List<Endpoint> endpoints = equalEndpoints(ENDPOINTS);
    try (HashFigures.Pool pool = new HashFigures.Pool(factory, endpoints)) {
      String[] before = pool.map(KEYS);
      List<Endpoint> fewer = new ArrayList<>(endpoints);
      fewer.remove(63);
      pool.source.update(fewer);
      assertThat(pool.map(KEYS)).isNotEqualTo(before);
      pool.source.update(endpoints);

      assertThat(pool.map(KEYS)).isEqualTo(before);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hashPickers")
  void weightThree_getsThreeTimesTheShareOfWeightOne(String name, PickerFactory factory, double unused) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      endpoints.add(PickerTesting.endpoint(i, i == 4 ? 3 : 1));
    }
    try (HashFigures.Pool pool = new HashFigures.Pool(factory, endpoints)) {
      Map<String, Integer> counts = HashFigures.counts(pool.map(KEYS));

      double heavy = counts.get(endpoints.get(4).address());
      double light = (KEYS.length - heavy) / 9;
      // Measured: 3.04 (ringHash), 2.99 (maglev), 3.01 (rendezvous).
      assertThat(heavy / light).isBetween(3 * 0.95, 3 * 1.05);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("minimalDisruption")
  void growingOrShrinkingAtAnySize_movesOnlyTheKeysOfTheEndpointThatChanged(String name, PickerFactory factory) {
    PickContext[] keys = HashFigures.keys(100_000, 17);
    for (int size : new int[] {2, 63, 64, 65, 127, 128, 129, 256}) {
      List<Endpoint> endpoints = equalEndpoints(size + 1);
      Endpoint added = endpoints.get(size);
      try (HashFigures.Pool pool = new HashFigures.Pool(factory, endpoints.subList(0, size))) {
        String[] before = pool.map(keys);
        pool.source.update(endpoints);
        String[] after = pool.map(keys);
        for (int i = 0; i < keys.length; i++) {
          if (!before[i].equals(after[i])) {
            assertThat(after[i]).as("%d -> %d endpoints, key %d", size, size + 1, i).isEqualTo(added.address());
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hashPickers")
  void mapping_dependsOnTheSetOfEndpoints_notOnTheirOrder(String name, PickerFactory factory, double unused) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      endpoints.add(PickerTesting.endpoint(i, 1 + i % 4)); // weighted: the scored and credited paths
    }
    List<Endpoint> shuffled = new ArrayList<>(endpoints);
    Collections.shuffle(shuffled, new Random(5));
    PickContext[] keys = HashFigures.keys(20_000, 9);
    try (HashFigures.Pool a = new HashFigures.Pool(factory, endpoints);
        HashFigures.Pool b = new HashFigures.Pool(factory, shuffled)) {
      assertThat(b.map(keys)).isEqualTo(a.map(keys));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hashPickers")
  void pickWithoutKey_isRandom(String name, PickerFactory factory, double unused) {
    List<Endpoint> endpoints = equalEndpoints(10);
    try (HashFigures.Pool pool = new HashFigures.Pool(factory, endpoints)) {
      PickContext[] keyless = new PickContext[10_000];
      java.util.Arrays.fill(keyless, PickContext.empty());
      Map<String, Integer> counts = HashFigures.counts(pool.map(keyless));

      assertThat(counts).hasSize(10);
      assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(800, 1200));
    }
  }
}
