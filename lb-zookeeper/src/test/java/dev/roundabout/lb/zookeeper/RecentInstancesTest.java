package dev.roundabout.lb.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An instance that leaves stays for the removal delay, on a clock the test moves. */
class RecentInstancesTest {
  private static final long SECOND = 1_000_000_000L;
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 80);
  private static final Endpoint C = Endpoint.of("10.0.0.3", 80);

  @Test
  void anInstanceThatLeaves_staysUntilItHasBeenGoneForTheDelay() {
    RecentInstances recent = new RecentInstances(SECOND);
    assertThat(recent.merge(List.of(A, B), 0)).isEqualTo(new RecentInstances.Merged(List.of(A, B), Long.MAX_VALUE));

    recent.seen(B, 10); // deleted at 10 ns
    assertThat(recent.merge(List.of(A), 20)).isEqualTo(new RecentInstances.Merged(List.of(A, B), SECOND - 10));
    assertThat(recent.merge(List.of(A), SECOND + 9)).isEqualTo(new RecentInstances.Merged(List.of(A, B), 1));
    assertThat(recent.merge(List.of(A), SECOND + 10)).isEqualTo(new RecentInstances.Merged(List.of(A), Long.MAX_VALUE));
    assertThat(recent.merge(List.of(A), SECOND + 11).endpoints()).containsExactly(A); // forgotten
  }

  @Test
  void anInstanceBackWithinTheDelay_isThereAsItIsNow_andTheListStaysSorted() {
    RecentInstances recent = new RecentInstances(SECOND);
    recent.merge(List.of(A, B, C), 0);

    recent.seen(A, 5);
    assertThat(recent.merge(List.of(B, C), 6).endpoints()).containsExactly(A, B, C);
    Endpoint heavierA = Endpoint.builder("10.0.0.1", 80).weight(4).build();
    assertThat(recent.merge(List.of(heavierA, B, C), 7)).isEqualTo(new RecentInstances.Merged(List.of(heavierA, B, C), Long.MAX_VALUE));
  }

  @Test
  void anInstanceSeenOnlyAsItLeft_isKeptToo() {
    RecentInstances recent = new RecentInstances(SECOND);

    recent.seen(B, 0); // created and deleted before any list was made
    assertThat(recent.merge(List.of(), 1)).isEqualTo(new RecentInstances.Merged(List.of(B), SECOND - 1));
  }

  @Test
  void noDelay_passesTheListThrough() {
    RecentInstances recent = new RecentInstances(0);
    recent.merge(List.of(A, B), 0);
    recent.seen(B, 1);

    assertThat(recent.merge(List.of(A), 2)).isEqualTo(new RecentInstances.Merged(List.of(A), Long.MAX_VALUE));
  }
}
