package dev.roundabout.lb.okhttp;

import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadReport;
import java.util.List;
import java.util.function.Consumer;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches the load report of an answer ({@link EndpointLoadMetrics}) to the attempt's lease. A
 * header that cannot be read is ignored, changes nothing, and is logged at WARN once per kind of
 * problem (the key and what was expected, not the value), so that a server that always sends the
 * same mistake is reported once, not on every call.
 *
 * <p>Thread-safe: called on the threads of the calls.
 */
final class LoadReportReader {
  private static final Logger logger = LoggerFactory.getLogger(LoadBalancingInterceptor.class);
  private final ProblemKinds logged = new ProblemKinds();
  private final Consumer<String> warn;

  LoadReportReader() {
    this(message -> logger.warn("{}", message));
  }

  /** A reader that hands the message of each logged problem to {@code warn} (tests). */
  LoadReportReader(Consumer<String> warn) {
    this.warn = warn;
  }

  /** Attaches the report {@code response} carries, if any, to {@code lease}; true if one was attached. */
  boolean attach(Lease lease, Response response, String service) {
    List<String> values = response.headers(EndpointLoadMetrics.HEADER);
    if (values.isEmpty()) {
      return false;
    }
    LoadReport report;
    try {
      if (values.size() > 1) {
        throw new IllegalArgumentException(
            EndpointLoadMetrics.HEADER + ": " + values.size() + " headers (expected: one)");
      }
      report = EndpointLoadMetrics.parse(values.get(0));
    } catch (IllegalArgumentException e) {
      String reason = String.valueOf(e.getMessage());
      if (logged.first(reason)) {
        warn.accept("Ignored the " + EndpointLoadMetrics.HEADER + " header of an answer from "
            + lease.endpoint().address() + " for '" + service + "': " + reason + " (logged once for this kind of problem)");
      }
      return false;
    }
    return lease.loadReport(report);
  }
}
