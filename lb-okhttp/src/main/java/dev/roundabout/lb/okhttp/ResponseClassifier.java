package dev.roundabout.lb.okhttp;

import okhttp3.Response;

/**
 * Judges a response for health: a failure counts against the endpoint that gave it (and an
 * idempotent request that failed may be retried elsewhere); a success counts for it. Only the
 * status and headers are available: the body is the caller's.
 *
 * <p>Called on the calling thread for every response; must be fast and thread-safe.
 */
@FunctionalInterface
public interface ResponseClassifier {
  /** Whether {@code response} says the endpoint failed. */
  boolean isFailure(Response response);

  /**
   * The default: 5xx except 501 (Not Implemented: the request, not the server, is at fault), and
   * 429 (Too Many Requests: the endpoint is overloaded), are failures; every other status is a
   * success for health, 4xx included, since the endpoint answered as it should.
   */
  static ResponseClassifier defaults() {
    return response -> {
      int code = response.code();
      return (code >= 500 && code != 501) || code == 429;
    };
  }
}
