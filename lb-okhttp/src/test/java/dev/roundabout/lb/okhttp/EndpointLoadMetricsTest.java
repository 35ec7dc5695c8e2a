package dev.roundabout.lb.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.LoadReport;
import org.junit.jupiter.api.Test;

class EndpointLoadMetricsTest {
  private static final LoadReport FULL = LoadReport.builder().cpuUtilization(0.3).memUtilization(0.8)
      .applicationUtilization(0.4).rps(10).eps(1).namedMetric("foo", 2).namedMetric("queue", 0.5).build();

  @Test
  void textForm_readsOrcasKeys() {
    assertThat(EndpointLoadMetrics.parse("TEXT cpu_utilization=0.3, mem_utilization=0.8, application_utilization=0.4,"
        + " rps_fractional=10, eps=1, named_metrics.foo=2, named_metrics.queue=.5")).isEqualTo(FULL);
    assertThat(EndpointLoadMetrics.parse("  TEXT cpu_utilization=1.5,rps_fractional=1e2  "))
        .isEqualTo(LoadReport.of(1.5, 100, 0));
  }

  @Test
  void jsonForm_readsSnakeAndCamelCaseNames_andTheNamedMetricsObject() {
    assertThat(EndpointLoadMetrics.parse("JSON {\"cpu_utilization\": 0.3, \"mem_utilization\": 0.8,"
        + " \"application_utilization\": 0.4, \"rps_fractional\": 10, \"eps\": 1,"
        + " \"named_metrics\": {\"foo\": 2, \"queue\": 0.5}}")).isEqualTo(FULL);
    assertThat(EndpointLoadMetrics.parse("JSON {\"cpuUtilization\":0.3,\"memUtilization\":0.8,"
        + "\"applicationUtilization\":0.4,\"rpsFractional\":10,\"eps\":1,\"namedMetrics\":{\"foo\":2,\"queue\":0.5}}"))
        .isEqualTo(FULL);
    assertThat(EndpointLoadMetrics.parse("JSON {}")).isEqualTo(LoadReport.builder().build());
  }

  @Test
  void orcasOtherMaps_areReadAndNotUsed() {
    assertThat(EndpointLoadMetrics.parse("TEXT cpu_utilization=0.5, rps_fractional=10, request_cost.db=3,"
        + " utilization.disk=0.2")).isEqualTo(LoadReport.of(0.5, 10, 0));
    assertThat(EndpointLoadMetrics.parse("JSON {\"cpu_utilization\": 0.5, \"rps_fractional\": 10,"
        + " \"request_cost\": {\"db\": 3}, \"utilization\": {\"disk\": 0.2}}")).isEqualTo(LoadReport.of(0.5, 10, 0));
  }

  @Test
  void malformedText_isRefusedWithTheReason() {
    assertRefused("TEXT cpu_utilization=high", "cpu_utilization: \"high\" (expected: a decimal number)");
    assertRefused("TEXT cpu_utilization=NaN", "cpu_utilization: \"NaN\" (expected: a decimal number)");
    assertRefused("TEXT cpu_utilization=0.5f", "cpu_utilization: \"0.5f\" (expected: a decimal number)");
    assertRefused("TEXT cpu_utilization=1e999", "cpu_utilization: \"1e999\" (expected: a finite number)");
    assertRefused("TEXT cpu_utilization=-0.1", "cpu_utilization: -0.1 (expected: 0 or more)");
    assertRefused("TEXT mem_utilization=1.5", "mem_utilization: 1.5 (expected: 0-1)");
    assertRefused("TEXT rps_fractional=-3", "rps_fractional: -3.0 (expected: 0 or more)");
    assertRefused("TEXT cpu_utilization=0.5, cpu_utilization=0.6", "cpu_utilization: repeated (expected: each key once)");
    assertRefused("TEXT cpu_utilization=0.5,", "entry: \"\" (expected: key=value)");
    assertRefused("TEXT cpu_utilization", "entry: \"cpu_utilization\" (expected: key=value)");
    assertRefused("TEXT qps=3", "qps: unknown (expected: cpu_utilization, mem_utilization, application_utilization,"
        + " rps_fractional, eps, named_metrics.<name>)");
    assertRefused("TEXT named_metrics.=3", "named_metrics.: no name (expected: named_metrics.<name>)");
    assertRefused("TEXT named_metrics=3", "named_metrics: 3.0 (expected: named_metrics.<name>=value)");
    assertRefused("cpu_utilization=0.5", "endpoint-load-metrics: \"cpu_utilization=...\" (expected: TEXT key=value, ..."
        + " or JSON {...})");
    assertRefused("BIN CgQIARAB", "endpoint-load-metrics: BIN (expected: TEXT key=value, ... or JSON {...};"
        + " the binary form is not read)");
  }

  @Test
  void malformedJson_isRefusedWithThePosition() {
    assertRefused("JSON {\"cpu_utilization\": \"0.5\"}", "JSON at 20: '\"' (expected: a number)");
    assertRefused("JSON {\"cpu_utilization\": 0.5", "JSON at 23: the end (expected: ',' or '}')");
    assertRefused("JSON {\"cpu_utilization\": 0.5} x", "JSON at 25: 'x' (expected: the end of the object)");
    assertRefused("JSON [1]", "JSON at 0: '[' (expected: '{')");
    assertRefused("JSON {\"cpu_utilization\": true}", "JSON at 20: 't' (expected: a number)");
    assertRefused("JSON {\"named_metrics\": {\"a\": {}}}", "JSON at 24: '{' (expected: a number for named_metrics.a)");
    assertRefused("JSON {\"cpu_utilization\": 1.2.3}", "cpu_utilization: \"1.2.3\" (expected: a decimal number)");
    assertRefused("JSON {\"eps\": -1}", "eps: -1.0 (expected: 0 or more)");
    assertRefused("JSON {\"c\\u0070u_utilization\": 1}", "JSON at 3: an escape (expected: a plain key)");
  }

  @Test
  void readerKinds_dropTheValue() {
    assertThat(ProblemKinds.kind("cpu_utilization: \"high\" (expected: a decimal number)"))
        .isEqualTo("cpu_utilization(expected: a decimal number)")
        .isEqualTo(ProblemKinds.kind("cpu_utilization: \"low\" (expected: a decimal number)"));
    assertThat(ProblemKinds.kind("something odd")).isEqualTo("something odd");
  }

  private static void assertRefused(String value, String message) {
    assertThatThrownBy(() -> EndpointLoadMetrics.parse(value)).as(value)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
