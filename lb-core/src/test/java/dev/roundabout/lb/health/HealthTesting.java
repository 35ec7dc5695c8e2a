package dev.roundabout.lb.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointStats;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/** Calls and picks that the health tests share. */
final class HealthTesting {
  private HealthTesting() {}

  /** Makes calls until {@code failures} of them went to {@code sick} and failed; the others succeed. */
  static void fail(LoadBalancer lb, Endpoint sick, int failures) {
    int failed = 0;
    for (int call = 0; failed < failures; call++) {
      assertThat(call).as("calls to reach %s", sick).isLessThan(1_000);
      try (Lease lease = lb.acquire()) {
        if (lease.endpoint().equals(sick)) {
          lease.failure(new IOException("connection reset"));
          failed++;
        } else {
          lease.success();
        }
      }
    }
  }

  /** The endpoints {@code count} plain picks went to. */
  static Set<Endpoint> picks(LoadBalancer lb, int count) {
    Set<Endpoint> seen = new HashSet<>();
    for (int i = 0; i < count; i++) {
      seen.add(lb.pick());
    }
    return seen;
  }

  /** The health the balancer's last snapshot gave {@code endpoint}. */
  static EndpointHealth healthOf(LoadBalancer lb, Endpoint endpoint) {
    return lb.stats().stream().filter(s -> s.endpoint().equals(endpoint)).findFirst().map(EndpointStats::health).orElseThrow();
  }
}
