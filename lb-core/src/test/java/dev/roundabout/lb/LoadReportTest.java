package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadReportTest {
  @Test
  void figures_areKept_andUnsentOnesAreZero() {
    LoadReport report = LoadReport.builder().cpuUtilization(0.3).memUtilization(0.8).rps(10).eps(1)
        .namedMetric("queue", 2).build();
    assertThat(report.cpuUtilization()).isEqualTo(0.3);
    assertThat(report.memUtilization()).isEqualTo(0.8);
    assertThat(report.applicationUtilization()).isZero();
    assertThat(report.rps()).isEqualTo(10);
    assertThat(report.eps()).isEqualTo(1);
    assertThat(report.namedMetrics()).containsExactly(Map.entry("queue", 2.0));
    assertThat(report).hasToString("LoadReport{cpu=0.3, mem=0.8, application=0.0, rps=10.0, eps=1.0, named={queue=2.0}}");
    assertThat(LoadReport.of(0.3, 10, 1)).isEqualTo(LoadReport.builder().cpuUtilization(0.3).rps(10).eps(1).build())
        .hasSameHashCodeAs(LoadReport.builder().cpuUtilization(0.3).rps(10).eps(1).build());
  }

  @Test
  void utilisation_isTheApplicationsWhenSent_elseTheCpus() {
    assertThat(LoadReport.of(0.3, 10, 0).utilization()).isEqualTo(0.3);
    assertThat(LoadReport.builder().cpuUtilization(0.3).applicationUtilization(1.5).build().utilization()).isEqualTo(1.5);
    assertThat(LoadReport.builder().cpuUtilization(2.5).build().utilization()).as("past soft limits").isEqualTo(2.5);
  }

  @Test
  void badFigures_areRefusedNamingTheValue() {
    assertThatThrownBy(() -> LoadReport.of(-0.1, 10, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cpuUtilization: -0.1 (expected: a finite number, 0 or more)");
    assertThatThrownBy(() -> LoadReport.of(0.5, Double.NaN, 0)).hasMessage("rps: NaN (expected: a finite number, 0 or more)");
    assertThatThrownBy(() -> LoadReport.of(0.5, 1, Double.POSITIVE_INFINITY))
        .hasMessage("eps: Infinity (expected: a finite number, 0 or more)");
    assertThatThrownBy(() -> LoadReport.builder().applicationUtilization(-1))
        .hasMessage("applicationUtilization: -1.0 (expected: a finite number, 0 or more)");
    assertThatThrownBy(() -> LoadReport.builder().memUtilization(1.2)).hasMessage("memUtilization: 1.2 (expected: 0-1)");
    assertThatThrownBy(() -> LoadReport.builder().namedMetric("", 1)).hasMessage("name: \"\" (expected: a non-empty name)");
    assertThatThrownBy(() -> LoadReport.builder().namedMetric("queue", Double.NaN))
        .hasMessage("named metric queue: NaN (expected: a finite number)");
    assertThatThrownBy(() -> LoadReport.builder().namedMetric(null, 1))
        .isInstanceOf(NullPointerException.class).hasMessage("name");
  }
}
