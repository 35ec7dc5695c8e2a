package dev.roundabout.lb.dns;

import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancerListener;
import dev.roundabout.lb.SourceStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Records what a balancer tells its listener, as short lines; and finds the source threads left. Thread-safe. */
final class Recorder implements LoadBalancerListener {
  private final List<String> events = new ArrayList<>();

  @Override
  public synchronized void onEndpointAdded(String balancer, Endpoint endpoint) {
    events.add("added " + endpoint);
  }

  @Override
  public synchronized void onEndpointRemoved(String balancer, Endpoint endpoint) {
    events.add("removed " + endpoint);
  }

  @Override
  public synchronized void onSourceStale(String balancer, SourceStatus status) {
    events.add("stale");
  }

  @Override
  public synchronized void onSourceCurrent(String balancer, SourceStatus status) {
    events.add("current");
  }

  /** The events so far, and forgets them. */
  synchronized List<String> take() {
    List<String> taken = List.copyOf(events);
    events.clear();
    return taken;
  }

  /** The names of the live threads a DNS source started. */
  static Set<String> sourceThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("roundabout-dns"))
        .collect(Collectors.toSet());
  }

  /** Waits (at most 5 seconds) until no thread a DNS source started is alive. */
  static void awaitNoSourceThread() {
    await().atMost(Duration.ofSeconds(5)).until(() -> sourceThreads().isEmpty());
  }
}
