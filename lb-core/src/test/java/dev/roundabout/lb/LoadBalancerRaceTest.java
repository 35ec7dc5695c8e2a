package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.health.OutlierDetector;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stress: endpoint updates, ejections and the close race acquire and close on real threads with
 * the default executor. Nothing is picked that was never delivered, every lease's in-flight count
 * returns to zero, and after the close nothing is picked at all. Bounded by counts, not time.
 */
class LoadBalancerRaceTest {
  private static final int CALLERS = 3;
  private static final int CALLS_EACH = 20_000;
  private static final int UPDATES = 2_000;
  private static final long SEED = 20261202L;

  @Test
  void updatesEjectionsAndClose_raceAcquireAndClose_andEveryCountReturnsToZero() throws Exception {
    List<Endpoint> universe = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      universe.add(Endpoint.of("10.0.0." + (i + 1), 80));
    }
    MutableEndpointSource source = EndpointSource.mutable(universe.subList(0, 6));
    Set<Endpoint> delivered = ConcurrentHashMap.newKeySet();
    delivered.addAll(universe.subList(0, 6));
    Set<EndpointState> seenStates = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    LoadBalancer lb = LoadBalancer.builder("race")
        .source(source)
        .picker(Pickers.powerOfTwoChoices())
        .healthTracker(OutlierDetector.builder().consecutiveFailures(3).baseEjectionTime(Duration.ofMillis(1)).build())
        .build();
    List<String> stray = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(CALLERS + 1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < CALLERS; c++) {
        long seed = SEED + c;
        done.add(threads.submit(() -> {
          SplittableRandom random = new SplittableRandom(seed);
          start.await();
          for (int i = 0; i < CALLS_EACH; i++) {
            Lease lease;
            try {
              lease = lb.acquire();
            } catch (NoAvailableEndpointException | IllegalStateException e) {
              continue; // everything ejected for a moment, or closed
            }
            if (!delivered.contains(lease.endpoint())) {
              stray.add(lease.endpoint().toString());
            }
            if (random.nextInt(10) == 0) {
              lease.failure(new IOException("stress"));
            } else {
              lease.success();
            }
            lease.close();
          }
          return null;
        }));
      }
      done.add(threads.submit(() -> {
        SplittableRandom random = new SplittableRandom(SEED - 1);
        start.await();
        for (int u = 0; u < UPDATES; u++) {
          int from = random.nextInt(6);
          List<Endpoint> next = universe.subList(from, from + 1 + random.nextInt(6));
          delivered.addAll(next); // before the update: a pick may see it as soon as it is applied
          source.update(next);
          Collections.addAll(seenStates, lb.snapshot().allStates);
        }
        Collections.addAll(seenStates, lb.snapshot().allStates);
        lb.close();
        return null;
      }));
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(stray).as("picked but never delivered").isEmpty();
    assertThat(seenStates).isNotEmpty().allSatisfy(s -> assertThat(s.inFlight()).as("%s", s.endpoint()).isZero());
    assertThat(lb.isClosed()).isTrue();
    assertThat(lb.endpoints()).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(lb::acquire)
        .isInstanceOf(IllegalStateException.class).hasMessage("load balancer 'race' is closed");
  }
}
