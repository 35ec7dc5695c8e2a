package dev.roundabout.lb;

import dev.roundabout.lb.internal.DurationText;
import dev.roundabout.lb.internal.PickTrace;
import java.util.Locale;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sampled decision log of one balancer ({@link LoadBalancer.Builder#decisionLog}): for one pick
 * in {@code oneIn}, what the picker looked at and why it chose what it chose, at DEBUG on the
 * logger {@value LoadBalancer#DECISION_LOGGER}.
 *
 * <p>Thread-safe. A pick that is not sampled costs one draw from the balancer's random generator
 * (none when every pick is sampled) and allocates nothing; a sampled pick runs the picker's
 * explaining variant into the calling thread's reusable {@link PickTrace} and formats one line.
 */
final class DecisionLog {
  private static final Logger logger = LoggerFactory.getLogger(LoadBalancer.DECISION_LOGGER);
  private static final ThreadLocal<PickTrace> TRACES = ThreadLocal.withInitial(PickTrace::new);

  private final String name;
  private final String picker;
  private final int oneIn;
  private final RandomGenerator random;

  DecisionLog(String name, String picker, int oneIn, RandomGenerator random) {
    this.name = name;
    this.picker = picker;
    this.oneIn = oneIn;
    this.random = random;
  }

  /**
   * Whether this pick is sampled: one in {@code oneIn} by a draw from the balancer's generator (so
   * that a seeded balancer samples the same picks every run), and only while the logger is at DEBUG.
   */
  boolean sampled() {
    return (oneIn == 1 || random.nextInt(oneIn) == 0) && logger.isDebugEnabled();
  }

  /** The calling thread's trace, started for a pick among {@code ready}. */
  PickTrace start(ReadyList ready) {
    PickTrace trace = TRACES.get();
    trace.start(ready);
    return trace;
  }

  /** Has the picker of {@code s} choose, explaining itself into {@code trace} when it can. */
  static int pick(Snapshot s, PickContext context, PickTrace trace) {
    if (s.picker instanceof PickTrace.Explaining explaining) {
      return explaining.pick(context, trace);
    }
    trace.rule("a picker that does not explain itself");
    return s.picker.pick(context);
  }

  /**
   * Logs the pick that returned {@code s.ready} index {@code chosen}; {@code pickerChoice} is what
   * the picker chose, which differs when the call avoided that endpoint (a retry).
   */
  void log(Snapshot s, PickContext context, PickTrace trace, int pickerChoice, int chosen) {
    ReadyList ready = s.ready;
    StringBuilder line = new StringBuilder();
    line.append('\'').append(name).append("' picked ").append(ready.endpoints[chosen].address())
        .append(" with ").append(picker).append(": ").append(trace.rule());
    if (chosen != pickerChoice) {
      line.append("; the call avoids ").append(ready.endpoints[pickerChoice].address()).append(", which it left");
    }
    if (context.hasKey()) {
      line.append("; key hash ").append(Long.toHexString(context.keyHash()));
    }
    if (s.panic) {
      line.append("; in panic");
    }
    line.append("; candidates:");
    String score = trace.scoreName();
    for (int k = 0; k < trace.count(); k++) {
      int i = trace.index(k);
      line.append(k == 0 ? " " : ", ").append(ready.endpoints[i].address())
          .append(" (inFlight=").append(trace.inFlight(k))
          .append(", weight=").append(ready.weight(i));
      if (ready.ramp(i) < 1) {
        line.append(" at ").append(Math.round(ready.ramp(i) * 100)).append("% (slow start)");
      }
      line
          .append(", latency=").append(latency(ready.latencyEstimate(i)));
      double value = trace.score(k);
      if (score != null && !Double.isNaN(value)) {
        line.append(", ").append(score).append('=')
            .append(trace.scoreInNanos() ? DurationText.human(value) : String.format(Locale.ROOT, "%.3f", value));
      }
      line.append(')');
    }
    if (trace.seen() > trace.count()) {
      line.append(" and ").append(trace.seen() - trace.count()).append(" more");
    }
    logger.debug(line.toString());
  }

  private static String latency(double nanos) {
    return Double.isNaN(nanos) ? "none" : DurationText.human(nanos);
  }
}
