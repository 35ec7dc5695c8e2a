package dev.roundabout.lb.benchmarks;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.LoadReport;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.Pickers;
import dev.roundabout.lb.ProbedLoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The pools every benchmark shares, so that ours and the peers pick among the same endpoints. */
public final class Pools {
  private Pools() {}

  /** {@code count} endpoints 10.x.y.z:8080, weights 1, 2, 3, 4, 1, 2... */
  public static List<Endpoint> endpoints(int count) {
    List<Endpoint> endpoints = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      endpoints.add(
          Endpoint.builder("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 8080)
              .weight(1 + i % 4)
              .build());
    }
    return endpoints;
  }

  /**
   * The factory {@link Pickers#named(String)} gives for {@code name}, such as {@code maglev} or
   * {@code maglev(tableSize=5003)}.
   */
  public static PickerFactory picker(String name) {
    if (name.equals("prequal")) {
      return Pickers.prequal(Pools::probe).maxProbeAge(Duration.ofHours(1));
    }
    return Pickers.named(name);
  }

  /** A probe answered at once: 0 to 7 requests in flight and 1 to 16 ms, by endpoint. */
  private static CompletionStage<ProbedLoad> probe(Endpoint endpoint, Duration timeout) {
    int h = endpoint.address().hashCode();
    return CompletableFuture.completedFuture(ProbedLoad.ofNanos(h & 7, 1_000_000L * (1 + (h >>> 3 & 15))));
  }

  /**
   * A balancer over {@code count} endpoints with the picker {@code name}. For the load-report
   * picker, every endpoint has reported its load once (utilisations from 0.2 to 0.8, so that the
   * weights differ); the weights count from its first recomputation, a second later. For
   * {@code prequal} (whose probes answer at once and whose results do not age), calls have ended
   * and the probes they paid for have filled the pool before this returns.
   */
  public static LoadBalancer balancer(String name, int count) {
    LoadBalancer lb = LoadBalancer.builder("bench").endpoints(endpoints(count)).picker(picker(name)).build();
    if (name.startsWith("reportedLoad")) {
      for (int i = 0; i < count; i++) { // round robin until weights count: one lease per endpoint
        try (Lease lease = lb.acquire()) {
          lease.loadReport(LoadReport.of(0.2 + 0.1 * (i % 7), 100, 0));
          lease.success();
        }
      }
    }
    if (name.equals("prequal")) {
      long until = System.nanoTime() + 200_000_000L;
      while (System.nanoTime() < until) { // calls end, and the picks after each 10 ms tick send probes
        try (Lease lease = lb.acquire()) {
          lease.success();
        }
        Thread.onSpinWait();
      }
    }
    return lb;
  }
}
