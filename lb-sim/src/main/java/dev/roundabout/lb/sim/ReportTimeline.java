package dev.roundabout.lb.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scenario's timeline in words, for the report: each change is played against a {@link Control}
 * that writes down what it is asked to do ("20 s: server 0 at 0.01x speed"), with the servers that
 * are told the same thing at the same time grouped ("servers 0-9 failing 50% of calls after the
 * service time"). Nothing runs; the scenario is not changed.
 */
final class ReportTimeline {
  private ReportTimeline() {}

  /** One line per point in time that has changes, in time order; empty if the timeline is. */
  static List<String> describe(Scenario scenario) {
    List<String> lines = new ArrayList<>();
    for (Scenario.Action action : scenario.timeline()) {
      Recorder recorder = new Recorder(action.atNanos);
      action.change.accept(recorder);
      if (!recorder.changes.isEmpty()) {
        lines.add(ReportFormat.duration(Duration.ofNanos(action.atNanos)) + ": " + recorder.text());
      }
    }
    return lines;
  }

  /** Writes down the changes of one action, grouping servers told the same thing. */
  private static final class Recorder implements Control {
    /** What was asked, with {@code %s} where the servers go, and the servers asked it, in order. */
    final Map<String, List<Integer>> changes = new LinkedHashMap<>();
    private final long atNanos;

    Recorder(long atNanos) {
      this.atNanos = atNanos;
    }

    private void server(int server, String change) {
      List<Integer> servers = changes.computeIfAbsent(change, c -> new ArrayList<>());
      if (!servers.contains(server)) {
        servers.add(server);
        servers.sort(null);
      }
    }

    String text() {
      List<String> parts = new ArrayList<>();
      for (Map.Entry<String, List<Integer>> e : changes.entrySet()) {
        parts.add(e.getValue().isEmpty() ? e.getKey() : e.getKey().replace("%s", ReportFormat.servers(e.getValue())));
      }
      return String.join(", ", parts);
    }

    @Override
    public void speed(int server, double speed) {
      server(server, "%s at " + ReportFormat.number(speed) + "x speed");
    }

    @Override
    public void extraLatency(int server, Duration latency) {
      server(server, latency.isZero() ? "%s without extra latency" : "%s adding " + ReportFormat.duration(latency)
          + " to every answer");
    }

    @Override
    public void errors(int server, double rate, boolean fast) {
      server(server, rate == 0 ? "%s without errors" : "%s failing " + ReportFormat.number(rate * 100) + "% of calls "
          + (fast ? "at once" : "after the service time"));
    }

    @Override
    public void blackHole(int server, boolean on) {
      server(server, on ? "%s a black hole (accepting calls, never answering)" : "%s answering again");
    }

    @Override
    public void refuse(int server, boolean on) {
      server(server, on ? "%s refusing connections" : "%s accepting connections again");
    }

    @Override
    public void rateLimit(int server, int maxCalls) {
      server(server, maxCalls == 0 ? "%s without a rate limit" : "%s answering 429 when holding " + maxCalls + " calls");
    }

    @Override
    public void loadReports(int server, boolean on) {
      server(server, on ? "%s sending load reports again" : "%s no longer sending load reports");
    }

    @Override
    public void leave(int server) {
      server(server, "%s out of the registry");
    }

    @Override
    public void join(int server) {
      server(server, "%s in the registry");
    }

    @Override
    public void arrivals(double factor) {
      changes.put("arrivals at " + ReportFormat.number(factor) + "x the scenario's rate", new ArrayList<>());
    }

    @Override
    public Duration now() {
      return Duration.ofNanos(atNanos);
    }
  }
}
