package dev.roundabout.lb.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HealthFromMapTest {
  private static final HealthProbe PROBE = (endpoint, timeout) -> CompletableFuture.completedFuture(true);

  @Test
  void outlierDetector_emptyMap_givesTheDefaults() {
    assertThat(OutlierDetector.fromMap(Map.of())).hasToString(OutlierDetector.ofDefaults().toString());
  }

  @Test
  void outlierDetector_everyKey_isApplied() {
    OutlierDetector detector = OutlierDetector.fromMap(Map.of(
        "consecutiveFailures", " 3 ",
        "failureRate", "40% / 10 / 1m",
        "baseEjectionTime", "10s",
        "maxEjectionTime", "PT2M",
        "maxEjectionPercent", "20"));
    assertThat(detector).hasToString(OutlierDetector.builder()
        .consecutiveFailures(3)
        .failureRate(40, 10, Duration.ofMinutes(1))
        .baseEjectionTime(Duration.ofSeconds(10))
        .maxEjectionTime(Duration.ofMinutes(2))
        .maxEjectionPercent(20)
        .build()
        .toString());
    assertThat(detector.consecutiveFailures).isEqualTo(3);
    assertThat(detector.failureRateWindowNanos).isEqualTo(Duration.ofMinutes(1).toNanos());
  }

  @Test
  void outlierDetector_rulesTurnOff() {
    assertThat(OutlierDetector.fromMap(Map.of("withoutConsecutiveFailures", "true", "withoutFailureRate", "true")))
        .hasToString("OutlierDetector{consecutiveFailures=off, failureRate=off, baseEjectionTime=PT30S,"
            + " maxEjectionTime=PT5M, maxEjectionPercent=50}");
    assertThat(OutlierDetector.fromMap(Map.of("withoutConsecutiveFailures", "false", "consecutiveFailures", "4"))
            .consecutiveFailures)
        .isEqualTo(4);
  }

  @Test
  void outlierDetector_unknownKey_isRejected_listingTheKeys() {
    assertThatThrownBy(() -> OutlierDetector.fromMap(Map.of("consecutiveErrors", "5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("OutlierDetector key: \"consecutiveErrors\" (expected: consecutiveFailures,"
            + " withoutConsecutiveFailures, failureRate, withoutFailureRate, baseEjectionTime, maxEjectionTime,"
            + " maxEjectionPercent)");
  }

  @Test
  void outlierDetector_badValues_areRejected_withTheBuildersMessages() {
    assertThatThrownBy(() -> OutlierDetector.fromMap(Map.of("consecutiveFailures", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("consecutiveFailures: 0 (expected: 1 or more)");
    assertThatThrownBy(() -> OutlierDetector.fromMap(Map.of("consecutiveFailures", "five")))
        .hasMessage("consecutiveFailures: \"five\" (expected: a whole number)");
    assertThatThrownBy(() -> OutlierDetector.fromMap(Map.of("failureRate", "50/20/30s")))
        .hasMessage("failureRate: \"50/20/30s\" (expected: percent%/minimumCalls/window, such as 50%/20/30s)");
    assertThatThrownBy(() -> OutlierDetector.fromMap(Map.of("failureRate", "150%/20/30s")))
        .hasMessage("failureRatePercent: 150 (expected: 1-100)");
    assertThatThrownBy(() -> OutlierDetector.fromMap(Map.of("failureRate", "50%/0/30s")))
        .hasMessage("minimumCalls: 0 (expected: 1 or more)");
    assertThatThrownBy(() -> OutlierDetector.fromMap(Map.of("failureRate", "50%/20/30")))
        .hasMessage("window: \"30\" (expected: a duration such as 500ms, 30s, 5m or PT30S)");
    assertThatThrownBy(() -> OutlierDetector.fromMap(Map.of("baseEjectionTime", "0s")))
        .hasMessage("baseEjectionTime: PT0S (expected: a positive duration)");
    assertThatThrownBy(() -> OutlierDetector.fromMap(Map.of("maxEjectionPercent", "101")))
        .hasMessage("maxEjectionPercent: 101 (expected: 0-100)");
    assertThatThrownBy(() -> OutlierDetector.fromMap(Map.of("withoutFailureRate", "yes")))
        .hasMessage("withoutFailureRate: \"yes\" (expected: true or false)");
    assertThatThrownBy(() -> OutlierDetector.fromMap(Map.of("withoutFailureRate", "true", "failureRate", "50%/20/30s")))
        .hasMessage("withoutFailureRate: true (expected: not with failureRate)");
    assertThatThrownBy(() -> OutlierDetector.fromMap(Map.of("baseEjectionTime", "10m")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maxEjectionTime: PT5M (expected: at least baseEjectionTime PT10M)");
  }

  @Test
  void activeHealthChecker_everyKey_isApplied() {
    ActiveHealthChecker checker = ActiveHealthChecker.fromMap(PROBE, Map.of(
        "interval", "10s", "timeout", "500ms", "healthyThreshold", "3", "unhealthyThreshold", "4",
        "jitterPercent", "0", "initiallyHealthy", "false"));
    assertThat(checker.intervalNanos).isEqualTo(Duration.ofSeconds(10).toNanos());
    assertThat(checker.timeout).isEqualTo(Duration.ofMillis(500));
    assertThat(checker.healthyThreshold).isEqualTo(3);
    assertThat(checker.unhealthyThreshold).isEqualTo(4);
    assertThat(checker.jitterPercent).isZero();
    assertThat(checker.initiallyHealthy).isFalse();
    assertThat(checker.givenScheduler).isNull();

    ActiveHealthChecker defaults = ActiveHealthChecker.fromMap(PROBE, Map.of());
    assertThat(defaults.intervalNanos).isEqualTo(ActiveHealthChecker.DEFAULT_INTERVAL.toNanos());
    assertThat(defaults.initiallyHealthy).isTrue();
    assertThat(ActiveHealthChecker.fromMap(PROBE, Map.of("initiallyHealthy", "true")).initiallyHealthy).isTrue();
  }

  @Test
  void activeHealthChecker_unknownKey_isRejected_listingTheKeys() {
    assertThatThrownBy(() -> ActiveHealthChecker.fromMap(PROBE, Map.of("period", "5s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ActiveHealthChecker key: \"period\" (expected: interval, timeout, healthyThreshold,"
            + " unhealthyThreshold, jitterPercent, initiallyHealthy)");
  }

  @Test
  void activeHealthChecker_badValues_areRejected_withTheBuildersMessages() {
    assertThatThrownBy(() -> ActiveHealthChecker.fromMap(PROBE, Map.of("interval", "soon")))
        .hasMessage("interval: \"soon\" (expected: a duration such as 500ms, 30s, 5m or PT30S)");
    assertThatThrownBy(() -> ActiveHealthChecker.fromMap(PROBE, Map.of("timeout", "-1s")))
        .hasMessage("timeout: PT-1S (expected: a positive duration)");
    assertThatThrownBy(() -> ActiveHealthChecker.fromMap(PROBE, Map.of("healthyThreshold", "0")))
        .hasMessage("healthyThreshold: 0 (expected: 1 or more)");
    assertThatThrownBy(() -> ActiveHealthChecker.fromMap(PROBE, Map.of("unhealthyThreshold", "x")))
        .hasMessage("unhealthyThreshold: \"x\" (expected: a whole number)");
    assertThatThrownBy(() -> ActiveHealthChecker.fromMap(PROBE, Map.of("jitterPercent", "200")))
        .hasMessage("jitterPercent: 200 (expected: 0-100)");
    assertThatThrownBy(() -> ActiveHealthChecker.fromMap(PROBE, Map.of("initiallyHealthy", "no")))
        .hasMessage("initiallyHealthy: \"no\" (expected: true or false)");
    assertThatThrownBy(() -> ActiveHealthChecker.fromMap(PROBE, Map.of("interval", "1s", "timeout", "1s")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("timeout: PT1S (expected: less than interval PT1S)");
  }
}
