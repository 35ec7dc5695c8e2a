package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.health.EndpointHealth;
import dev.roundabout.lb.health.HealthContext;
import dev.roundabout.lb.health.HealthTracker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The rule for an {@link Error} thrown by a listener: the update completes first (list, states,
 * health tracker, snapshot), every listener still hears every event, and then the first Error,
 * the later ones suppressed, is rethrown to the thread that ran the update (here the caller of
 * {@code source.update}, as the balancer runs on a direct executor).
 */
class ListenerErrorTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 80);
  private static final Endpoint C = Endpoint.of("10.0.0.3", 80);

  /** An error of the test's own, so that nothing else can throw it. */
  static final class ListenerBug extends Error {
    ListenerBug(String message) {
      super(message);
    }
  }

  /** A tracker whose verdicts change without a refresh: the next update applies them. */
  static final class QuietTracker implements HealthTracker {
    final Map<String, EndpointHealth> verdicts = new ConcurrentHashMap<>();
    final List<String> changes = new ArrayList<>();

    @Override
    public void start(HealthContext context) {}

    @Override
    public void endpointsChanged(List<Endpoint> endpoints, List<Endpoint> added, List<Endpoint> removed) {
      changes.add("+" + added + " -" + removed);
    }

    @Override
    public EndpointHealth health(Endpoint endpoint, long nowNanos) {
      return verdicts.getOrDefault(endpoint.address(), EndpointHealth.AVAILABLE);
    }

    @Override
    public void onOutcome(Endpoint endpoint, boolean success, long latencyNanos, @Nullable Throwable cause) {}

    @Override
    public void close() {}
  }

  private final QuietTracker tracker = new QuietTracker();
  private final List<String> heard = new ArrayList<>();

  private final LoadBalancerListener throwing =
      new LoadBalancerListener() {
        @Override
        public void onEndpointAdded(String balancer, Endpoint endpoint) {
          throw new ListenerBug("added " + endpoint);
        }

        @Override
        public void onEndpointEjected(String balancer, Endpoint endpoint, EndpointHealth reason) {
          throw new ListenerBug("ejected " + endpoint);
        }
      };

  private final LoadBalancerListener recording =
      new LoadBalancerListener() {
        @Override
        public void onEndpointAdded(String balancer, Endpoint endpoint) {
          heard.add("added " + endpoint);
        }

        @Override
        public void onEndpointRemoved(String balancer, Endpoint endpoint) {
          heard.add("removed " + endpoint);
        }

        @Override
        public void onEndpointEjected(String balancer, Endpoint endpoint, EndpointHealth reason) {
          heard.add("ejected " + endpoint);
        }
      };

  private LoadBalancer balancer(MutableEndpointSource source) {
    return LoadBalancer.builder("orders")
        .executor(Runnable::run)
        .source(source)
        .healthTracker(() -> tracker)
        .panicThreshold(0)
        .listener(throwing)
        .listener(recording)
        .build();
  }

  private static Set<Endpoint> picks(LoadBalancer lb) {
    Set<Endpoint> seen = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      seen.add(lb.pick());
    }
    return seen;
  }

  @Test
  void aListenerThatThrowsAnError_doesNotLeaveTheUpdateHalfApplied() {
    MutableEndpointSource source = EndpointSource.mutable(List.of());
    try (LoadBalancer lb = balancer(source)) {
      assertThatThrownBy(() -> source.update(List.of(A, B)))
          .isInstanceOf(ListenerBug.class)
          .hasMessage("added " + A)
          .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("added " + B));
      assertThat(lb.endpoints()).containsExactly(A, B);
      assertThat(heard).containsExactly("added " + A, "added " + B);

      tracker.verdicts.put(A.address(), EndpointHealth.EJECTED); // applied by the next update, with C's arrival
      assertThatThrownBy(() -> source.update(List.of(A, B, C)))
          .isInstanceOf(ListenerBug.class)
          .hasMessage("ejected " + A)
          .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("added " + C));

      assertThat(lb.endpoints()).containsExactly(A, B, C);
      assertThat(picks(lb)).containsExactlyInAnyOrder(B, C);
      assertThat(tracker.changes).containsExactly("+[] -[]", "+[" + A + ", " + B + "] -[]", "+[" + C + "] -[]");
      assertThat(heard).containsExactly("added " + A, "added " + B, "ejected " + A, "added " + C);

      source.update(List.of(B, C)); // starts from the list and states the failed update committed

      assertThat(tracker.changes).last().isEqualTo("+[] -[" + A + "]");
      assertThat(heard).last().isEqualTo("removed " + A);
      assertThat(picks(lb)).containsExactlyInAnyOrder(B, C);
    }
  }

  @Test
  void aListenerError_duringBuild_failsTheBuild() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A));

    assertThatThrownBy(() -> balancer(source)).isInstanceOf(ListenerBug.class).hasMessage("added " + A);

    assertThat(tracker.changes).containsExactly("+[" + A + "] -[]");
    assertThat(heard).containsExactly("added " + A);
  }
}
