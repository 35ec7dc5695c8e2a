package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkInRange;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;
import static dev.roundabout.lb.internal.Preconditions.quote;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One backend a load balancer can send calls to: host, port, weight, optional zone and metadata.
 *
 * <p>Immutable and thread-safe. Two endpoints are {@linkplain #equals equal} when every field is
 * equal; a load balancer identifies a backend by its {@linkplain #address() address} alone, so an
 * endpoint that comes back with another weight or metadata updates the same backend and keeps its
 * state (in-flight count, latency).
 */
public final class Endpoint {
  /** The default weight, {@value}. */
  public static final int DEFAULT_WEIGHT = 1;
  /** The smallest weight, {@value}. */
  public static final int MIN_WEIGHT = 1;
  /** The largest weight, {@value}. */
  public static final int MAX_WEIGHT = 10_000;

  private final String host;
  private final int port;
  private final int weight;
  private final @Nullable String zone;
  private final Map<String, String> metadata;
  private final String address;

  private Endpoint(String host, int port, int weight, @Nullable String zone, Map<String, String> metadata) {
    this.host = host;
    this.port = port;
    this.weight = weight;
    this.zone = zone;
    this.metadata = metadata;
    this.address = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Returns an endpoint of weight {@value #DEFAULT_WEIGHT}, no zone and no metadata.
   *
   * @param host a host name or IP address (IPv6 without brackets), not blank
   * @param port 1-65535
   * @throws NullPointerException if {@code host} is null
   * @throws IllegalArgumentException if {@code host} is blank or holds whitespace, or {@code port}
   *     is out of range
   */
  public static Endpoint of(String host, int port) {
    return new Endpoint(checkHost(host), checkPort(port), DEFAULT_WEIGHT, null, Map.of());
  }

  /**
   * Returns a builder for an endpoint with the given host and port, checked as by
   * {@link #of(String, int)}.
   */
  public static Builder builder(String host, int port) {
    return new Builder(checkHost(host), checkPort(port));
  }

  /** Returns a builder that starts from this endpoint's fields. */
  public Builder toBuilder() {
    Builder builder = new Builder(host, port).weight(weight).metadata(metadata);
    return zone == null ? builder : builder.zone(zone);
  }

  /** The host name or IP address, as given. */
  public String host() {
    return host;
  }

  /** The port, 1-65535. */
  public int port() {
    return port;
  }

  /** The relative weight, {@value #MIN_WEIGHT}-{@value #MAX_WEIGHT}. */
  public int weight() {
    return weight;
  }

  /** The zone (for example {@code eu-west-1a}), or null when none was given. */
  public @Nullable String zone() {
    return zone;
  }

  /** The metadata, immutable, in the order given; empty when none was given. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * The identity of the backend: {@code host:port}, with an IPv6 host in brackets
   * ({@code [::1]:8080}).
   */
  public String address() {
    return address;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Endpoint)) {
      return false;
    }
    Endpoint that = (Endpoint) o;
    return port == that.port
        && weight == that.weight
        && host.equals(that.host)
        && Objects.equals(zone, that.zone)
        && metadata.equals(that.metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, weight, zone, metadata);
  }

  /** Returns the address, followed by the weight, zone and metadata when they are not defaults. */
  @Override
  public String toString() {
    if (weight == DEFAULT_WEIGHT && zone == null && metadata.isEmpty()) {
      return address;
    }
    StringBuilder sb = new StringBuilder(address).append('{');
    String sep = "";
    if (weight != DEFAULT_WEIGHT) {
      sb.append("weight=").append(weight);
      sep = ", ";
    }
    if (zone != null) {
      sb.append(sep).append("zone=").append(zone);
      sep = ", ";
    }
    if (!metadata.isEmpty()) {
      sb.append(sep).append("metadata=").append(metadata);
    }
    return sb.append('}').toString();
  }

  private static String checkHost(String host) {
    checkNotNull(host, "host");
    boolean ok = !host.isEmpty();
    for (int i = 0; ok && i < host.length(); i++) {
      ok = !Character.isWhitespace(host.charAt(i));
    }
    checkArgument(ok, "host", quote(host), "a host name or IP address, not blank, without whitespace");
    return host;
  }

  private static int checkPort(int port) {
    return checkInRange(port, 1, 65_535, "port");
  }

  /**
   * Builds an {@link Endpoint}. Not thread-safe; each setter checks its argument at once.
   */
  public static final class Builder {
    private final String host;
    private final int port;
    private int weight = DEFAULT_WEIGHT;
    private @Nullable String zone;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder(String host, int port) {
      this.host = host;
      this.port = port;
    }

    /**
     * Sets the relative weight; default {@value #DEFAULT_WEIGHT}.
     *
     * @param weight {@value #MIN_WEIGHT}-{@value #MAX_WEIGHT}
     * @throws IllegalArgumentException if out of range
     */
    public Builder weight(int weight) {
      this.weight = checkInRange(weight, MIN_WEIGHT, MAX_WEIGHT, "weight");
      return this;
    }

    /**
     * Sets the zone; default none.
     *
     * @throws NullPointerException if {@code zone} is null
     * @throws IllegalArgumentException if {@code zone} is blank
     */
    public Builder zone(String zone) {
      checkNotNull(zone, "zone");
      checkArgument(!zone.isBlank(), "zone", quote(zone), "a non-blank zone name");
      this.zone = zone;
      return this;
    }

    /**
     * Adds one metadata entry, replacing an earlier value of the same key.
     *
     * @throws NullPointerException if {@code key} or {@code value} is null
     */
    public Builder metadata(String key, String value) {
      metadata.put(checkNotNull(key, "metadata key"), checkNotNull(value, "metadata value"));
      return this;
    }

    /**
     * Adds every entry of {@code entries}, replacing earlier values of the same keys.
     *
     * @throws NullPointerException if the map, a key or a value is null
     */
    public Builder metadata(Map<String, String> entries) {
      checkNotNull(entries, "metadata");
      entries.forEach(this::metadata);
      return this;
    }

    /** Returns the endpoint. */
    public Endpoint build() {
      Map<String, String> copy =
          metadata.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
      return new Endpoint(host, port, weight, zone, copy);
    }
  }
}
