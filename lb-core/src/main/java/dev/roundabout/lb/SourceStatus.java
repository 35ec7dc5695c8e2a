package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link EndpointSource} that follows a registry says of itself: waiting for its first
 * list, current, or stale (the registry is down, slow or answering garbage, and the last good list
 * stays in force) since when and why. Immutable.
 */
public final class SourceStatus {
  /** The states of a source. */
  public enum State {
    /** No list yet: the source is still asking. */
    WAITING,
    /** The last answer was good. */
    CURRENT,
    /** The registry could not be read; the last good list (if any) stays in force. */
    STALE
  }

  private final String source;
  private final State state;
  private final Instant since;
  private final @Nullable String reason;

  private SourceStatus(String source, State state, Instant since, @Nullable String reason) {
    this.source = checkNotNull(source, "source");
    this.state = checkNotNull(state, "state");
    this.since = checkNotNull(since, "since");
    this.reason = reason;
  }

  /** A source that has asked and has no list yet. */
  public static SourceStatus waiting(String source, Instant since) {
    return new SourceStatus(source, State.WAITING, since, null);
  }

  /** A source whose last answer was good. */
  public static SourceStatus current(String source, Instant since) {
    return new SourceStatus(source, State.CURRENT, since, null);
  }

  /** A source that cannot read its registry since {@code since}, because of {@code reason}. */
  public static SourceStatus stale(String source, Instant since, String reason) {
    return new SourceStatus(source, State.STALE, since, checkNotNull(reason, "reason"));
  }

  /** The source, as it describes itself (such as {@code dns:_http._tcp.orders.example}). */
  public String source() {
    return source;
  }

  /** Whether the source is current or stale. */
  public State state() {
    return state;
  }

  /** Since when the source is in this state (wall-clock time). */
  public Instant since() {
    return since;
  }

  /** Why the source is stale (or waiting after a failure); null otherwise. */
  public @Nullable String reason() {
    return reason;
  }

  /** {@code dns:orders: stale since 2026-12-02T06:40:00Z (SERVFAIL)}. */
  @Override
  public String toString() {
    return source + ": " + state.name().toLowerCase(java.util.Locale.ROOT) + " since " + since
        + (reason == null ? "" : " (" + reason + ")");
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof SourceStatus that)) {
      return false;
    }
    return source.equals(that.source) && state == that.state && since.equals(that.since)
        && Objects.equals(reason, that.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, state, since, reason);
  }
}
