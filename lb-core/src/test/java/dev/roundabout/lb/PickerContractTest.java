package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every picker through the same cases. */
class PickerContractTest {

  static Stream<Arguments> pickers() {
    return Stream.of(
        Arguments.of("roundRobin", Pickers.roundRobin()),
        Arguments.of("weightedRoundRobin", Pickers.weightedRoundRobin()),
        Arguments.of("random", Pickers.random()),
        Arguments.of("weightedRandom", Pickers.weightedRandom()),
        Arguments.of("leastConnections", Pickers.leastConnections()),
        Arguments.of("powerOfTwoChoices", Pickers.powerOfTwoChoices()),
        Arguments.of("ringHash(pointsPerWeight=512, ringSize=1048576)", Pickers.ringHash()),
        Arguments.of("maglev(tableSize=65537)", Pickers.maglev()),
        Arguments.of("rendezvous()", Pickers.rendezvous()),
        Arguments.of("peakEwma(decay=10s)", Pickers.peakEwma()),
        Arguments.of("adaptive(decay=10s, failurePenalty=1s)", Pickers.adaptive()),
        Arguments.of("peakEwma(decay=1500ms)", Pickers.peakEwma().decay(Duration.ofMillis(1500))),
        Arguments.of(
            "adaptive(decay=2m, failurePenalty=PT0.000250001S, candidates=3)",
            Pickers.adaptive().decay(Duration.ofMinutes(2)).failurePenalty(Duration.ofNanos(250_001)).candidates(3)),
        // An update period of an hour: the allocation test's picks run on the system clock.
        Arguments.of(
            "reportedLoad(blackoutPeriod=10s, weightExpirationPeriod=3m, weightUpdatePeriod=1h,"
                + " errorUtilizationPenalty=1.0)",
            Pickers.reportedLoad().weightUpdatePeriod(Duration.ofHours(1))),
        Arguments.of(
            "ringHash(pointsPerWeight=64, ringSize=4096, boundedLoad=1.25)",
            Pickers.ringHash().pointsPerWeight(64).ringSize(4096).boundedLoad(1.25)),
        Arguments.of("maglev(tableSize=65537, boundedLoad=1.25)", Pickers.maglev().boundedLoad(1.25)),
        Arguments.of("rendezvous(boundedLoad=1.25)", Pickers.rendezvous().boundedLoad(1.25)));
  }

  /**
   * Every picker, {@code prequal} included: its probe answers at once, with figures that differ by
   * endpoint.
   */
  static Stream<Arguments> behaviours() {
    LoadProbe probe = (endpoint, timeout) -> java.util.concurrent.CompletableFuture.completedFuture(
        ProbedLoad.ofNanos(endpoint.address().hashCode() & 3, 1_000_000L * (1 + (endpoint.address().hashCode() >>> 4 & 7))));
    return Stream.concat(pickers(), Stream.of(
        Arguments.of("prequal", Pickers.prequal(probe)),
        Arguments.of("prequal(hotQuantile=0.5, poolSize=2)", Pickers.prequal(probe).hotQuantile(0.5).poolSize(2))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pickers")
  void factory_isNamedAfterItsPickersMethod(String name, PickerFactory factory) {
    assertThat(factory).hasToString(name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pickers")
  void factoryText_readsBackIntoAnEqualFactory(String name, PickerFactory factory) {
    PickerFactory read = Pickers.named(factory.toString());
    assertThat(read).isEqualTo(factory).hasSameHashCodeAs(factory).hasToString(name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("behaviours")
  void emptyList_throwsNoAvailableEndpointNamingTheBalancer(String name, PickerFactory factory) {
    try (LoadBalancer lb = LoadBalancer.builder("contract").executor(Runnable::run).endpoints(List.of()).picker(factory).build()) {
      assertThatThrownBy(lb::pick)
          .isInstanceOf(NoAvailableEndpointException.class)
          .hasMessage("no available endpoint in 'contract' (0 endpoints)");
      assertThatThrownBy(() -> lb.acquire(PickContext.empty()))
          .isInstanceOf(NoAvailableEndpointException.class)
          .hasMessage("no available endpoint in 'contract' (0 endpoints)");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("behaviours")
  void oneEndpoint_isAlwaysPicked(String name, PickerFactory factory) {
    Endpoint only = Endpoint.builder("10.0.0.1", 80).weight(7).build();
    try (LoadBalancer lb =
        LoadBalancer.builder("contract").executor(Runnable::run).endpoints(List.of(only)).picker(factory).random(new SplittableRandom(1)).build()) {
      List<Lease> held = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        assertThat(lb.pick()).isEqualTo(only);
        held.add(lb.acquire());
      }
      assertThat(held).allSatisfy(l -> assertThat(l.endpoint()).isEqualTo(only));
      held.forEach(Lease::close);
      assertThat(lb.stats().get(0).inFlight()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("behaviours")
  void mixedWeights_everyEndpointServes_andNoOtherIsReturned(String name, PickerFactory factory) {
    List<Endpoint> endpoints =
        List.of(
            Endpoint.builder("10.0.0.1", 80).weight(1).build(),
            Endpoint.builder("10.0.0.2", 80).weight(2).build(),
            Endpoint.builder("10.0.0.3", 80).weight(3).build());
    long seed = 42;
    try (LoadBalancer lb =
        LoadBalancer.builder("contract").executor(Runnable::run).endpoints(endpoints).picker(factory).random(new SplittableRandom(seed)).build()) {
      Map<Endpoint, Integer> counts = new HashMap<>();
      List<Lease> held = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        Lease lease = lb.acquire();
        held.add(lease); // held open: load-aware pickers see the load
        counts.merge(lease.endpoint(), 1, Integer::sum);
      }
      assertThat(counts.keySet()).as("seed %d: %s", seed, counts).containsExactlyInAnyOrderElementsOf(endpoints);
      held.forEach(Lease::close);
      assertThat(lb.stats()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("behaviours")
  void listChangingUnderConcurrentPicks_neverThrowsNorStrays_andCountsReturnToZero(
      String name, PickerFactory factory) throws Exception {
    // The endpoints in both lists weigh the most, so that load-aware pickers, which favour weight
    // when idle, send them calls and their outcome counts can be checked at the end.
    List<Endpoint> stable = endpoints(0, 3, 3);
    List<Endpoint> first = concat(stable, endpoints(10, 4, 2));
    List<Endpoint> second = concat(endpoints(20, 2, 3), stable);
    Set<Endpoint> allowed = new HashSet<>(first);
    allowed.addAll(second);

    MutableEndpointSource source = EndpointSource.mutable(first);
    int threads = 4;
    int picksPerThread = 20_000;
    Set<Endpoint> seen = ConcurrentHashMap.newKeySet();
    try (LoadBalancer lb = LoadBalancer.builder("contract").executor(Runnable::run).source(source).picker(factory).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<?>> pickers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          boolean leases = t % 2 == 0;
          pickers.add(
              pool.submit(
                  () -> {
                    start.await();
                    for (int i = 0; i < picksPerThread; i++) {
                      if (leases) {
                        try (Lease lease = lb.acquire()) {
                          seen.add(lease.endpoint());
                          if ((i & 1) == 0) {
                            lease.success();
                          } else {
                            lease.failure();
                          }
                        }
                      } else {
                        seen.add(lb.pick());
                      }
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (int u = 0; u < 400; u++) {
          source.update(u % 2 == 0 ? second : first);
        }
        for (Future<?> picker : pickers) {
          picker.get(60, TimeUnit.SECONDS); // rethrows whatever a picking thread threw
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(allowed).containsAll(seen);
      assertThat(lb.stats()).allSatisfy(s -> assertThat(s.inFlight()).as(s.toString()).isZero());
      assertThat(lb.stats().stream().mapToLong(s -> s.successes() + s.failures()).sum()).isPositive();
    }
  }

  private static List<Endpoint> endpoints(int firstHost, int count, int weight) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(Endpoint.builder("10.0.1." + (firstHost + i), 80).weight(weight).build());
    }
    return list;
  }

  private static List<Endpoint> concat(List<Endpoint> a, List<Endpoint> b) {
    List<Endpoint> list = new ArrayList<>(a);
    list.addAll(b);
    return list;
  }
}
