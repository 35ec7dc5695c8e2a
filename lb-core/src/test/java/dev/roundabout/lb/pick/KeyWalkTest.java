package dev.roundabout.lb.pick;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Picker;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.Pickers;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walk of a bounded pick: it reads a bounded number of in-flight counts even when the counts
 * move under it (other threads acquiring while it walks), however large the ring or table, and it
 * finds the endpoint with room.
 */
class KeyWalkTest {

  static Stream<Arguments> bounded() {
    return Stream.of(
        Arguments.of("ringHash", Pickers.ringHash().pointsPerWeight(65_536).boundedLoad(1.25)),
        Arguments.of("maglev", Pickers.maglev().tableSize(1_000_003).boundedLoad(1.25)),
        Arguments.of("rendezvous", Pickers.rendezvous().boundedLoad(1.25)));
  }

  /** Counts that grow by one on every read (but for the endpoint {@code steady}, if any). */
  static final class RisingLoad extends TestReady {
    private final int steady;
    int reads;

    RisingLoad(List<Endpoint> endpoints, int steady) {
      super(endpoints);
      this.steady = steady;
    }

    @Override
    public int inFlight(int index) {
      reads++;
      return index == steady ? 1 : 1 + reads;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bounded")
  void aWalkThatFindsNoRoom_readsBoundedCounts(String name, PickerFactory factory) {
    RisingLoad ready = new RisingLoad(PickerTesting.weighted(1, 1, 1, 1), -1);
    Picker picker = factory.create(ready);
    ready.reads = 0;

    int picked = picker.pick(PickContext.ofKey("hot"));

    assertThat(ready.reads).as("in-flight reads of one pick").isLessThan(32 * 4 + 4 + 4 + 8); // the walk, the total, the fallback, the key's own
    assertThat(picked).isBetween(0, 3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bounded")
  void whenEveryOtherEndpointIsFull_everyKeyWalksToTheOneWithRoom(String name, PickerFactory factory) {
    TestReady ready =
        new TestReady(PickerTesting.weighted(1, 1, 1, 1)) {
          @Override
          public int inFlight(int index) {
            return index == 1 ? 1 : 100;
          }
        };
    Picker picker = factory.create(ready);

    for (int i = 0; i < 50; i++) {
      assertThat(picker.pick(PickContext.ofKey("key-" + i))).isEqualTo(1);
    }
  }
}
