package dev.roundabout.lb.okhttp;

import static java.util.Objects.requireNonNull;

import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * Where a request's affinity key comes from: it becomes the key of the pick
 * ({@code PickContext.ofKey}), so that a hash picker sends every request with the same key to the
 * same endpoint, and {@code SessionAffinity}-style stickiness works over HTTP. A request without
 * the key is picked without one. A request tag of type {@code PickContext} overrides it:
 * {@code request.newBuilder().tag(PickContext.class, PickContext.ofKey("user-42"))}.
 *
 * <p>Called on the calling thread for every balanced request; must be thread-safe.
 */
@FunctionalInterface
public interface AffinityKey {
  /** The key of {@code request}, or null for none. */
  @Nullable String keyOf(Request request);

  /** The value of the header {@code name} (its first value). */
  static AffinityKey header(String name) {
    requireNonNull(name, "name");
    return request -> {
      java.util.List<String> values = request.headers(name);
      return values.isEmpty() ? null : values.get(0);
    };
  }

  /**
   * The value of the cookie {@code name} in the request's own {@code Cookie} headers (those the
   * caller set; cookies a {@code CookieJar} adds come later in the chain).
   */
  static AffinityKey cookie(String name) {
    requireNonNull(name, "name");
    return request -> {
      for (String header : request.headers("Cookie")) {
        for (String pair : header.split(";", -1)) {
          String trimmed = pair.trim();
          int eq = trimmed.indexOf('=');
          if (eq > 0 && trimmed.substring(0, eq).trim().equals(name)) {
            return trimmed.substring(eq + 1).trim();
          }
        }
      }
      return null;
    };
  }

  /** The value of the query parameter {@code name} (its first value). */
  static AffinityKey queryParameter(String name) {
    requireNonNull(name, "name");
    return request -> request.url().queryParameter(name);
  }
}
