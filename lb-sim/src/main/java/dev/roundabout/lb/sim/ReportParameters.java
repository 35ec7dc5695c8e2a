package dev.roundabout.lb.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A scenario's servers and clients in words, for the report. */
final class ReportParameters {
  private ReportParameters() {}

  /**
   * The servers: "10 x 1 slot, service time exponential(mean 10 ms), speeds 0.1x (server 0), 1x
   * (servers 1-9); capacity 910 calls/s", or a list of groups when they differ in more than speed.
   */
  static String servers(Scenario scenario) {
    List<ServerSpec> specs = scenario.servers();
    ServerSpec first = specs.get(0);
    boolean alike = true;
    for (ServerSpec s : specs) {
      alike &= s.slots() == first.slots() && s.weight() == first.weight()
          && s.serviceTime().toString().equals(first.serviceTime().toString());
    }
    StringBuilder sb = new StringBuilder();
    if (alike) {
      sb.append(specs.size()).append(" x ").append(shape(first)).append(", ").append(speeds(specs));
    } else {
      List<String> groups = new ArrayList<>();
      int i = 0;
      while (i < specs.size()) {
        int j = i;
        while (j + 1 < specs.size() && specs.get(j + 1).toString().equals(specs.get(i).toString())) {
          j++;
        }
        List<Integer> indices = new ArrayList<>();
        for (int k = i; k <= j; k++) {
          indices.add(k);
        }
        groups.add(ReportFormat.servers(indices) + ": " + shape(specs.get(i)) + ", speed "
            + ReportFormat.number(specs.get(i).speed()) + "x");
        i = j + 1;
      }
      sb.append(String.join("; ", groups));
    }
    sb.append("; capacity ").append(ReportFormat.number(scenario.capacityPerSecond()))
        .append(" calls/s (every server at its starting speed)");
    return sb.toString();
  }

  private static String shape(ServerSpec s) {
    return s.slots() + (s.slots() == 1 ? " slot" : " slots") + ", service time "
        + ReportFormat.durations(s.serviceTime().toString()) + (s.weight() == 1 ? "" : ", weight " + s.weight());
  }

  private static String speeds(List<ServerSpec> specs) {
    Map<String, List<Integer>> bySpeed = new LinkedHashMap<>();
    for (int i = 0; i < specs.size(); i++) {
      bySpeed.computeIfAbsent(ReportFormat.number(specs.get(i).speed()) + "x", k -> new ArrayList<>()).add(i);
    }
    if (bySpeed.size() == 1) {
      return "speed " + bySpeed.keySet().iterator().next();
    }
    if (bySpeed.size() == specs.size()) {
      return "speeds by server " + String.join(", ", bySpeed.keySet());
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> e : bySpeed.entrySet()) {
      parts.add(e.getKey() + " (" + ReportFormat.servers(e.getValue()) + ")");
    }
    return "speeds " + String.join(", ", parts);
  }

  /** The clients: "20 open-loop clients sending 819 calls/s in all (Poisson); timeout 10 s, at most 3 attempts". */
  static String clients(Scenario scenario) {
    ClientSpec c = scenario.clients();
    StringBuilder sb = new StringBuilder();
    if (c.usersPerClient() > 0) {
      sb.append(c.clients()).append(" closed-loop clients of ").append(c.usersPerClient())
          .append(c.usersPerClient() == 1 ? " user" : " users").append(" each (a user sends its next call when its last ends)");
    } else {
      sb.append(c.clients()).append(c.clients() == 1 ? " open-loop client" : " open-loop clients").append(" sending ")
          .append(ReportFormat.number(c.callsPerSecond())).append(" calls/s in all (Poisson arrivals)");
    }
    sb.append("; call timeout ").append(ReportFormat.duration(java.time.Duration.ofNanos(c.timeoutNanos())))
        .append(", at most ").append(c.maxAttempts()).append(c.maxAttempts() == 1 ? " attempt" : " attempts")
        .append(" (the OkHttp interceptor's retry rules and budget)");
    if (scenario.keyed()) {
      sb.append("; every call carries a random affinity key");
    }
    if (!c.probeRoundTrip().equals(ClientSpec.DEFAULT_PROBE_ROUND_TRIP)) {
      sb.append("; a load probe's round trip ").append(ReportFormat.duration(c.probeRoundTrip()));
    }
    return sb.toString();
  }
}
