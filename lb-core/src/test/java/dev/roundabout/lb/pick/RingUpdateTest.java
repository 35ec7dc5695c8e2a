package dev.roundabout.lb.pick;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.PickContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A ring derived from the previous picker's must be, point for point, the ring a full build gives
 * for the same endpoints: the incremental update is an optimisation, never a different mapping.
 */
class RingUpdateTest {
  private static final int POINTS_PER_WEIGHT = 16;

  @Test
  void everyDerivedRingEqualsAFullBuild() {
    SplittableRandom random = new SplittableRandom(42);
    List<Endpoint> pool = new ArrayList<>();
    int nextId = 0;
    for (; nextId < 150; nextId++) {
      pool.add(PickerTesting.endpoint(nextId, 1 + random.nextInt(3)));
    }
    // Room for a total weight a little above the first pool's: rings above it get fewer points
    // per unit of weight (k), and the walk crosses that line both ways.
    int ringSize = Math.toIntExact((totalWeight(pool) + 6) * POINTS_PER_WEIGHT);
    RingHashPicker previous = new RingHashPicker(new TestReady(pool), POINTS_PER_WEIGHT, ringSize, 0);
    long previousWeight = totalWeight(pool);
    int derived = 0;
    int stepsOfK = 0; // full rings whose points per unit of weight changed
    for (int step = 0; step < 300; step++) {
      switch (random.nextInt(5)) {
        case 0 -> pool.remove(random.nextInt(pool.size()));
        case 1 -> pool.add(PickerTesting.endpoint(nextId++, 1 + random.nextInt(3)));
        case 2 -> { // one endpoint changes weight, keeping its address
          int i = random.nextInt(pool.size());
          Endpoint e = pool.get(i);
          pool.set(i, Endpoint.builder(e.host(), e.port()).weight(e.weight() % 3 + 1).build());
        }
        case 3 -> { // several come and go at once, and the list is reordered
          for (int k = 0; k < 5 && pool.size() > 1; k++) {
            pool.remove(random.nextInt(pool.size()));
          }
          int arrivals = 1 + random.nextInt(9);
          for (int k = 0; k < arrivals; k++) {
            pool.add(PickerTesting.endpoint(nextId++, 1 + random.nextInt(3)));
          }
          Collections.shuffle(pool, new Random(random.nextLong()));
        }
        default -> { } // the same endpoints again (a health change elsewhere)
      }
      if (pool.isEmpty()) {
        pool.add(PickerTesting.endpoint(nextId++, 1));
      }
      RingHashPicker next = new RingHashPicker(new TestReady(pool, previous), POINTS_PER_WEIGHT, ringSize, 0);
      RingHashPicker full = new RingHashPicker(new TestReady(pool), POINTS_PER_WEIGHT, ringSize, 0);
      assertThat(next.points()).as("step %d", step).isEqualTo(full.points());
      for (int k = 0; k < 50; k++) {
        PickContext key = PickContext.ofHash(random.nextLong());
        assertThat(next.pick(key)).isEqualTo(full.pick(key));
      }
      derived += next.derived() ? 1 : 0;
      stepsOfK += next.ringLength() / totalWeight(pool) != previous.ringLength() / previousWeight ? 1 : 0;
      previousWeight = totalWeight(pool);
      previous = next;
    }
    // Both paths were exercised: most steps derive their ring, a change of k builds in full.
    assertThat(derived).isGreaterThan(200);
    assertThat(stepsOfK).isGreaterThan(10);
    assertThat(derived + stepsOfK).isEqualTo(300);
  }

  @Test
  void aRingIsNotDerivedFromOneWithOtherOptions() {
    List<Endpoint> pool = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      pool.add(PickerTesting.endpoint(i, 1));
    }
    RingHashPicker sixteen = new RingHashPicker(new TestReady(pool), 16, 1 << 20, 0);
    RingHashPicker eight = new RingHashPicker(new TestReady(pool, sixteen), 8, 1 << 20, 0);
    assertThat(eight.derived()).isFalse();
    assertThat(eight.points()).isEqualTo(new RingHashPicker(new TestReady(pool), 8, 1 << 20, 0).points());
    assertThat(new RingHashPicker(new TestReady(pool, eight), 8, 1 << 20, 0).derived()).isTrue();
  }

  private static long totalWeight(List<Endpoint> pool) {
    return pool.stream().mapToLong(Endpoint::weight).sum();
  }
}
