package dev.roundabout.lb;

import dev.roundabout.lb.health.EndpointHealth;
import dev.roundabout.lb.internal.DurationText;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link LoadBalancer} is doing, as {@link LoadBalancer#describe()} took it: its picker (in
 * the text {@link Pickers#named} reads back), every endpoint with its health, why it is out, its
 * slow-start share and its figures, the endpoints still draining, and whether the pool is in panic.
 * {@link #toString()} is a table for a log or a console:
 *
 * <pre>
 * load balancer 'orders', picker maglev(tableSize=65537): 3 endpoints, 2 ready
 * ENDPOINT       WEIGHT  IN FLIGHT  LATENCY  OK  FAILED  STATE
 * 10.0.0.1:8080       1          0     40ms   4       0  available
 * </pre>
 *
 * <p>Immutable and thread-safe. Everything but the figures comes from one published snapshot, so
 * the endpoints, their health and reasons, the ready set and panic agree with each other; the
 * figures (in flight, successes, failures, latency) are read live right after, endpoint by
 * endpoint.
 */
public final class LoadBalancerDescription {
  private static final String[] HEADERS = {"ENDPOINT", "WEIGHT", "IN FLIGHT", "LATENCY", "OK", "FAILED", "STATE"};

  private final String name;
  private final String picker;
  private final boolean closed;
  private final boolean panic;
  private final int panicThreshold;
  private final List<EndpointDescription> endpoints;

  private LoadBalancerDescription(
      String name, String picker, boolean closed, boolean panic, int panicThreshold,
      List<EndpointDescription> endpoints) {
    this.name = name;
    this.picker = picker;
    this.closed = closed;
    this.panic = panic;
    this.panicThreshold = panicThreshold;
    this.endpoints = List.copyOf(endpoints);
  }

  /** Describes {@code s} at {@code now}: allocates, reads each endpoint's figures; never on the pick path. */
  static LoadBalancerDescription of(String name, String picker, int panicThreshold, Snapshot s, long now) {
    List<EndpointDescription> endpoints = new ArrayList<>(s.allStates.length + s.draining.length);
    ReadyList ready = s.ready;
    for (int i = 0; i < s.allStates.length; i++) {
      EndpointState state = s.allStates[i];
      int r = ready.indexOf(state.endpoint().address());
      boolean isReady = r >= 0 && ready.states[r] == state;
      endpoints.add(new EndpointDescription(
          state.stats(s.health[i]), s.reasons[i], isReady, false, isReady ? ready.ramp(r) : 1, now));
    }
    for (EndpointState state : s.draining) {
      if (state.inFlight() > 0) { // one that finished since the snapshot was built is gone
        EndpointHealth last = state.health();
        endpoints.add(new EndpointDescription(
            state.stats(last == null ? EndpointHealth.AVAILABLE : last), null, false, true, 1, now));
      }
    }
    return new LoadBalancerDescription(name, picker, s.closed, s.panic, panicThreshold, endpoints);
  }

  /** The balancer's name. */
  public String name() {
    return name;
  }

  /** The picker, as {@link Pickers#named} reads it back for the built-in ones ({@code maglev(tableSize=65537)}). */
  public String picker() {
    return picker;
  }

  /** Whether the balancer is closed (then it has no endpoint). */
  public boolean closed() {
    return closed;
  }

  /**
   * Whether the pool is in panic: fewer than the {@link LoadBalancer.Builder#panicThreshold panic
   * threshold} of the endpoints health has seen are available, so picks go to all that answer.
   */
  public boolean panic() {
    return panic;
  }

  /** The endpoints of the list in list order, then those still draining. */
  public List<EndpointDescription> endpoints() {
    return endpoints;
  }

  /** The endpoint at {@code address} ({@code host:port}) in the list, or empty; a draining one if it is not in the list. */
  public Optional<EndpointDescription> endpoint(String address) {
    EndpointDescription found = null;
    for (EndpointDescription e : endpoints) {
      if (e.endpoint().address().equals(address) && (found == null || found.draining())) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  /** A header line, then one aligned row per endpoint: see the class documentation. */
  @Override
  public String toString() {
    if (closed) {
      return "load balancer '" + name + "', picker " + picker + ": closed";
    }
    return headline() + table();
  }

  private String headline() {
    int listed = 0;
    int ready = 0;
    int draining = 0;
    int available = 0;
    int known = 0;
    for (EndpointDescription e : endpoints) {
      if (e.draining()) {
        draining++;
        continue;
      }
      listed++;
      ready += e.ready() ? 1 : 0;
      available += e.health() == EndpointHealth.AVAILABLE ? 1 : 0;
      known += e.health() == EndpointHealth.UNKNOWN ? 0 : 1;
    }
    StringBuilder line = new StringBuilder("load balancer '").append(name).append("', picker ").append(picker)
        .append(": ").append(listed).append(listed == 1 ? " endpoint, " : " endpoints, ").append(ready).append(" ready");
    if (draining > 0) {
      line.append(", ").append(draining).append(" draining");
    }
    if (panic) {
      line.append("; PANIC: ").append(available).append(" of ").append(known).append(" available (threshold ")
          .append(panicThreshold).append("%), picking among all that answer");
    }
    return line.append('\n').toString();
  }

  private String table() {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (EndpointDescription e : endpoints) {
      EndpointStats stats = e.stats();
      rows.add(new String[] {
          e.endpoint().address(),
          Integer.toString(e.endpoint().weight()),
          Integer.toString(stats.inFlight()),
          stats.latencyEwma().map(d -> DurationText.human(d.toNanos())).orElse("-"),
          Long.toString(stats.successes()),
          Long.toString(stats.failures()),
          e.state()});
    }
    int[] widths = new int[HEADERS.length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder table = new StringBuilder();
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        boolean number = c > 0 && c < row.length - 1; // right-aligned, with their headers
        String pad = " ".repeat(widths[c] - row[c].length());
        if (c == row.length - 1) {
          table.append(row[c]); // the last column is not padded: no trailing spaces
        } else {
          table.append(number ? pad + row[c] : row[c] + pad).append("  ");
        }
      }
      table.append('\n');
    }
    table.setLength(table.length() - 1);
    return table.toString();
  }
}
