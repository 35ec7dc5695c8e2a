package dev.roundabout.lb.pick;

import static dev.roundabout.lb.pick.PickerTesting.balancer;
import static dev.roundabout.lb.pick.PickerTesting.counts;
import static dev.roundabout.lb.pick.PickerTesting.pickIndexes;
import static dev.roundabout.lb.pick.PickerTesting.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointSource;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.MutableEndpointSource;
import dev.roundabout.lb.Pickers;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoundRobinPickerTest {

  @Test
  void picks_rotateThroughTheList_oneStepAtATime() {
    List<Endpoint> endpoints = weighted(1, 1, 1, 1);
    try (LoadBalancer lb = balancer(Pickers.roundRobin(), endpoints, 7)) {
      int[] picks = pickIndexes(lb, endpoints, 40);
      for (int i = 1; i < picks.length; i++) {
        assertThat(picks[i]).as("pick %d after %d", i, picks[i - 1]).isEqualTo((picks[i - 1] + 1) % 4);
      }
    }
  }

  @Test
  void weights_areIgnored() {
    List<Endpoint> endpoints = weighted(1, 5, 1);
    try (LoadBalancer lb = balancer(Pickers.roundRobin(), endpoints, 7)) {
      assertThat(counts(pickIndexes(lb, endpoints, 300), 3)).containsExactly(100, 100, 100);
    }
  }

  @Test
  void rotation_startsAtARandomPoint() {
    List<Endpoint> endpoints = weighted(1, 1, 1, 1, 1, 1, 1, 1);
    Set<Integer> firsts = new HashSet<>();
    for (long seed = 0; seed < 32; seed++) {
      try (LoadBalancer lb = balancer(Pickers.roundRobin(), endpoints, seed)) {
        firsts.add(pickIndexes(lb, endpoints, 1)[0]);
      }
    }
    assertThat(firsts).as("first picks of 32 seeded balancers").hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  void aSeededBalancer_picksTheSameSequence_whicheverThreadPicks() throws Exception {
    List<Endpoint> endpoints = weighted(1, 1, 1, 1, 1, 1, 1);
    int[] expected;
    try (LoadBalancer lb = balancer(Pickers.roundRobin(), endpoints, 11)) {
      expected = pickIndexes(lb, endpoints, 10);
    }
    // Threads of different ids map to different stripes: the sequence must not depend on it.
    for (int t = 0; t < 16; t++) {
      int[][] picks = new int[1][];
      Thread thread = new Thread(() -> {
        try (LoadBalancer lb = balancer(Pickers.roundRobin(), endpoints, 11)) {
          picks[0] = pickIndexes(lb, endpoints, 10);
        }
      });
      thread.start();
      thread.join();
      assertThat(picks[0]).as("thread %d", thread.getId()).containsExactly(expected);
    }
  }

  @Test
  void rotation_continuesAcrossUpdates_insteadOfRestarting() {
    List<Endpoint> abc = weighted(1, 1, 1);
    Endpoint d = PickerTesting.endpoint(3, 1);
    MutableEndpointSource source = EndpointSource.mutable(abc);
    try (LoadBalancer lb =
        LoadBalancer.builder("test").executor(Runnable::run).source(source).picker(Pickers.roundRobin()).random(new SplittableRandom(3)).build()) {
      while (lb.pick() != abc.get(1)) {
        // advance until b was just picked
      }
      source.add(d);
      assertThat(lb.pick()).isEqualTo(abc.get(2));
      assertThat(lb.pick()).isEqualTo(d);
      assertThat(lb.pick()).isEqualTo(abc.get(0));
      source.remove(abc.get(1));
      // the list is now a, c, d and a was just picked
      assertThat(lb.pick()).isEqualTo(abc.get(2));
      assertThat(lb.pick()).isEqualTo(d);
      assertThat(lb.pick()).isEqualTo(abc.get(0));
    }
  }

  @Test
  void twoThreads_eachEndpointsShareStaysWithinOnePercent() throws Exception {
    List<Endpoint> endpoints = weighted(1, 1, 1, 1, 1, 1, 1);
    int perThread = 50_000;
    int[] counts;
    try (LoadBalancer lb = LoadBalancer.builder("test").executor(Runnable::run).endpoints(endpoints).build()) {
      counts = PickerTesting.pickOnTwoThreads(lb, endpoints, perThread);
    }
    double fair = 2.0 * perThread / endpoints.size();
    for (int i = 0; i < endpoints.size(); i++) {
      assertThat((double) counts[i]).as("endpoint %d", i).isCloseTo(fair, org.assertj.core.data.Offset.offset(fair * 0.01));
    }
  }
}
