package dev.roundabout.examples;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointSource;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.MutableEndpointSource;
import dev.roundabout.lb.health.ActiveHealthChecker;
import dev.roundabout.lb.health.HealthTrackers;
import dev.roundabout.lb.health.OutlierDetector;
import dev.roundabout.lb.micrometer.InterceptorMetrics;
import dev.roundabout.lb.micrometer.LoadBalancerMetrics;
import dev.roundabout.lb.okhttp.HttpHealthProbe;
import dev.roundabout.lb.okhttp.LoadBalancingInterceptor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The demo: four local backends, concurrent clients calling them through one OkHttp client with
 * the {@link LoadBalancingInterceptor}, passive and active health and retries, while a script
 * makes one backend slow, one fail and then die and come back, and drains the last. The goal is
 * not one failed request. The balancer's and the interceptor's meters go to a Prometheus registry,
 * and a few lines of its scrape end the run. Run it with {@code ./mvnw -q -pl examples -am compile exec:java}
 * (options through {@code -Dexec.args="--picker leastConnections --duration 30s"}).
 *
 * <p>Exit code 0 when no client request failed, 1 when some did, 2 for bad options.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the demo as {@code main} does and returns its exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.print(DemoOptions.USAGE);
      return 2;
    }
    try {
      if (!options.compare) {
        return runOnce(options, options.picker, out).failed == 0 ? 0 : 1;
      }
      List<DemoResult> results = new ArrayList<>();
      for (String picker : DemoOptions.COMPARED) {
        out.printf("%n=== %s ===%n", picker);
        results.add(runOnce(options, picker, out));
      }
      DemoResult.printComparison(results, out);
      DemoSimulation.print(DemoOptions.COMPARED, options.seed, out);
      return results.stream().allMatch(r -> r.failed == 0) ? 0 : 1;
    } catch (IOException e) {
      err.println("the demo could not start its backends: " + e);
      return 1;
    }
  }

  /** One run of the script under {@code picker}. */
  static DemoResult runOnce(DemoOptions options, String picker, PrintStream out) throws IOException {
    long d = options.duration.toNanos();
    List<DemoBackend> backends = new ArrayList<>();
    Map<String, String> names = new LinkedHashMap<>();
    for (int i = 1; i <= 4; i++) {
      DemoBackend backend = new DemoBackend("b" + i);
      backends.add(backend);
      names.put(backend.endpoint().address(), backend.name);
    }
    DemoRecorder recorder = new DemoRecorder(out, names);
    MutableEndpointSource source = EndpointSource.mutable(backends.stream().map(DemoBackend::endpoint).toList());
    OkHttpClient probes = new OkHttpClient();
    Duration interval = Duration.ofNanos(Math.max(250_000_000L, Math.min(1_000_000_000L, d / 20)));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LoadBalancer.Builder builder = LoadBalancer.builder("demo")
        .source(source)
        .picker(DemoOptions.factory(picker))
        .random(new Random(options.seed))
        .healthTracker(HealthTrackers.allOf(
            OutlierDetector.builder()
                .consecutiveFailures(3)
                .baseEjectionTime(Duration.ofNanos(Math.max(200_000_000L, d / 10)))
                .maxEjectionTime(Duration.ofNanos(Math.max(200_000_000L, d / 2)))
                .build(),
            ActiveHealthChecker.builder(HttpHealthProbe.create(probes))
                .interval(interval)
                .timeout(interval.multipliedBy(4).dividedBy(5))
                .build()))
        .slowStart(Duration.ofNanos(d / 10))
        .listener(recorder);
    // metrics:begin
    LoadBalancerMetrics metrics = LoadBalancerMetrics.create();
    LoadBalancer lb = builder.listener(metrics.listener()).callListener(metrics.callListener()).build();
    metrics.forBalancer(lb).bindTo(registry);

    InterceptorMetrics interceptorMetrics = InterceptorMetrics.create();   // needs lb-okhttp
    LoadBalancingInterceptor lbi = LoadBalancingInterceptor.builder().service("demo", lb).listener(interceptorMetrics).build();
    interceptorMetrics.bindTo(registry);
    // metrics:end
    OkHttpClient client = new OkHttpClient.Builder()
        .addInterceptor(lbi)
        .addInterceptor(recorder) // after the balancer: sees every attempt and its endpoint
        .connectTimeout(1, TimeUnit.SECONDS)
        .readTimeout(2, TimeUnit.SECONDS)
        .build();
    out.printf("Roundabout demo: 4 backends, %d clients, picker %s, %ds%n",
        options.clients, picker, options.duration.toSeconds());

    ScheduledExecutorService script = Executors.newScheduledThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "demo-script");
      thread.setDaemon(true);
      return thread;
    });
    DemoBackend slow = backends.get(1);
    DemoBackend failing = backends.get(2);
    DemoBackend drained = backends.get(3);
    at(script, d, 0.15, () -> {
      slow.mode(DemoBackend.Mode.SLOW);
      recorder.slow(slow.name, true);
      recorder.event(slow.name + " turns slow (x10 latency)");
    });
    at(script, d, 0.30, () -> {
      failing.mode(DemoBackend.Mode.FAILING);
      recorder.event(failing.name + " starts failing (503)");
    });
    at(script, d, 0.45, () -> {
      failing.kill();
      recorder.event(failing.name + " dies: connections refused");
    });
    at(script, d, 0.60, () -> {
      Endpoint endpoint = drained.endpoint();
      source.remove(endpoint); // no new call goes to it; calls in flight complete
      drained.shutDownGracefully(1);
      recorder.event(drained.name + " shut down: stopped accepting, finished its requests in flight, exited");
    });
    at(script, d, 0.70, () -> {
      try {
        failing.revive();
        recorder.cameBack(failing.name);
        recorder.event(failing.name + " is back");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    at(script, d, 0.85, () -> {
      slow.mode(DemoBackend.Mode.HEALTHY);
      recorder.slow(slow.name, false);
      recorder.event(slow.name + " is fast again");
    });

    long deadline = System.nanoTime() + d;
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < options.clients; c++) {
      Thread thread = new Thread(() -> callUntil(client, recorder, deadline), "demo-client-" + c);
      thread.setDaemon(true);
      clients.add(thread);
      thread.start();
    }
    boolean console = System.console() != null;
    long nextLine = System.nanoTime();
    while (System.nanoTime() < deadline) {
      nextLine += 1_000_000_000L;
      sleepUntil(Math.min(nextLine, deadline));
      String line = String.format("[%5.1fs] requests %6d  failed %d  retries %4d  share%s",
          recorder.elapsedSeconds(), recorder.requests.get(), recorder.failed.get(),
          recorder.attempts.get() - recorder.requests.get(), recorder.recentShares());
      out.print(console ? "\r" + line : line + "\n");
    }
    for (Thread thread : clients) {
      join(thread);
    }
    script.shutdown(); // a step under way (a drain waiting for its server) finishes first
    try {
      script.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    script.shutdownNow();
    DemoResult result = new DemoResult(picker, recorder);
    result.print(out);
    printScrape(registry.scrape(), names, out);
    registry.close();
    lb.close();
    for (OkHttpClient c : List.of(client, probes)) {
      c.dispatcher().executorService().shutdown();
      c.connectionPool().evictAll();
    }
    for (DemoBackend backend : backends) {
      if (backend != drained) {
        backend.kill();
      }
    }
    return result;
  }

  /**
   * A few lines of the Prometheus scrape: calls and their time per endpoint and outcome (those that
   * happened), ejections and failed health checks, and the interceptor's retries and refusals.
   */
  static void printScrape(String scrape, Map<String, String> names, PrintStream out) {
    out.println();
    out.print("From the Prometheus scrape (");
    names.forEach((address, name) -> out.print(name + " " + address + ", "));
    out.println("the series of a backend that left are gone with it):");
    for (String line : scrape.split("\n")) {
      boolean calls = line.startsWith("roundabout_lb_endpoint_calls_seconds_count{")
          || line.startsWith("roundabout_lb_endpoint_calls_seconds_sum{");
      if ((calls && !line.endsWith(" 0") && !line.endsWith(" 0.0"))
          || line.startsWith("roundabout_lb_ejections_total{")
          || line.startsWith("roundabout_lb_health_check_failures_total{")
          || line.startsWith("roundabout_okhttp_retries_total{")
          || line.startsWith("roundabout_okhttp_retries_refused_total{")) {
        out.println("  " + line);
      }
    }
  }

  private static void callUntil(OkHttpClient client, DemoRecorder recorder, long deadline) {
    Request request = new Request.Builder().url("http://demo/work").build();
    while (System.nanoTime() < deadline) {
      long start = System.nanoTime();
      try (Response response = client.newCall(request).execute()) {
        response.body().string();
        if (!response.isSuccessful()) {
          recorder.failed.incrementAndGet();
          recorder.event("request failed: HTTP " + response.code());
        }
      } catch (IOException | RuntimeException e) {
        recorder.failed.incrementAndGet();
        recorder.event("request failed: " + e);
      }
      recorder.requests.incrementAndGet(); // counted when done: attempts - requests is the retries so far
      recorder.clientLatencies.add(System.nanoTime() - start);
    }
  }

  private static void at(ScheduledExecutorService script, long durationNanos, double fraction, Runnable event) {
    script.schedule(() -> {
      try {
        event.run();
      } catch (RuntimeException e) {
        System.err.println("demo script step failed: " + e);
      }
    }, (long) (durationNanos * fraction), TimeUnit.NANOSECONDS);
  }

  /** Paces the progress line (this is the demo's clock, not a wait for an event). */
  private static void sleepUntil(long nanoTime) {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
