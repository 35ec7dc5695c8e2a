package dev.roundabout.lb;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding of lb-core's tests: keeps what the decision log's logger writes, while a test
 * has turned it on with {@link #capture}; every other logger, and this one otherwise, is off (as
 * the no-operation binding the tests ran with before).
 */
public final class CapturedLogs {
  private static final List<String> lines = new ArrayList<>();
  private static boolean capturing;
  private static String captured = LoadBalancer.DECISION_LOGGER;

  private CapturedLogs() {}

  /** Starts keeping the decision log's lines (at DEBUG), forgetting those kept before. */
  public static synchronized void capture() {
    capture(LoadBalancer.DECISION_LOGGER);
  }

  /** Starts keeping the lines of the logger named {@code loggerName}, forgetting those kept before. */
  public static synchronized void capture(String loggerName) {
    lines.clear();
    captured = loggerName;
    capturing = true;
  }

  /** Stops keeping lines: the decision log's logger is off again. */
  public static synchronized void stop() {
    capturing = false;
  }

  /** The lines kept since {@link #capture}, in order. */
  public static synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  private static synchronized boolean on(String name) {
    return capturing && name.equals(captured);
  }

  private static synchronized void keep(String line) {
    if (capturing) {
      lines.add(line);
    }
  }

  /** A logger whose DEBUG and above are on while the decision log is captured. */
  private static final class CapturingLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    CapturingLogger(String name) {
      this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return on(name);
    }

    @Override
    public boolean isInfoEnabled() {
      return on(name);
    }

    @Override
    public boolean isWarnEnabled() {
      return on(name);
    }

    @Override
    public boolean isErrorEnabled() {
      return on(name);
    }

    @Override
    protected @Nullable String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, @Nullable Marker marker, String pattern, @Nullable Object @Nullable [] arguments,
        @Nullable Throwable throwable) {
      keep(level + " " + MessageFormatter.basicArrayFormat(pattern, arguments));
    }
  }

  /** Found by SLF4J through {@code META-INF/services}. */
  public static final class Provider implements SLF4JServiceProvider {
    private final ILoggerFactory loggers = CapturingLogger::new;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
      return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
      return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
      return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
      return "2.0.99";
    }

    @Override
    public void initialize() {}
  }
}
