package dev.roundabout.lb.benchmarks.peers;

import com.netflix.loadbalancer.AbstractLoadBalancerRule;
import com.netflix.loadbalancer.BaseLoadBalancer;
import com.netflix.loadbalancer.BestAvailableRule;
import com.netflix.loadbalancer.LoadBalancerStats;
import com.netflix.loadbalancer.RoundRobinRule;
import com.netflix.loadbalancer.Server;
import dev.roundabout.lb.Endpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Netflix Ribbon 2.7.18: an {@code IRule} over a {@link BaseLoadBalancer} that holds the pool as
 * {@link Server}s, with no {@code IPing} (so no ping timer, and every server is marked alive when the
 * list is set). {@code pick} is {@code rule.choose(key)}.
 *
 * <p>Ribbon has no endpoint weights: {@code ribbonRoundRobin} cycles through the servers and
 * {@code ribbonBestAvailable} takes the server with the fewest active requests in
 * {@link LoadBalancerStats} that is not circuit-tripped (a scan of the whole list per call), so
 * {@link Endpoint#weight()} is not used.
 */
final class RibbonPeers {
  private RibbonPeers() {}

  static PeerPicker create(String name, List<Endpoint> endpoints) {
    AbstractLoadBalancerRule rule;
    switch (name) {
      case "ribbonRoundRobin":
        rule = new RoundRobinRule();
        break;
      case "ribbonBestAvailable":
        rule = new BestAvailableRule();
        break;
      default:
        return null;
    }

    List<Server> servers = new ArrayList<>(endpoints.size());
    for (Endpoint endpoint : endpoints) {
      servers.add(new Server(endpoint.host(), endpoint.port()));
    }

    String lbName = "roundabout-" + name + "-" + endpoints.size();
    LoadBalancerStats stats = new LoadBalancerStats(lbName);
    // Null IPing: no ping task, and setServersList marks every server alive (the up list is the list).
    BaseLoadBalancer balancer = new BaseLoadBalancer(lbName, rule, stats, null);
    // That constructor hands the balancer to the rule before it has its stats, so BestAvailableRule
    // would see none and fall back to round robin; bind again, as Ribbon's config-driven init does.
    rule.setLoadBalancer(balancer);
    balancer.setServersList(servers);

    if (rule instanceof BestAvailableRule) {
      // The rule reads each server's ServerStats per call; create them all now (a Guava cache
      // load each), as DynamicServerListLoadBalancer does when its server list is set.
      for (Server server : servers) {
        stats.getSingleServerStat(server);
      }
    }
    if (rule.choose(null) == null) {
      throw new IllegalStateException(name + ": Ribbon chose no server among " + servers.size());
    }
    return new RulePicker(rule);
  }

  /** Thread-safe as the rules are: an atomic counter (round robin), or reads of shared stats. */
  private static final class RulePicker implements PeerPicker {
    private final AbstractLoadBalancerRule rule;

    RulePicker(AbstractLoadBalancerRule rule) {
      this.rule = rule;
    }

    @Override
    public Object pick(long keyHash, String key) {
      // Ribbon's load balancer key (an Object); neither rule looks at it.
      return rule.choose(key);
    }
  }
}
