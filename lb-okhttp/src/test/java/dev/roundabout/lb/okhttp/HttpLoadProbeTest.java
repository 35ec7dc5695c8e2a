package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.ProbedLoad;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** The probe format, read without a server: {@link HttpLoadProbe#parse} and {@link HttpLoadProbe#text}. */
class HttpLoadProbeTest {
  private static final String SHAPE =
      "(expected: two numbers separated by spaces, <requests in flight> <latency in milliseconds>, such as \"3 12.5\")";
  private static final String IN_FLIGHT = "(expected: a whole number 0-2147483647)";
  private static final String LATENCY = "(expected: milliseconds, a decimal number 0-3600000)";

  @Test
  void wellFormedBodies_areRead() {
    assertThat(HttpLoadProbe.parse("3 12.5\n")).isEqualTo(ProbedLoad.of(3, Duration.ofNanos(12_500_000)));
    assertThat(HttpLoadProbe.parse("3 12.5")).isEqualTo(ProbedLoad.of(3, Duration.ofNanos(12_500_000)));
    assertThat(HttpLoadProbe.parse("3\t \t12.5\r\n")).isEqualTo(ProbedLoad.of(3, Duration.ofNanos(12_500_000)));
    assertThat(HttpLoadProbe.parse("0 0")).isEqualTo(ProbedLoad.of(0, Duration.ZERO));
    assertThat(HttpLoadProbe.parse("0 0.0\n")).isEqualTo(ProbedLoad.of(0, Duration.ZERO));
    assertThat(HttpLoadProbe.parse("2147483647 3600000")).isEqualTo(ProbedLoad.of(Integer.MAX_VALUE, Duration.ofHours(1)));
    assertThat(HttpLoadProbe.parse("0002147483647 3600000.000000000"))
        .isEqualTo(ProbedLoad.of(Integer.MAX_VALUE, Duration.ofHours(1)));
    assertThat(HttpLoadProbe.parse("007 0012.500")).isEqualTo(ProbedLoad.of(7, Duration.ofNanos(12_500_000)));
  }

  @Test
  void latency_isReadToTheNanosecond_roundingHalfUp() {
    assertThat(HttpLoadProbe.parse("1 1.000001").latencyNanos()).isEqualTo(1_000_001);
    assertThat(HttpLoadProbe.parse("1 1.0000005").latencyNanos()).isEqualTo(1_000_001);
    assertThat(HttpLoadProbe.parse("1 1.0000004999").latencyNanos()).isEqualTo(1_000_000);
    assertThat(HttpLoadProbe.parse("1 0.0000004").latencyNanos()).isZero();
    assertThat(HttpLoadProbe.parse("1 3599999.9999995").latencyNanos()).isEqualTo(3_600_000_000_000L);
  }

  @Test
  void theShape_isTwoNumbersAndAnOptionalLineEnd() {
    for (String body : List.of("", "\n", " ", "3", "3\n", "3 ", "3 \n", " 3 12.5", "3 12.5 ", "3 12.5 7", "3 12.5 7\n",
        "3\n12.5", "3,12.5", "3;12.5")) {
      assertRefused(body, "body: " + HttpLoadProbe.quote(body) + " " + SHAPE);
    }
    assertRefused("3 12.5 7\n", "body: \"3 12.5 7\\n\" " + SHAPE); // the body, as it came
  }

  @Test
  void requestsInFlight_isAWholeNumberInRange_inDigitsOnly() {
    for (String number : List.of("-3", "+3", "-0", "3.0", "3.", "1e2", "0x10", "NaN", "Infinity", "2147483648",
        "99999999999999999999", "00000000002147483648", "\u0663", "three")) {
      String body = number + " 12.5";
      assertRefused(body, "requests in flight: " + HttpLoadProbe.quote(number) + " in body " + HttpLoadProbe.quote(body)
          + " " + IN_FLIGHT);
    }
  }

  @Test
  void latency_isADecimalNumberOfMillisecondsInRange_withoutSignOrExponent() {
    for (String number : List.of("-1", "+1", "-0", "1e3", "1E3", "1.5e2", "NaN", "Infinity", "-Infinity", "0x10",
        "12.", ".5", "1..5", "1.5.0", "3600000.0000001", "3600001", "99999999999999999999999", "\u0661\u0662",
        "12ms", "12.5\r")) {
      String body = "3 " + number;
      assertRefused(body, "latency: " + HttpLoadProbe.quote(number) + " in body " + HttpLoadProbe.quote(body)
          + " " + LATENCY);
    }
    assertRefused("3 12.5\n\n", "latency: \"12.5\\n\" in body \"3 12.5\\n\\n\" " + LATENCY);
  }

  /** Whatever is read back is exactly what was written, in every accepted spelling. */
  @Test
  void anyLoadInRange_writtenInAnyAcceptedSpelling_readsBackTheSame() {
    long seed = 0x5EED_10ADL;
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 20_000; round++) {
      int inFlight = random.nextInt(4) == 0 ? random.nextInt(0, Integer.MAX_VALUE) + 1 : random.nextInt(100);
      long nanos = random.nextInt(4) == 0 ? random.nextLong(0, 3_600_000_000_000L + 1) : random.nextLong(0, 1_000_000_000L);
      String millis = new BigDecimal(BigInteger.valueOf(nanos), 6).toPlainString();
      if (random.nextBoolean()) {
        millis = new BigDecimal(millis).stripTrailingZeros().toPlainString(); // 12.5, 12, 0
      }
      String body = "0".repeat(random.nextInt(3)) + inFlight + separator(random) + millis + "0".repeat(
          millis.contains(".") ? random.nextInt(3) : 0) + List.of("", "\n", "\r\n").get(random.nextInt(3));
      assertThat(HttpLoadProbe.parse(body)).as("body %s, seed %s", HttpLoadProbe.quote(body), seed)
          .isEqualTo(ProbedLoad.ofNanos(inFlight, nanos));
    }
  }

  /**
   * Against a second reading of the format (a regular expression and exact arithmetic): random
   * bodies of the characters that matter are accepted exactly when they should be, with the
   * figures they should have, and otherwise refused with a message in the house style.
   */
  @Test
  void randomBodies_areReadAsTheFormatSays_orRefusedWithAReason() {
    Pattern format = Pattern.compile("([0-9]+)[ \t]+([0-9]+(?:\\.[0-9]+)?)(?:\r?\n)?");
    Pattern reason = Pattern.compile("(body|requests in flight|latency): \".*\" (in body \".*\" )?\\(expected: .+\\)",
        Pattern.DOTALL);
    String alphabet = "0123456789000999 \t.-+eE\r\nNa,x";
    long seed = 0xB0D1_E5L;
    SplittableRandom random = new SplittableRandom(seed);
    int accepted = 0;
    for (int round = 0; round < 50_000; round++) {
      StringBuilder b = new StringBuilder();
      for (int i = random.nextInt(16); i > 0; i--) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String body = round % 3 == 0 ? random.nextInt(1000) + " " + b : b.toString();
      Matcher m = format.matcher(body);
      ProbedLoad expected = null;
      if (m.matches() && new BigInteger(m.group(1)).compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) <= 0
          && new BigDecimal(m.group(2)).compareTo(BigDecimal.valueOf(3_600_000)) <= 0) {
        expected = ProbedLoad.ofNanos(new BigInteger(m.group(1)).intValueExact(),
            new BigDecimal(m.group(2)).movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact());
      }
      String as = "body " + HttpLoadProbe.quote(body) + ", seed " + seed;
      if (expected != null) {
        accepted++;
        assertThat(HttpLoadProbe.parse(body)).as(as).isEqualTo(expected);
      } else {
        assertThatThrownBy(() -> HttpLoadProbe.parse(body)).as(as)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageMatching(reason.pattern());
      }
    }
    assertThat(accepted).as("bodies accepted, seed %s", seed).isGreaterThan(1000);
  }

  @Test
  void theBody_isReadUpTo256Bytes_andRefusedWhenLonger() throws IOException {
    String longest = "3 " + "1".repeat(7) + "." + "0".repeat(245) + "\n";
    assertThat(longest).hasSize(256);
    assertThat(HttpLoadProbe.text(new Buffer().writeUtf8(longest))).isEqualTo(longest);
    assertThat(HttpLoadProbe.parse(longest)).isEqualTo(ProbedLoad.of(3, Duration.ofNanos(1_111_111_000_000L)));

    assertThatThrownBy(() -> HttpLoadProbe.text(new Buffer().writeUtf8(longest + " ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("body: \"3 1111111." + "0".repeat(22) + "\"... (expected: at most 256 bytes)");
    assertThatThrownBy(() -> HttpLoadProbe.text(new Buffer().writeUtf8("\n".repeat(10_000))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("body: \"" + "\\n".repeat(32) + "\"... (expected: at most 256 bytes)");
    assertThat(HttpLoadProbe.text(new Buffer().writeUtf8("0 5\u00e9"))).as("UTF-8").isEqualTo("0 5\u00e9");
  }

  @Test
  void quote_escapesWhatWouldBreakALogLine() {
    assertThat(HttpLoadProbe.quote("a\"b\\c\n\r\t\u0000\u007f\u00e9")).isEqualTo("\"a\\\"b\\\\c\\n\\r\\t\\u0000\\u007f\u00e9\"");
  }

  @Test
  void badInput() {
    HttpLoadProbe probe = HttpLoadProbe.create(new OkHttpClient());
    assertThatThrownBy(() -> probe.probe(Endpoint.of("127.0.0.1", 1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout: PT0S (expected: more than 0)");
    assertThatThrownBy(() -> probe.probe(Endpoint.of("127.0.0.1", 1), Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout: PT-0.001S (expected: more than 0)");
    assertThatThrownBy(() -> probe.host("orders:8080"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host: \"orders:8080\" (expected: a host name, without scheme or port)");
    assertThatThrownBy(() -> probe.path("load"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path: \"load\" (expected: a path starting with /)");
    OkHttpClient balanced = new OkHttpClient.Builder()
        .addInterceptor(LoadBalancingInterceptor.builder()
            .service("x", LoadBalancer.builder("x").endpoints(List.of()).build()).build())
        .build();
    assertThatThrownBy(() -> HttpLoadProbe.create(balanced))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("(expected: a client without the LoadBalancingInterceptor)");
  }

  @Test
  void toString_namesSchemeHostAndPath() {
    HttpLoadProbe probe = HttpLoadProbe.create(new OkHttpClient());
    assertThat(probe).hasToString("HttpLoadProbe{http /load}");
    assertThat(probe.https().host("orders").path("/internal/load")).hasToString("HttpLoadProbe{https://orders /internal/load}");
  }

  private static String separator(SplittableRandom random) {
    StringBuilder b = new StringBuilder();
    for (int i = random.nextInt(1, 4); i > 0; i--) {
      b.append(random.nextBoolean() ? ' ' : '\t');
    }
    return b.toString();
  }

  private static void assertRefused(String body, String message) {
    assertThatThrownBy(() -> HttpLoadProbe.parse(body)).as("body %s", HttpLoadProbe.quote(body))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
