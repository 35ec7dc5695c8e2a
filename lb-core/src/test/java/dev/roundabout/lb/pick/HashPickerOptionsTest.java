package dev.roundabout.lb.pick;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointSource;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.MutableEndpointSource;
import dev.roundabout.lb.NoAvailableEndpointException;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Pickers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The options of the hash pickers: defaults, names, ranges and their messages. */
class HashPickerOptionsTest {

  @Test
  void defaults_andNames() {
    assertThat(Pickers.ringHash()).hasToString("ringHash(pointsPerWeight=512, ringSize=1048576)");
    assertThat(Pickers.maglev()).hasToString("maglev(tableSize=65537)");
    assertThat(Pickers.rendezvous()).hasToString("rendezvous()");
    assertThat(Pickers.maglev().tableSize(131071).boundedLoad(1.25))
        .hasToString("maglev(tableSize=131071, boundedLoad=1.25)");
    assertThat(Pickers.ringHash().ringSize(1024).pointsPerWeight(8).boundedLoad(1.5))
        .hasToString("ringHash(pointsPerWeight=8, ringSize=1024, boundedLoad=1.5)");
    assertThat(Pickers.rendezvous().boundedLoad(2)).hasToString("rendezvous(boundedLoad=2.0)");
  }

  @Test
  void options_returnNewFactories_andLeaveTheDefaultAlone() {
    Pickers.MaglevFactory base = Pickers.maglev();
    Pickers.MaglevFactory bigger = base.tableSize(131071);

    assertThat(bigger).isNotSameAs(base);
    assertThat(Pickers.maglev()).hasToString("maglev(tableSize=65537)");
  }

  @ParameterizedTest
  @ValueSource(doubles = {1.0, 0.5, 0, -1.25, Double.NaN, Double.POSITIVE_INFINITY})
  void boundedLoad_mustBeFiniteAndAboveOne(double c) {
    String message = "boundedLoad: " + c + " (expected: a finite number above 1, such as 1.25)";
    assertThatThrownBy(() -> Pickers.maglev().boundedLoad(c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> Pickers.ringHash().boundedLoad(c)).hasMessage(message);
    assertThatThrownBy(() -> Pickers.rendezvous().boundedLoad(c)).hasMessage(message);
  }

  @Test
  void tableSize_mustBeAPrime_andTheMessageSuggestsOne() {
    assertThatThrownBy(() -> Pickers.maglev().tableSize(65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tableSize: 65536 (expected: a prime, such as 65537)");
    assertThatThrownBy(() -> Pickers.maglev().tableSize(1))
        .hasMessage("tableSize: 1 (expected: a prime, such as 2)");
    assertThatThrownBy(() -> Pickers.maglev().tableSize(-7))
        .hasMessage("tableSize: -7 (expected: a prime, such as 2)");
    assertThatThrownBy(() -> Pickers.maglev().tableSize(16_777_259))
        .hasMessage("tableSize: 16777259 (expected: a prime up to 16777213, such as 65537 or 131071)");
    assertThat(Pickers.maglev().tableSize(16_777_213)).hasToString("maglev(tableSize=16777213)");
  }

  @Test
  void tableSize_smallerThanTheEndpointCount_isRefused_andTheBalancerKeepsItsLastList() {
    List<Endpoint> three = PickerTesting.weighted(1, 1, 1);
    List<Endpoint> eight = PickerTesting.weighted(1, 1, 1, 1, 1, 1, 1, 1);
    Pickers.MaglevFactory tiny = Pickers.maglev().tableSize(7);
    MutableEndpointSource source = EndpointSource.mutable(three);
    try (LoadBalancer lb = LoadBalancer.builder("tiny").executor(Runnable::run).source(source).picker(tiny).build()) {
      source.update(eight);

      assertThat(lb.endpoints()).isEqualTo(three);
      assertThat(three).contains(lb.pick(PickContext.ofKey("k")));
    }
    assertThatThrownBy(() -> tiny.create(new TestReady(eight)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tableSize: 7 (expected: at least the number of endpoints, 8; 100 times more keeps the shares within 1%)");
  }

  @Test
  void aFirstListTooLargeForTheTable_isNamedInThePickError() {
    List<Endpoint> eight = PickerTesting.weighted(1, 1, 1, 1, 1, 1, 1, 1);
    try (LoadBalancer lb = LoadBalancer.builder("tiny").executor(Runnable::run).endpoints(eight).picker(Pickers.maglev().tableSize(7)).build()) {
      assertThatThrownBy(lb::pick)
          .isInstanceOf(NoAvailableEndpointException.class)
          .hasMessage("no available endpoint in 'tiny' (0 endpoints; a list of 8 was refused: tableSize: 7 "
              + "(expected: at least the number of endpoints, 8; 100 times more keeps the shares within 1%))");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 8_388_609})
  void ringSize_mustBeInRange(int size) {
    assertThatThrownBy(() -> Pickers.ringHash().ringSize(size))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ringSize: " + size + " (expected: 1-8388608)");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65_537})
  void pointsPerWeight_mustBeInRange(int points) {
    assertThatThrownBy(() -> Pickers.ringHash().pointsPerWeight(points))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pointsPerWeight: " + points + " (expected: 1-65536)");
  }

  @Test
  void pointCount_dependsOnlyOnTheWeight_untilTheRingIsFull() {
    assertThat(RingHashPicker.pointCount(1, 100, 512, 1 << 20)).isEqualTo(512);
    assertThat(RingHashPicker.pointCount(3, 100, 512, 1 << 20)).isEqualTo(1536);
    assertThat(RingHashPicker.pointCount(1, 2048, 512, 1 << 20)).isEqualTo(512); // exactly full
    // Beyond the ring size: the most whole points per unit of weight that fit.
    assertThat(RingHashPicker.pointCount(1, 2049, 512, 1 << 20)).isEqualTo(511);
    assertThat(RingHashPicker.pointCount(3, 4096, 512, 1 << 20)).isEqualTo(768);
    assertThat(RingHashPicker.pointCount(2, 2500, 512, 1 << 20)).isEqualTo(838); // 419 per unit
    // Not one point per unit of weight: shares of the ring, rounded, one point at least.
    assertThat(RingHashPicker.pointCount(1, 1_000_000, 512, 1024)).isEqualTo(1);
    assertThat(RingHashPicker.pointCount(10_000, 100_000_000, 512, 1 << 23)).isEqualTo(839);
  }

  @Test
  void aFullRing_keepsTheRatioOfWeights() {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      endpoints.add(PickerTesting.endpoint(i, i < 250 ? 2 : 3));
    }
    // Total weight 1,250 at 512 points each would be 640,000 points: scaled to 100,000, weights 2
    // and 3 get 160 and 240 points, still 2 : 3.
    RingHashPicker picker = new RingHashPicker(new TestReady(endpoints), 512, 100_000, 0);
    assertThat(picker.ringLength()).isEqualTo(100_000);
    int two = 0;
    int three = 0;
    for (PickContext key : HashFigures.keys(400_000, 4)) {
      if (picker.pick(key) < 250) {
        two++;
      } else {
        three++;
      }
    }
    assertThat(three / (double) two).isBetween(1.5 * 0.95, 1.5 * 1.05);
  }
}
