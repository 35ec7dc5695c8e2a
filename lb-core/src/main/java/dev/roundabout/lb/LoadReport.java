package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a server says of its own load, as ORCA's load report does: its utilisation (CPU, memory,
 * and the application's own measure), the requests and errors it served per second over a recent
 * window, and optional named values. A call attaches the report its answer carried to its lease
 * ({@link Lease#loadReport(LoadReport)}); {@link Pickers#reportedLoad()} weighs endpoints by it,
 * and other pickers ignore it.
 *
 * <p>Immutable and thread-safe. Every figure is finite and 0 or more; a figure the server did not
 * send is 0, as in ORCA.
 *
 * <pre>{@code
 * LoadReport report = LoadReport.builder().cpuUtilization(0.6).rps(120).eps(2).build();
 * LoadReport simple = LoadReport.of(0.6, 120, 2);   // the same figures
 * }</pre>
 */
public final class LoadReport {
  private final double cpuUtilization;
  private final double memUtilization;
  private final double applicationUtilization;
  private final double rps;
  private final double eps;
  private final Map<String, Double> namedMetrics;

  private LoadReport(Builder b) {
    this.cpuUtilization = b.cpuUtilization;
    this.memUtilization = b.memUtilization;
    this.applicationUtilization = b.applicationUtilization;
    this.rps = b.rps;
    this.eps = b.eps;
    this.namedMetrics = Map.copyOf(b.namedMetrics);
  }

  /**
   * A report of CPU utilisation {@code utilization}, {@code rps} requests and {@code eps} errors
   * per second.
   *
   * @throws IllegalArgumentException if a figure is negative, NaN or infinite
   */
  public static LoadReport of(double utilization, double rps, double eps) {
    return builder().cpuUtilization(utilization).rps(rps).eps(eps).build();
  }

  /** A builder of a report whose figures are all 0 until set. */
  public static Builder builder() {
    return new Builder();
  }

  /** The share of the server's CPU in use: 0.5 is half; may exceed 1 past soft limits. */
  public double cpuUtilization() {
    return cpuUtilization;
  }

  /** The share of the server's memory in use, 0 to 1. */
  public double memUtilization() {
    return memUtilization;
  }

  /** The application's own measure of its utilisation (0 when not sent); may exceed 1. */
  public double applicationUtilization() {
    return applicationUtilization;
  }

  /**
   * The utilisation to weigh the server by, as gRPC reads a report: {@link #applicationUtilization()}
   * when it is above 0, else {@link #cpuUtilization()}.
   */
  public double utilization() {
    return applicationUtilization > 0 ? applicationUtilization : cpuUtilization;
  }

  /** Requests the server served per second over its recent window (ORCA's {@code rps_fractional}). */
  public double rps() {
    return rps;
  }

  /** Requests per second that ended in an error over the server's recent window. */
  public double eps() {
    return eps;
  }

  /** The named values the server sent (ORCA's {@code named_metrics}), immutable; empty if none. */
  public Map<String, Double> namedMetrics() {
    return namedMetrics;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof LoadReport r
        && Double.compare(cpuUtilization, r.cpuUtilization) == 0
        && Double.compare(memUtilization, r.memUtilization) == 0
        && Double.compare(applicationUtilization, r.applicationUtilization) == 0
        && Double.compare(rps, r.rps) == 0
        && Double.compare(eps, r.eps) == 0
        && namedMetrics.equals(r.namedMetrics);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cpuUtilization, memUtilization, applicationUtilization, rps, eps, namedMetrics);
  }

  @Override
  public String toString() {
    return "LoadReport{cpu=" + cpuUtilization + ", mem=" + memUtilization + ", application=" + applicationUtilization
        + ", rps=" + rps + ", eps=" + eps + (namedMetrics.isEmpty() ? "" : ", named=" + namedMetrics) + '}';
  }

  /** Builds a {@link LoadReport}. Not thread-safe; every setter checks its value at once. */
  public static final class Builder {
    private double cpuUtilization;
    private double memUtilization;
    private double applicationUtilization;
    private double rps;
    private double eps;
    private final Map<String, Double> namedMetrics = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets the CPU utilisation, 0 or more (above 1 past soft limits).
     *
     * @throws IllegalArgumentException if {@code utilization} is negative, NaN or infinite
     */
    public Builder cpuUtilization(double utilization) {
      this.cpuUtilization = checkFigure(utilization, "cpuUtilization");
      return this;
    }

    /**
     * Sets the memory utilisation, 0 to 1.
     *
     * @throws IllegalArgumentException if {@code utilization} is outside 0-1
     */
    public Builder memUtilization(double utilization) {
      checkArgument(utilization >= 0 && utilization <= 1, "memUtilization", utilization, "0-1");
      this.memUtilization = utilization;
      return this;
    }

    /**
     * Sets the application's own utilisation, 0 or more; when above 0 it is the one the
     * server is weighed by.
     *
     * @throws IllegalArgumentException if {@code utilization} is negative, NaN or infinite
     */
    public Builder applicationUtilization(double utilization) {
      this.applicationUtilization = checkFigure(utilization, "applicationUtilization");
      return this;
    }

    /**
     * Sets the requests served per second.
     *
     * @throws IllegalArgumentException if {@code rps} is negative, NaN or infinite
     */
    public Builder rps(double rps) {
      this.rps = checkFigure(rps, "rps");
      return this;
    }

    /**
     * Sets the errors per second.
     *
     * @throws IllegalArgumentException if {@code eps} is negative, NaN or infinite
     */
    public Builder eps(double eps) {
      this.eps = checkFigure(eps, "eps");
      return this;
    }

    /**
     * Adds a named value (replacing an earlier one of the same name).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is empty or {@code value} NaN or infinite
     */
    public Builder namedMetric(String name, double value) {
      checkNotNull(name, "name");
      checkArgument(!name.isEmpty(), "name", "\"\"", "a non-empty name");
      checkArgument(Double.isFinite(value), "named metric " + name, value, "a finite number");
      namedMetrics.put(name, value);
      return this;
    }

    /** Returns the report. */
    public LoadReport build() {
      return new LoadReport(this);
    }

    private static double checkFigure(double value, String name) {
      checkArgument(value >= 0 && value < Double.POSITIVE_INFINITY, name, value, "a finite number, 0 or more");
      return value;
    }
  }
}
