package dev.roundabout.lb.pick;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.PickContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Weighted rendezvous takes its top pick with one logarithm per group of equal weight; the
 * endpoint must be the one every endpoint's own score ranks first.
 */
class RendezvousGroupsTest {

  @Test
  void topPickByGroup_isTheTopByEveryEndpointsScore_forRandomPoolsAndKeys() {
    SplittableRandom random = new SplittableRandom(2026);
    int differentFromFirstOfList = 0;
    for (int pool = 0; pool < 40; pool++) {
      int n = 2 + random.nextInt(300);
      int weights = 1 + random.nextInt(6);
      List<Endpoint> endpoints = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        endpoints.add(Endpoint.builder("10.2." + (i / 256) + "." + (i % 256), 80 + pool)
            .weight(1 + random.nextInt(weights) * (1 + random.nextInt(50))).build());
      }
      RendezvousPicker picker = new RendezvousPicker(new TestReady(endpoints), 0);
      for (int k = 0; k < 5_000; k++) {
        long key = random.nextLong();
        int top = picker.pick(PickContext.ofHash(key));
        assertThat(top).as("pool %d of %d endpoints, key %d", pool, n, key).isEqualTo(picker.topByEveryScore(key));
        differentFromFirstOfList += top != 0 ? 1 : 0;
      }
    }
    assertThat(differentFromFirstOfList).as("the keys spread").isGreaterThan(150_000);
  }
}
