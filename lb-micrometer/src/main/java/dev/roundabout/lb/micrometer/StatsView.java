package dev.roundabout.lb.micrometer;

import dev.roundabout.lb.EndpointStats;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.Ticker;
import dev.roundabout.lb.health.EndpointHealth;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The balancer's {@link LoadBalancer#stats()}, read at most once per {@code maxAgeNanos}, so that
 * one scrape of many per-endpoint meters reads the balancer once, not once per meter.
 *
 * <p>Thread-safe: a read publishes one immutable {@link Reading} through a volatile field. Two
 * scrapes racing past an expired reading both read the balancer and the later write wins; both
 * readings are correct, so the race is accepted.
 */
final class StatsView {
  /** One copy of the stats, by address, with the count of each health state. */
  record Reading(long readAt, List<EndpointStats> list, Map<String, EndpointStats> byAddress,
      Map<EndpointHealth, Integer> counts) {}

  private final LoadBalancer balancer;
  private final Ticker ticker;
  private final long maxAgeNanos;
  private volatile @Nullable Reading last;

  StatsView(LoadBalancer balancer, Ticker ticker, long maxAgeNanos) {
    this.balancer = balancer;
    this.ticker = ticker;
    this.maxAgeNanos = maxAgeNanos;
  }

  /** The latest reading, taken now if the last one is older than the maximum age. */
  Reading read() {
    long now = ticker.read();
    Reading r = last;
    if (r != null && now - r.readAt() < maxAgeNanos) {
      return r;
    }
    List<EndpointStats> list = balancer.stats();
    Map<String, EndpointStats> byAddress = new HashMap<>(list.size() * 2);
    Map<EndpointHealth, Integer> counts = new EnumMap<>(EndpointHealth.class);
    for (EndpointHealth h : EndpointHealth.values()) {
      counts.put(h, 0);
    }
    for (EndpointStats s : list) {
      byAddress.put(s.endpoint().address(), s);
      counts.merge(s.health(), 1, Integer::sum);
    }
    r = new Reading(now, list, byAddress, counts);
    last = r;
    return r;
  }

  /** Forgets the last reading: the next {@link #read()} reads the balancer. */
  void invalidate() {
    last = null;
  }
}
