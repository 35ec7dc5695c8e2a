package dev.roundabout.lb.micrometer;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;

/** How the per-endpoint call timers are built: histogram buckets for percentiles, SLO boundaries. */
record TimerOptions(boolean percentileHistogram, List<Duration> serviceLevelObjectives) {
  TimerOptions {
    serviceLevelObjectives = List.copyOf(serviceLevelObjectives);
  }

  /**
   * Whether the call timers need Micrometer's {@code Timer} (buckets for percentiles or SLOs);
   * without, a {@code FunctionTimer} over two adders counts and sums at a fraction of the cost.
   */
  boolean needsTimer() {
    return percentileHistogram || !serviceLevelObjectives.isEmpty();
  }

  Timer.Builder applyTo(Timer.Builder builder) {
    return builder
        .publishPercentileHistogram(percentileHistogram)
        .serviceLevelObjectives(serviceLevelObjectives.toArray(new Duration[0]));
  }
}
