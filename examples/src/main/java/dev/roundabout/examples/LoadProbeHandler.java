package dev.roundabout.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The server side of {@code HttpLoadProbe}, for the JDK's {@code com.sun.net.httpserver}: counts
 * the requests in flight of the handlers it {@linkplain #wrap wraps}, keeps their recent latency,
 * and answers the probe with both ({@code 3 12.500}). The recent latency is an exponentially
 * weighted moving average of the wrapped handlers' answer times, in which each new answer weighs
 * 0.2 (so that the last five or so count most), and 0 when the last answer ended more than 5
 * seconds ago. The README shows it ({@code LoadProbeHandlerTest} keeps the two the same).
 *
 * <p>Thread-safe: the server's threads run the wrapped handlers and the probe concurrently.
 */
// load-probe-handler:begin
public final class LoadProbeHandler implements HttpHandler {
  private static final long RECENT_NANOS = 5_000_000_000L;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongSupplier clock;
  private double latencyMillis;  // the moving average, guarded by this
  private long lastAnswer;       // when the last answer ended (clock nanos), guarded by this
  private boolean answered;      // guarded by this

  public LoadProbeHandler() {
    this(System::nanoTime);
  }

  LoadProbeHandler(LongSupplier clock) {  // tests pass a clock they move
    this.clock = clock;
  }

  /** {@code service}, counted: its requests in flight and the time it takes to answer them. */
  public HttpHandler wrap(HttpHandler service) {
    return exchange -> {
      inFlight.incrementAndGet();
      long start = clock.getAsLong();
      try {
        service.handle(exchange);
      } finally {
        answered(start, clock.getAsLong());
        inFlight.decrementAndGet();  // after: none in flight, the latency counts them all
      }
    };
  }

  private synchronized void answered(long start, long end) {
    double millis = (end - start) / 1e6;
    boolean recent = answered && end - lastAnswer <= RECENT_NANOS;
    latencyMillis = recent ? latencyMillis + 0.2 * (millis - latencyMillis) : millis;
    lastAnswer = end;
    answered = true;
  }

  private synchronized double recentLatencyMillis(long now) {
    boolean recent = answered && now - lastAnswer <= RECENT_NANOS;
    return recent ? Math.min(latencyMillis, 3_600_000) : 0;
  }

  /** Answers a probe: {@code <requests in flight> <recent latency in milliseconds>}. */
  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String load = String.format(Locale.ROOT, "%d %.3f\n", inFlight.get(), recentLatencyMillis(clock.getAsLong()));
    byte[] body = load.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
// load-probe-handler:end
