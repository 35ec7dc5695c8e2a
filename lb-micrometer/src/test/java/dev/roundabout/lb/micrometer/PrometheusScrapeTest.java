package dev.roundabout.lb.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.health.OutlierDetector;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrometheusScrapeTest {
  private final FakeTicker ticker = new FakeTicker();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @AfterEach
  void closeRegistry() {
    registry.close();
  }

  /** A balancer with both of the metrics' listeners, on the fake ticker and a direct executor. */
  private LoadBalancer balancer(LoadBalancerMetrics metrics, LoadBalancer.Builder builder) {
    return builder
        .listener(metrics.listener())
        .callListener(metrics.callListener())
        .executor(Runnable::run)
        .ticker(ticker)
        .build();
  }

  @Test
  void scrape_afterEjection_holdsBalancerAndEndpointSeries() {
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().ticker(ticker).build();
    Endpoint a = Endpoint.builder("10.0.0.1", 8080).zone("eu-west-1a").build();
    Endpoint b = Endpoint.of("10.0.0.2", 8080);
    Endpoint c = Endpoint.of("10.0.0.3", 8080);
    try (LoadBalancer lb = balancer(metrics, LoadBalancer.builder("orders")
        .endpoints(List.of(a, b, c))
        .healthTracker(OutlierDetector.builder().consecutiveFailures(3).build()))) {
      metrics.forBalancer(lb).bindTo(registry);
      for (int i = 0; i < 30; i++) {
        try (Lease lease = lb.acquire()) {
          ticker.advance(Duration.ofMillis(10));
          if (lease.endpoint().equals(a)) {
            lease.failure(new IOException("boom"));
          } else {
            lease.success();
          }
        }
      }
      ticker.advance(Duration.ofSeconds(2));

      String text = registry.scrape();

      assertThat(text)
          .contains("roundabout_lb_endpoints{balancer=\"orders\",state=\"available\"} 2.0")
          .contains("roundabout_lb_endpoints{balancer=\"orders\",state=\"ejected\"} 1.0")
          .contains("roundabout_lb_endpoints_known{balancer=\"orders\"} 3.0")
          .contains("roundabout_lb_panic{balancer=\"orders\"} 0.0")
          .contains("roundabout_lb_ejections_total{balancer=\"orders\",reason=\"ejected\"} 1.0")
          .contains("roundabout_lb_restorations_total{balancer=\"orders\"} 0.0")
          .contains("roundabout_lb_endpoint_calls_seconds_count{balancer=\"orders\",endpoint=\"10.0.0.1:8080\",outcome=\"failure\",zone=\"eu-west-1a\"} 3")
          .contains("roundabout_lb_endpoint_calls_seconds_sum{balancer=\"orders\",endpoint=\"10.0.0.1:8080\",outcome=\"failure\",zone=\"eu-west-1a\"} 0.03")
          .contains("roundabout_lb_endpoint_calls_seconds_count{balancer=\"orders\",endpoint=\"10.0.0.2:8080\",outcome=\"success\"}")
          .contains("roundabout_lb_endpoint_calls_seconds_count{balancer=\"orders\",endpoint=\"10.0.0.3:8080\",outcome=\"unreachable\"} 0")
          .contains("roundabout_lb_endpoint_latency_ewma_seconds{balancer=\"orders\",endpoint=\"10.0.0.2:8080\"} 0.01")
          .contains("roundabout_lb_endpoint_in_flight{balancer=\"orders\",endpoint=\"10.0.0.3:8080\"} 0.0")
          .contains("roundabout_lb_endpoint_available{balancer=\"orders\",endpoint=\"10.0.0.1:8080\",zone=\"eu-west-1a\"} 0.0")
          .contains("roundabout_lb_endpoint_available{balancer=\"orders\",endpoint=\"10.0.0.2:8080\"} 1.0")
          .doesNotContain("roundabout_lb_endpoint_calls_seconds_bucket")
          .doesNotContain("roundabout_lb_endpoint_calls_seconds_max") // a count and a sum: no percentile options
          .doesNotContain("roundabout_lb_endpoint_calls_total");
      double successes = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith("roundabout_lb_endpoint_calls_seconds_count{") && line.contains("outcome=\"success\"")) {
          successes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      assertThat(successes).isEqualTo(27);
    }
  }

  @Test
  void percentileHistogram_publishesBuckets_forHistogramQuantile() {
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().ticker(ticker).percentileHistogram(true).build();
    try (LoadBalancer lb = balancer(metrics, LoadBalancer.builder("orders").endpoints(List.of(Endpoint.of("10.0.0.2", 8080))))) {
      metrics.forBalancer(lb).bindTo(registry);
      for (int ms : new int[] {2, 40, 900}) {
        try (Lease lease = lb.acquire()) {
          ticker.advance(Duration.ofMillis(ms));
          lease.success();
        }
      }

      String text = registry.scrape();

      String series = "roundabout_lb_endpoint_calls_seconds_bucket{balancer=\"orders\",endpoint=\"10.0.0.2:8080\",outcome=\"success\",";
      assertThat(text)
          .contains(series + "le=\"+Inf\"} 3")
          .contains("roundabout_lb_endpoint_calls_seconds_count{balancer=\"orders\",endpoint=\"10.0.0.2:8080\",outcome=\"success\"} 3");
      assertThat(text.lines().filter(l -> l.startsWith(series))).hasSizeGreaterThan(20);
    }
  }
}
