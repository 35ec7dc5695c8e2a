package dev.roundabout.lb.okhttp;

import static java.util.Objects.requireNonNull;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadProbe;
import dev.roundabout.lb.ProbedLoad;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The HTTP load probe for {@code Pickers.prequal(LoadProbe)}: a GET of a path (default
 * {@code /load}) on the endpoint, answered with the server's requests in flight and recent
 * latency. The call must end within the probe's {@code timeout}; the response is always closed.
 * Uses its own client, which must not carry the {@link LoadBalancingInterceptor} (the probe goes
 * to one endpoint, not to the service); the default is a plain client, and
 * {@link #create(OkHttpClient)} takes yours (its connection pool and TLS settings, say).
 *
 * <pre>{@code
 * LoadBalancer.builder("orders").endpoints(endpoints).picker(Pickers.prequal(HttpLoadProbe.create())).build();
 * }</pre>
 *
 * <p>What the server answers: status 200 (any 2xx is read) and a body of any content type, in
 * UTF-8, of at most 256 bytes: two numbers separated by spaces or tabs, then optionally a line end
 * ({@code \n} or {@code \r\n}), and nothing else:
 *
 * <pre>
 * &lt;requests in flight&gt; &lt;recent latency in milliseconds&gt;
 * </pre>
 *
 * <p>such as {@code 3 12.5\n}.
 *
 * <ul>
 *   <li>Requests in flight: a whole number, 0 to 2147483647 (2<sup>31</sup>-1), in digits: the
 *       requests the server has started and not yet answered, from every client, not counting the
 *       probe itself.
 *   <li>Recent latency: a decimal number of milliseconds, 0 to 3600000, in digits with an
 *       optional fraction ({@code 12}, {@code 12.5}): the server's recent typical time to answer,
 *       for instance the median over the last few seconds; 0 when it has answered nothing
 *       recently. Read to the nanosecond.
 * </ul>
 *
 * <p>Anything else (another status, a missing or a third number, a sign, {@code NaN} or
 * {@code Infinity}, an exponent, a number out of range, a body longer than 256 bytes) fails the
 * probe with a message that names the body and what was expected, such as
 * {@code latency: "1e3" in body "3 1e3" (expected: milliseconds, a decimal number 0-3600000)}.
 * Such a problem is logged at WARN the first time for its kind (the status, the shape of the
 * body, each number, the length), and at DEBUG afterwards, once per probe: each probe that
 * {@link #path}, {@link #https} or {@link #host} return counts afresh. I/O errors and timeouts are
 * not logged here.
 *
 * <p>With {@link #host(String)}, a probe names the service's logical host, exactly as balanced
 * calls do: it connects to the endpoint, and sends the logical host as the {@code Host} header and,
 * over {@linkplain #https() HTTPS}, as SNI and as the name the certificate must match. Without it,
 * the request names the endpoint's address, so over HTTPS the certificate must name that address.
 *
 * <p>Asynchronous (OkHttp's {@code enqueue}): the stage completes with the {@link ProbedLoad}
 * read, or exceptionally with an {@link IOException}: OkHttp's own on an I/O error or a timeout,
 * a {@link ProtocolException} with the message above on an answer that cannot be read.
 * Cancelling the stage cancels the call. Immutable and thread-safe. The client that
 * {@link #create()} makes runs its calls on daemon threads named {@code roundabout-load-probe}
 * that end within a second once probes stop, so a probe never keeps a JVM from exiting;
 * {@link #close()} ends them at once.
 */
public final class HttpLoadProbe implements LoadProbe, AutoCloseable {
  /** The default path: {@code /load}. */
  public static final String DEFAULT_PATH = "/load";
  /** The longest body read, in bytes: {@value}. */
  public static final int MAX_BODY_BYTES = 256;

  private static final Logger logger = LoggerFactory.getLogger(HttpLoadProbe.class);
  private static final BigDecimal MAX_LATENCY_MILLIS = BigDecimal.valueOf(3_600_000);
  private static final String SHAPE =
      "two numbers separated by spaces, <requests in flight> <latency in milliseconds>, such as \"3 12.5\"";

  private final ProbeTarget target;
  private final ProblemKinds logged = new ProblemKinds();
  private final BiConsumer<Level, String> log;

  private HttpLoadProbe(ProbeTarget target, BiConsumer<Level, String> log) {
    this.target = target;
    this.log = log;
  }

  /** A probe of {@code http://<endpoint>/load} with a client of its own. */
  public static HttpLoadProbe create() {
    return new HttpLoadProbe(ProbeTarget.ownClient("roundabout-load-probe", DEFAULT_PATH), HttpLoadProbe::toLogger);
  }

  /**
   * A probe of {@code http://<endpoint>/load} with {@code client}, which stays yours to close.
   *
   * @throws IllegalArgumentException if {@code client} has a {@link LoadBalancingInterceptor}
   */
  public static HttpLoadProbe create(OkHttpClient client) {
    return new HttpLoadProbe(ProbeTarget.givenClient(client, DEFAULT_PATH), HttpLoadProbe::toLogger);
  }

  /**
   * The probe naming the logical host {@code host} (as in the service's URLs, such as
   * {@code "orders"}) while it connects to each endpoint: see the class description.
   *
   * @throws IllegalArgumentException if {@code host} is not a host name
   */
  public HttpLoadProbe host(String host) {
    return new HttpLoadProbe(target.host(host), log);
  }

  /**
   * The probe with another path, such as {@code "/internal/load"}.
   *
   * @throws IllegalArgumentException if {@code path} does not start with {@code /}
   */
  public HttpLoadProbe path(String path) {
    return new HttpLoadProbe(target.path(path), log);
  }

  /** The probe over HTTPS (the client's TLS settings apply). */
  public HttpLoadProbe https() {
    return new HttpLoadProbe(target.https(), log);
  }

  /** This probe, with its logged problems handed to {@code log} instead of the logger (tests). */
  HttpLoadProbe logTo(BiConsumer<Level, String> log) {
    return new HttpLoadProbe(target, log);
  }

  /**
   * Starts a GET of this probe's path on {@code endpoint} that must end within {@code timeout}.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  @Override
  public CompletionStage<ProbedLoad> probe(Endpoint endpoint, Duration timeout) {
    requireNonNull(endpoint, "endpoint");
    requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: more than 0)");
    }
    Call call = target.newCall(endpoint, timeout);
    CompletableFuture<ProbedLoad> result = ProbeTarget.cancelling(call);
    call.enqueue(
        new Callback() {
          @Override
          public void onResponse(Call c, Response response) {
            ProbedLoad load;
            try (response) {
              load = read(response);
            } catch (IllegalArgumentException e) {
              result.completeExceptionally(refused(endpoint, String.valueOf(e.getMessage())));
              return;
            } catch (IOException e) {
              result.completeExceptionally(e);
              return;
            }
            result.complete(load); // after the close: the connection is back in the pool first
          }

          @Override
          public void onFailure(Call c, IOException e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  /** The load {@code response} reports; an {@link IllegalArgumentException} with the reason if it cannot be read. */
  private static ProbedLoad read(Response response) throws IOException {
    if (!response.isSuccessful()) {
      throw new IllegalArgumentException("status: " + response.code() + " (expected: 2xx, with the load in the body)");
    }
    return parse(text(response.body().source()));
  }

  /** Logs {@code reason} (WARN the first time for its kind) and returns the failure of the probe. */
  private ProtocolException refused(Endpoint endpoint, String reason) {
    String what = "HTTP load probe of " + endpoint.address() + " (" + target + "): " + reason;
    if (logged.first(reason)) {
      log.accept(Level.WARN, what + "; this kind of problem is logged at DEBUG from now on");
    } else {
      log.accept(Level.DEBUG, what);
    }
    return new ProtocolException(reason);
  }

  private static void toLogger(Level level, String line) {
    if (level == Level.WARN) {
      logger.warn("{}", line);
    } else {
      logger.debug("{}", line);
    }
  }

  /**
   * The body in {@code source}, as UTF-8, read up to {@link #MAX_BODY_BYTES}.
   *
   * @throws IllegalArgumentException if the body is longer
   */
  static String text(BufferedSource source) throws IOException {
    if (source.request(MAX_BODY_BYTES + 1L)) {
      String start = source.getBuffer().readUtf8(32);
      throw new IllegalArgumentException("body: " + quote(start) + "... (expected: at most " + MAX_BODY_BYTES + " bytes)");
    }
    return source.getBuffer().readUtf8();
  }

  /**
   * Reads a body of the probe format: {@code <requests in flight> <latency in milliseconds>}, see
   * the class description.
   *
   * @throws IllegalArgumentException if {@code body} is not of the format, with the reason:
   *     {@code requests in flight: "-3" in body "-3 12.5" (expected: a whole number 0-2147483647)}
   */
  static ProbedLoad parse(String body) {
    int end = body.endsWith("\r\n") ? body.length() - 2 : body.endsWith("\n") ? body.length() - 1 : body.length();
    int gap = 0;
    while (gap < end && !blank(body.charAt(gap))) {
      gap++;
    }
    int second = gap;
    while (second < end && blank(body.charAt(second))) {
      second++;
    }
    int after = second;
    while (after < end && !blank(body.charAt(after))) {
      after++;
    }
    if (gap == 0 || second == end || after != end) {
      throw new IllegalArgumentException("body: " + quote(body) + " (expected: " + SHAPE + ")");
    }
    String inFlight = body.substring(0, gap);
    String latency = body.substring(second, end);
    return ProbedLoad.ofNanos(requestsInFlight(inFlight, body), latencyNanos(latency, body));
  }

  private static int requestsInFlight(String text, String body) {
    int digits = digits(text, 0);
    int firstNonZero = 0;
    while (firstNonZero < text.length() - 1 && text.charAt(firstNonZero) == '0') {
      firstNonZero++;
    }
    if (digits == 0 || digits != text.length() || text.length() - firstNonZero > 10
        || Long.parseLong(text.substring(firstNonZero)) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("requests in flight: " + quote(text) + " in body " + quote(body)
          + " (expected: a whole number 0-" + Integer.MAX_VALUE + ")");
    }
    return Integer.parseInt(text.substring(firstNonZero));
  }

  private static long latencyNanos(String text, String body) {
    int whole = digits(text, 0);
    int end = whole;
    if (whole > 0 && end < text.length() && text.charAt(end) == '.') {
      int fraction = digits(text, end + 1);
      end = fraction == 0 ? -1 : end + 1 + fraction;
    }
    BigDecimal millis = whole == 0 || end != text.length() ? null : new BigDecimal(text);
    if (millis == null || millis.compareTo(MAX_LATENCY_MILLIS) > 0) {
      throw new IllegalArgumentException("latency: " + quote(text) + " in body " + quote(body)
          + " (expected: milliseconds, a decimal number 0-3600000)");
    }
    return millis.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  /** The number of ASCII digits in {@code text} from {@code from}. */
  private static int digits(String text, int from) {
    int i = from;
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
    }
    return i - from;
  }

  private static boolean blank(char c) {
    return c == ' ' || c == '\t';
  }

  /** {@code text} in double quotes, with control characters, quotes and backslashes escaped. */
  static String quote(String text) {
    StringBuilder b = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /**
   * Ends the threads and connections of the client that {@link #create()} made (shared with the
   * probes made from this one by {@link #path}, {@link #https} and {@link #host}); a client given to
   * {@link #create(OkHttpClient)} stays open. Probes after this fail. Idempotent.
   */
  @Override
  public void close() {
    target.close();
  }

  @Override
  public String toString() {
    return "HttpLoadProbe{" + target + '}';
  }
}
