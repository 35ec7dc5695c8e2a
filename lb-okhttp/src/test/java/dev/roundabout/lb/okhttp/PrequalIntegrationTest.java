package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.LoadProbe;
import dev.roundabout.lb.Pickers;
import dev.roundabout.lb.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Pickers.prequal(HttpLoadProbe.create())} end to end: real servers answer the probes over
 * loopback, and the balancer picks by the hot-cold rule over their answers. The calls themselves
 * are leases opened and closed by the test; time is a fake ticker moved one probe tick per call.
 */
class PrequalIntegrationTest {
  /** PrequalPicker's tick: probes go out at most this often, for the calls that ended since. */
  private static final Duration TICK = Duration.ofMillis(10);

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Ticker ticker = nanos::get;
  private final List<Backend> backends = new ArrayList<>();
  private final HttpLoadProbe http = HttpLoadProbe.create();
  private final AtomicLong probesSent = new AtomicLong();
  private final AtomicLong probesDone = new AtomicLong();
  /** The HTTP probe, counting the probes sent and the probes done, so that calls can wait for answers. */
  private final LoadProbe probe = (endpoint, timeout) -> {
    probesSent.incrementAndGet();
    return http.probe(endpoint, timeout).whenComplete((load, error) -> probesDone.incrementAndGet());
  };
  private LoadBalancer lb;

  @AfterEach
  void stop() {
    NoLeaks.checkAndStop(lb == null ? List.of() : List.of(lb), List.of(), backends);
    http.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> HttpLoadProbeIntegrationTest.probeThreads().isEmpty());
  }

  /** A server whose {@code /load} answers {@code load}, and every other path 200. */
  private Backend server(String name, String load) throws IOException {
    Backend backend = new Backend(name);
    answerLoad(backend, load);
    backends.add(backend);
    return backend;
  }

  private static void answerLoad(Backend backend, String load) {
    backend.answer(r -> "/load".equals(r.getTarget())
        ? new MockResponse.Builder().body(load + "\n").build()
        : Backend.OK);
  }

  /**
   * One call, once every probe sent has been answered: a tick later, a lease opened, succeeded and
   * closed; the endpoint it went to.
   */
  private Endpoint call() {
    await().atMost(Duration.ofSeconds(10)).until(() -> probesDone.get() == probesSent.get());
    nanos.addAndGet(TICK.toNanos());
    try (Lease lease = lb.acquire()) {
      lease.success();
      return lease.endpoint();
    }
  }

  @Test
  void picksGoToTheColdServerOfLowestLatency_notToTheFasterOneThatIsHot() throws Exception {
    Backend cold = server("cold", "0 5");
    Backend slow = server("slow", "0 80");
    Backend hot = server("hot", "40 1"); // the fastest, with 40 requests in flight
    lb = LoadBalancer.builder("orders")
        .endpoints(List.of(slow.endpoint(), hot.endpoint(), cold.endpoint()))
        // Each answer decides up to 16 picks, so that the pool keeps all three servers between the
        // probes, which go to a random server each.
        .picker(Pickers.prequal(probe).probeReuse(16))
        .executor(Runnable::run)
        .ticker(ticker)
        .build();

    // Calls at the pace of the fake ticker (at most one tick per real 10 ms, so that the pool's
    // ages and the probe timeout, on the fake ticker, never run ahead of the real answers), until
    // every server has answered probes and the picks have settled.
    List<Endpoint> picks = new ArrayList<>();
    await().atMost(Duration.ofSeconds(20)).pollInterval(TICK).until(() -> {
      picks.add(call());
      return backends.stream().allMatch(b -> b.requests.get() >= 2) && lastPicksAre(picks, cold.endpoint(), 5);
    });

    // An answer decides at most 16 picks; the server it names is probed again about one call in
    // three, so its entry is rarely spent before then, and when it is the next best takes over.
    List<Endpoint> settled = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      settled.add(call());
    }
    assertThat(settled).as("never the hot server").doesNotContain(hot.endpoint());
    assertThat(settled).filteredOn(cold.endpoint()::equals).as("%s", settled).hasSizeGreaterThanOrEqualTo(25);
    for (Backend b : backends) {
      RecordedRequest request = b.server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(request.getTarget()).as("%s", b).isEqualTo("/load");
      assertThat(request.getMethod()).isEqualTo("GET");
    }

    // The hot server cools down: being the fastest, it takes the calls.
    answerLoad(hot, "0 1");
    await().atMost(Duration.ofSeconds(20)).pollInterval(TICK).until(() -> {
      picks.add(call());
      return lastPicksAre(picks, hot.endpoint(), 5);
    });
    List<Endpoint> cooled = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      cooled.add(call());
    }
    assertThat(cooled).as("never the slow server").doesNotContain(slow.endpoint());
    assertThat(cooled).filteredOn(hot.endpoint()::equals).as("%s", cooled).hasSizeGreaterThanOrEqualTo(25);
  }

  private static boolean lastPicksAre(List<Endpoint> picks, Endpoint endpoint, int count) {
    return picks.size() >= count
        && picks.subList(picks.size() - count, picks.size()).stream().allMatch(endpoint::equals);
  }
}
