package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.LoadBalancer;
import java.util.List;
import okhttp3.OkHttpClient;

/** The end of a real-socket test: checks that no lease and no connection was left in use, then stops everything. */
final class NoLeaks {
  private NoLeaks() {}

  static void checkAndStop(List<LoadBalancer> balancers, List<OkHttpClient> clients, List<Backend> backends) {
    for (LoadBalancer lb : balancers) {
      assertThat(lb.stats()).as("leases left open on %s", lb.name()).allSatisfy(s -> assertThat(s.inFlight()).isZero());
      lb.close();
    }
    for (OkHttpClient client : clients) {
      assertThat(client.connectionPool().connectionCount())
          .as("connections in use after the test")
          .isEqualTo(client.connectionPool().idleConnectionCount());
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
    backends.forEach(Backend::close);
  }
}
