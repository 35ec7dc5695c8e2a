package dev.roundabout.lb.benchmarks;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.LoadReport;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.Pickers;
import java.util.ArrayList;
import java.util.List;

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
    return Pickers.named(name);
  }

  /**
   * A balancer over {@code count} endpoints with the picker {@code name}. For the load-report
   * picker, every endpoint has reported its load once (utilisations from 0.2 to 0.8, so that the
   * weights differ); the weights count from its first recomputation, a second later.
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
    return lb;
  }
}
