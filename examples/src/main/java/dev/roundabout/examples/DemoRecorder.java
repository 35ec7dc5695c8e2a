package dev.roundabout.examples;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancerListener;
import dev.roundabout.lb.health.EndpointHealth;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * What the demo measures: every attempt as it leaves the client (an interceptor after the
 * balancing one sees each attempt with the endpoint it went to), every client request, and the
 * balancer's events, printed as they happen.
 */
final class DemoRecorder implements Interceptor, LoadBalancerListener {
  private final PrintStream out;
  private final long startNanos;
  private final Map<String, String> names; // host:port -> backend name
  final Map<String, PerBackend> backends = new LinkedHashMap<>();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong attempts = new AtomicLong();
  final Latencies clientLatencies = new Latencies();
  private final Map<String, Long> drainedAt = new ConcurrentHashMap<>();
  private final Map<String, Long> cameBackAt = new ConcurrentHashMap<>();
  /** Picks made before a removal may still be sent just after it: this much grace. */
  static final long DRAIN_GRACE_NANOS = 50_000_000L;
  private volatile String slowBackend;
  final AtomicLong attemptsWhileSlow = new AtomicLong();
  final AtomicLong slowAttemptsWhileSlow = new AtomicLong();

  /** One backend's figures. */
  static final class PerBackend {
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger ejections = new AtomicInteger();
    final AtomicInteger restorations = new AtomicInteger();
    final AtomicInteger afterDrain = new AtomicInteger();
    final AtomicInteger servedAfterComeback = new AtomicInteger(); // successful attempts after it came back
    final AtomicInteger recent = new AtomicInteger(); // attempts since the last progress line
    final Latencies latencies = new Latencies();
  }

  DemoRecorder(PrintStream out, Map<String, String> names) {
    this.out = out;
    this.names = names;
    this.startNanos = System.nanoTime();
    for (String name : names.values()) {
      backends.put(name, new PerBackend());
    }
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Endpoint endpoint = chain.request().tag(Endpoint.class); // the balancing interceptor's pick
    String address = endpoint != null ? endpoint.address() : chain.request().url().host() + ":" + chain.request().url().port();
    String name = names.getOrDefault(address, address);
    PerBackend b = backends.get(name);
    long start = System.nanoTime();
    attempts.incrementAndGet();
    String slow = slowBackend;
    if (slow != null) {
      attemptsWhileSlow.incrementAndGet();
      if (slow.equals(name)) {
        slowAttemptsWhileSlow.incrementAndGet();
      }
    }
    if (b != null) {
      b.attempts.incrementAndGet();
      b.recent.incrementAndGet();
      Long drained = drainedAt.get(name);
      if (drained != null && start - drained > 0) {
        b.afterDrain.incrementAndGet();
      }
    }
    try {
      Response response = chain.proceed(chain.request());
      if (b != null) {
        b.latencies.add(System.nanoTime() - start);
        if (response.code() >= 500) {
          b.failures.incrementAndGet();
        } else if (cameBackAt.containsKey(name) && start - cameBackAt.get(name) > 0) {
          b.servedAfterComeback.incrementAndGet();
        }
      }
      return response;
    } catch (IOException e) {
      if (b != null) {
        b.failures.incrementAndGet();
      }
      throw e;
    }
  }

  /** Marks that {@code backend} is up again (after the script revived it). */
  void cameBack(String backend) {
    cameBackAt.put(backend, System.nanoTime());
  }

  /** Marks that {@code backend} is slow (or no longer), to measure its share meanwhile. */
  void slow(String backend, boolean slow) {
    slowBackend = slow ? backend : null;
  }

  void event(String text) {
    out.printf("%n[%5.1fs] %s%n", elapsedSeconds(), text);
  }

  double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private String name(Endpoint endpoint) {
    return names.getOrDefault(endpoint.address(), endpoint.address());
  }

  @Override
  public void onEndpointEjected(String balancer, Endpoint endpoint, EndpointHealth reason) {
    backends.get(name(endpoint)).ejections.incrementAndGet();
    event(name(endpoint) + (reason == EndpointHealth.EJECTED ? " ejected by outlier detection" : " ejected: " + reason.label()));
  }

  @Override
  public void onEndpointRestored(String balancer, Endpoint endpoint) {
    backends.get(name(endpoint)).restorations.incrementAndGet();
    event(name(endpoint) + " restored");
  }

  @Override
  public void onHealthCheckFailed(String balancer, Endpoint endpoint) {
    backends.get(name(endpoint)).ejections.incrementAndGet();
    event(name(endpoint) + " failed its health checks");
  }

  @Override
  public void onHealthCheckPassed(String balancer, Endpoint endpoint) {
    backends.get(name(endpoint)).restorations.incrementAndGet();
    event(name(endpoint) + " passed its health checks");
  }

  /**
   * The balancer applied the removal: no attempt should reach the endpoint from here on, but for
   * those picked just before it and sent within {@link #DRAIN_GRACE_NANOS}.
   */
  @Override
  public void onEndpointRemoved(String balancer, Endpoint endpoint) {
    drainedAt.put(name(endpoint), System.nanoTime() + DRAIN_GRACE_NANOS);
    event(name(endpoint) + " removed from the endpoint source (draining)");
  }

  @Override
  public void onPanicEntered(String balancer, int available, int total) {
    event("panic: " + available + " of " + total + " available, picking among all");
  }

  @Override
  public void onPanicExited(String balancer, int available, int total) {
    event("panic over: " + available + " of " + total + " available");
  }

  /** The share of each backend in the attempts since the last call, as {@code b1 25% b2 24% ...}. */
  String recentShares() {
    int total = 0;
    int[] counts = new int[backends.size()];
    int i = 0;
    for (PerBackend b : backends.values()) {
      counts[i] = b.recent.getAndSet(0);
      total += counts[i++];
    }
    StringBuilder shares = new StringBuilder();
    i = 0;
    for (String name : backends.keySet()) {
      shares.append(String.format(" %s %3d%%", name, total == 0 ? 0 : Math.round(100.0 * counts[i++] / total)));
    }
    return shares.toString();
  }

  /** Latencies in nanoseconds, for percentiles at the end. Thread-safe. */
  static final class Latencies {
    private long[] values = new long[1024];
    private int size;

    synchronized void add(long nanos) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = nanos;
    }

    /** The {@code p}-th percentile in milliseconds, or 0 without samples. */
    synchronized double percentileMillis(double p) {
      if (size == 0) {
        return 0;
      }
      long[] sorted = Arrays.copyOf(values, size);
      Arrays.sort(sorted);
      int index = (int) Math.min(size - 1, Math.max(0, Math.ceil(p / 100 * size) - 1));
      return sorted[index] / 1e6;
    }

    synchronized double maxMillis() {
      long max = 0;
      for (int i = 0; i < size; i++) {
        max = Math.max(max, values[i]);
      }
      return max / 1e6;
    }
  }
}
