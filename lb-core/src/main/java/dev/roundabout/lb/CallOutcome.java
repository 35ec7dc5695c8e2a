package dev.roundabout.lb;

/** How one call ended, as its {@link Lease} reported it; what a {@link CallListener} hears. */
public enum CallOutcome {
  /** Reported with {@link Lease#success()}. */
  SUCCESS,
  /** Reported with {@link Lease#failure()} or {@link Lease#failure(Throwable)}. */
  FAILURE,
  /** Reported with {@link Lease#unreachable(Throwable)}: the endpoint was not reached or never answered. */
  UNREACHABLE
}
