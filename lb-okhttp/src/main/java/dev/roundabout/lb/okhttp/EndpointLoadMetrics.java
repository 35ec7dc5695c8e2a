package dev.roundabout.lb.okhttp;

import static java.util.Objects.requireNonNull;

import dev.roundabout.lb.LoadReport;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads ORCA's {@code endpoint-load-metrics} response header, with which a server reports its own
 * load, into a {@link LoadReport}. The {@link LoadBalancingInterceptor} attaches the report of
 * every answer that carries one to the attempt's lease, for {@code Pickers.reportedLoad()}. Two
 * forms are read:
 *
 * <pre>
 * endpoint-load-metrics: TEXT cpu_utilization=0.3, rps_fractional=10, eps=1, named_metrics.queue=2
 * endpoint-load-metrics: JSON {"cpu_utilization": 0.3, "rps_fractional": 10, "eps": 1, "named_metrics": {"queue": 2}}
 * </pre>
 *
 * <p>The keys are ORCA's: {@code cpu_utilization}, {@code mem_utilization} (0 to 1),
 * {@code application_utilization}, {@code rps_fractional}, {@code eps} and
 * {@code named_metrics.<name>} (in JSON, an object {@code named_metrics}); JSON also takes the
 * lower camel case names of proto3's JSON mapping ({@code cpuUtilization}, {@code rpsFractional},
 * {@code namedMetrics}). ORCA's {@code request_cost} and {@code utilization} maps are read and not
 * used. Every value is a plain decimal number, finite and 0 or more; each key comes once. ORCA's
 * binary form ({@code BIN}, or the {@code endpoint-load-metrics-bin} header) is not read.
 *
 * <p>Stateless and thread-safe.
 */
public final class EndpointLoadMetrics {
  /** The name of the header: {@value}. */
  public static final String HEADER = "endpoint-load-metrics";

  private static final Pattern NUMBER = Pattern.compile("-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
  private static final String FORMS = "TEXT key=value, ... or JSON {...}";

  private EndpointLoadMetrics() {}

  /**
   * Reads the value of an {@code endpoint-load-metrics} header.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if the value is not a well-formed report, with the reason:
   *     {@code cpu_utilization: "high" (expected: a decimal number)}
   */
  public static LoadReport parse(String value) {
    requireNonNull(value, "value");
    String v = value.trim();
    if (v.startsWith("TEXT ")) {
      return text(v.substring(5));
    }
    if (v.startsWith("JSON ")) {
      return JsonReport.parse(v.substring(5));
    }
    if (v.startsWith("BIN ")) {
      throw new IllegalArgumentException(HEADER + ": BIN (expected: " + FORMS + "; the binary form is not read)");
    }
    String start = v.length() > 16 ? v.substring(0, 16) + "..." : v;
    throw new IllegalArgumentException(HEADER + ": \"" + start + "\" (expected: " + FORMS + ")");
  }

  private static LoadReport text(String entries) {
    Fields fields = new Fields();
    for (String entry : entries.split(",", -1)) {
      int eq = entry.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("entry: \"" + entry.trim() + "\" (expected: key=value)");
      }
      String key = entry.substring(0, eq).trim();
      fields.put(key, number(key, entry.substring(eq + 1).trim()));
    }
    return fields.report();
  }

  /** {@code text} as a plain decimal number, or the house message naming {@code key}. */
  static double number(String key, String text) {
    if (!NUMBER.matcher(text).matches()) {
      throw new IllegalArgumentException(key + ": \"" + text + "\" (expected: a decimal number)");
    }
    double d = Double.parseDouble(text);
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException(key + ": \"" + text + "\" (expected: a finite number)");
    }
    return d;
  }

  /** The fields of one report, as they are read: checked, each once. Not thread-safe. */
  static final class Fields {
    private final LoadReport.Builder builder = LoadReport.builder();
    private final Set<String> seen = new HashSet<>();

    /** Sets the field {@code key} (TEXT's dotted form for map entries) to {@code value}. */
    void put(String key, double value) {
      if (!seen.add(key)) {
        throw new IllegalArgumentException(key + ": repeated (expected: each key once)");
      }
      int dot = key.indexOf('.');
      String field = dot < 0 ? key : key.substring(0, dot);
      if (dot >= 0 && dot == key.length() - 1) {
        throw new IllegalArgumentException(key + ": no name (expected: " + field + ".<name>)");
      }
      switch (dot < 0 ? canonical(field) : canonical(field) + ".") {
        case "cpu_utilization" -> builder.cpuUtilization(atLeastZero(key, value));
        case "application_utilization" -> builder.applicationUtilization(atLeastZero(key, value));
        case "mem_utilization" -> {
          if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(key + ": " + value + " (expected: 0-1)");
          }
          builder.memUtilization(value);
        }
        case "rps_fractional" -> builder.rps(atLeastZero(key, value));
        case "eps" -> builder.eps(atLeastZero(key, value));
        case "named_metrics." -> builder.namedMetric(key.substring(dot + 1), value);
        case "request_cost.", "utilization." -> { } // ORCA's other maps: read, not used
        case "named_metrics", "request_cost", "utilization" ->
            throw new IllegalArgumentException(key + ": " + value + " (expected: " + field + ".<name>=value)");
        default -> throw new IllegalArgumentException(key + ": unknown (expected: cpu_utilization, mem_utilization,"
            + " application_utilization, rps_fractional, eps, named_metrics.<name>)");
      }
    }

    LoadReport report() {
      return builder.build();
    }

    private static double atLeastZero(String key, double value) {
      if (value < 0) {
        throw new IllegalArgumentException(key + ": " + value + " (expected: 0 or more)");
      }
      return value;
    }

    /** A field's snake case name: proto3's JSON mapping also writes {@code cpuUtilization}. */
    private static String canonical(String field) {
      StringBuilder b = new StringBuilder(field.length() + 4);
      for (int i = 0; i < field.length(); i++) {
        char c = field.charAt(i);
        if (c >= 'A' && c <= 'Z') {
          b.append('_').append(Character.toLowerCase(c));
        } else {
          b.append(c);
        }
      }
      return b.toString().toLowerCase(Locale.ROOT);
    }
  }
}
