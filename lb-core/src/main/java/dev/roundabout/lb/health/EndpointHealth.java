package dev.roundabout.lb.health;

/**
 * What a {@link HealthTracker} says of one endpoint. Only {@link #AVAILABLE} endpoints are picked
 * as usual; a {@link #TRIAL} endpoint takes only the trial calls its tracker admits; the others
 * take no call (unless the pool is in panic, when every endpoint is picked).
 */
public enum EndpointHealth {
  /** Takes calls. */
  AVAILABLE("available"),
  /** Recovering: takes only the trial calls its tracker admits (a half-open circuit breaker). */
  TRIAL("on trial"),
  /** Ejected by passive outlier detection for a while. */
  EJECTED("ejected"),
  /** Its circuit breaker is open. */
  CIRCUIT_OPEN("circuit open"),
  /** Failed its active health checks. */
  UNHEALTHY("unhealthy"),
  /** Not checked yet, and configured to take no call until a check passes. */
  UNKNOWN("unknown");

  private final String label;

  EndpointHealth(String label) {
    this.label = label;
  }

  /** Whether the endpoint takes ordinary calls. */
  public boolean isAvailable() {
    return this == AVAILABLE;
  }

  /** How error messages name this state: {@code "ejected"}, {@code "circuit open"}... */
  public String label() {
    return label;
  }
}
