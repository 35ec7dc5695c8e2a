package dev.roundabout.lb.micrometer;

/** The names of the meters, in Micrometer's dot notation (Prometheus: underscores). */
final class MeterNames {
  static final String ENDPOINTS = "roundabout.lb.endpoints";
  static final String ENDPOINTS_KNOWN = "roundabout.lb.endpoints.known";
  static final String PANIC = "roundabout.lb.panic";
  static final String EJECTIONS = "roundabout.lb.ejections";
  static final String RESTORATIONS = "roundabout.lb.restorations";
  static final String HEALTH_CHECK_FAILURES = "roundabout.lb.health.check.failures";
  static final String ENDPOINT_IN_FLIGHT = "roundabout.lb.endpoint.in.flight";
  static final String ENDPOINT_CALLS = "roundabout.lb.endpoint.calls";
  static final String ENDPOINT_AVAILABLE = "roundabout.lb.endpoint.available";
  static final String ENDPOINT_LATENCY_EWMA = "roundabout.lb.endpoint.latency.ewma";
  static final String OKHTTP_ATTEMPTS = "roundabout.okhttp.attempts";
  static final String OKHTTP_RETRIES = "roundabout.okhttp.retries";
  static final String OKHTTP_RETRIES_REFUSED = "roundabout.okhttp.retries.refused";
  static final String OKHTTP_NO_ENDPOINT = "roundabout.okhttp.no.endpoint";
  static final String OKHTTP_HEDGES = "roundabout.okhttp.hedges";
  static final String OKHTTP_HEDGES_WON = "roundabout.okhttp.hedges.won";
  static final String OKHTTP_HEDGES_REFUSED = "roundabout.okhttp.hedges.refused";

  private MeterNames() {}
}
