package dev.roundabout.lb.pick;

import static dev.roundabout.lb.pick.PickerTesting.balancer;
import static dev.roundabout.lb.pick.PickerTesting.counts;
import static dev.roundabout.lb.pick.PickerTesting.pickIndexes;
import static dev.roundabout.lb.pick.PickerTesting.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.Pickers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoadAwarePickersTest {

  private static PickerFactory factory(String name) {
    return name.equals("leastConnections") ? Pickers.leastConnections() : Pickers.powerOfTwoChoices();
  }

  private static List<Lease> holdOn(LoadBalancer lb, Endpoint target, int count) {
    List<Lease> held = new ArrayList<>();
    List<Lease> others = new ArrayList<>();
    while (held.size() < count) {
      Lease lease = lb.acquire();
      (lease.endpoint().equals(target) ? held : others).add(lease);
    }
    others.forEach(Lease::close);
    return held;
  }

  @Test
  void leastConnections_picksTheEndpointWithFewestLeases() {
    List<Endpoint> endpoints = weighted(1, 1, 1);
    try (LoadBalancer lb = balancer(Pickers.leastConnections(), endpoints, 1)) {
      List<Lease> onA = holdOn(lb, endpoints.get(0), 2);
      List<Lease> onB = holdOn(lb, endpoints.get(1), 1);
      for (int i = 0; i < 20; i++) {
        assertThat(lb.pick()).isEqualTo(endpoints.get(2));
      }
      try (Lease onC = lb.acquire()) {
        assertThat(onC.endpoint()).isEqualTo(endpoints.get(2));
        // now b and c carry 1 each, a carries 2: a is never chosen
        for (int i = 0; i < 50; i++) {
          assertThat(lb.pick()).isNotEqualTo(endpoints.get(0));
        }
      }
      onA.forEach(Lease::close);
      onB.forEach(Lease::close);
    }
  }

  @Test
  void leastConnections_breaksTiesAtRandom_soAnIdlePoolDoesNotHerd() {
    long seed = 3;
    List<Endpoint> endpoints = weighted(1, 1, 1, 1, 1);
    try (LoadBalancer lb = balancer(Pickers.leastConnections(), endpoints, seed)) {
      int[] counts = counts(pickIndexes(lb, endpoints, 10_000), 5);
      for (int count : counts) {
        assertThat(count).as("seed %d, counts %s", seed, Arrays.toString(counts)).isBetween(1_800, 2_200);
      }
    }
  }

  @Test
  void leastConnections_drawsAmongIdleEndpointsInProportionToWeight_skippingBusyOnes() {
    long seed = 11;
    List<Endpoint> endpoints = weighted(1, 2, 3, 4);
    try (LoadBalancer lb = balancer(Pickers.leastConnections(), endpoints, seed)) {
      int[] idle = counts(pickIndexes(lb, endpoints, 100_000), 4);
      for (int i = 0; i < 4; i++) {
        assertThat(idle[i]).as("seed %d, counts %s", seed, Arrays.toString(idle)).isBetween(
            10_000 * (i + 1) - 800, 10_000 * (i + 1) + 800);
      }
      List<Lease> onD = holdOn(lb, endpoints.get(3), 1); // d busy: a, b, c share by 1, 2, 3
      int[] counts = counts(pickIndexes(lb, endpoints, 60_000), 4);
      assertThat(counts[3]).isZero();
      for (int i = 0; i < 3; i++) {
        assertThat(counts[i]).as("seed %d, counts %s", seed, Arrays.toString(counts)).isBetween(
            10_000 * (i + 1) - 800, 10_000 * (i + 1) + 800);
      }
      onD.forEach(Lease::close);
    }
  }

  @Test
  void powerOfTwoChoices_neverPicksTheLoadedEndpoint_whenItAlwaysMeetsAnIdleOne() {
    List<Endpoint> endpoints = weighted(1, 1);
    try (LoadBalancer lb = balancer(Pickers.powerOfTwoChoices(), endpoints, 2)) {
      List<Lease> onA = holdOn(lb, endpoints.get(0), 3);
      // two distinct choices out of two: a is always compared with the idle b
      for (int i = 0; i < 200; i++) {
        assertThat(lb.pick()).isEqualTo(endpoints.get(1));
      }
      onA.forEach(Lease::close);
    }
  }

  @Test
  void powerOfTwoChoices_avoidsTheMostLoadedEndpoint() {
    List<Endpoint> endpoints = weighted(1, 1, 1, 1);
    try (LoadBalancer lb = balancer(Pickers.powerOfTwoChoices(), endpoints, 4)) {
      List<Lease> onA = holdOn(lb, endpoints.get(0), 10);
      int[] counts = counts(pickIndexes(lb, endpoints, 3_000), 4);
      assertThat(counts[0]).isZero();
      for (int i = 1; i < 4; i++) {
        assertThat(counts[i]).as(Arrays.toString(counts)).isBetween(800, 1_200);
      }
      onA.forEach(Lease::close);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastConnections", "powerOfTwoChoices"})
  void heldLeases_spreadInProportionToWeight(String picker) {
    List<Endpoint> endpoints = weighted(3, 1);
    try (LoadBalancer lb = balancer(factory(picker), endpoints, 9)) {
      List<Lease> held = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        held.add(lb.acquire());
      }
      assertThat(lb.stats().get(0).inFlight()).isBetween(29, 31);
      assertThat(lb.stats().get(1).inFlight()).isBetween(9, 11);
      held.forEach(Lease::close);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastConnections", "powerOfTwoChoices"})
  void releasedLeases_makeTheEndpointAttractiveAgain(String picker) {
    List<Endpoint> endpoints = weighted(1, 1, 1);
    try (LoadBalancer lb = balancer(factory(picker), endpoints, 6)) {
      List<Lease> onB = holdOn(lb, endpoints.get(1), 5);
      List<Lease> onC = holdOn(lb, endpoints.get(2), 5);
      List<Lease> onA = holdOn(lb, endpoints.get(0), 6);
      // a is the most loaded; b and c are preferred
      assertThat(lb.pick()).isNotEqualTo(endpoints.get(0));
      onA.forEach(Lease::close);
      // a is now idle, b and c carry 5: a wins every comparison it enters, and for least
      // connections every pick
      if (picker.equals("leastConnections")) {
        assertThat(lb.pick()).isEqualTo(endpoints.get(0));
      }
      int[] counts = counts(pickIndexes(lb, endpoints, 300), 3);
      assertThat(counts[0]).isGreaterThan(counts[1]).isGreaterThan(0);
      onB.forEach(Lease::close);
      onC.forEach(Lease::close);
    }
  }
}
