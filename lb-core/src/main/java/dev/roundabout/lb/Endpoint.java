package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkInRange;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;
import static dev.roundabout.lb.internal.Preconditions.quote;

import java.util.Arrays;
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
 *
 * <p>The host is one of:
 *
 * <ul>
 *   <li>a host name: dot-separated labels of ASCII letters, digits, hyphens and underscores, each
 *       label 1-63 characters that neither starts nor ends with a hyphen, 253 characters at most
 *       (an optional final dot, as in {@code orders.svc.cluster.local.}, not counted), the last
 *       label not all digits. Underscores, which RFC 1123 leaves out, are accepted because real
 *       service names carry them ({@code _grpc._tcp.orders.internal}, {@code orders_db}).
 *       International names are given in their ASCII form ({@code xn--...}). Kept as given, case
 *       included.
 *   <li>an IPv4 address in dotted-quad form ({@code 10.0.0.1}), each part 0-255 without leading
 *       zeros. Kept as given.
 *   <li>an IPv6 address, with or without brackets ({@code ::1}, {@code [::1]}), with an embedded
 *       IPv4 address if needed ({@code 64:ff9b::10.0.0.1}), without a zone ({@code %eth0}). Kept in
 *       its canonical form (RFC 5952: lower case, no leading zeros, the longest run of zero groups
 *       as {@code ::}) without brackets, so that every spelling of one address is one backend:
 *       {@code [::1]}, {@code ::1} and {@code 0:0:0:0:0:0:0:1} all become {@code ::1}. An
 *       IPv4-mapped address ({@code ::ffff:10.0.0.1}) becomes its IPv4 address, as the JDK takes it.
 * </ul>
 *
 * <p>Anything else, such as a port ({@code 10.0.0.1:8080}), a scheme ({@code http://10.0.0.1}) or
 * a path ({@code orders/v1}), is refused. Literals are parsed here: no name is ever resolved.
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
   * @param host a host name, an IPv4 address or an IPv6 address (with or without brackets): see
   *     the {@linkplain Endpoint class description}
   * @param port 1-65535
   * @throws NullPointerException if {@code host} is null
   * @throws IllegalArgumentException if {@code host} is not a host name or an IP address (blank,
   *     with whitespace, a port, a scheme or a path), or {@code port} is out of range
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

  /**
   * The host name or IP address: a host name or an IPv4 address as given, an IPv6 address in its
   * canonical form without brackets ({@code ::1}).
   */
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
    if (!(o instanceof Endpoint that)) {
      return false;
    }
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
    String normalized = HostSyntax.normalize(host);
    checkArgument(normalized != null, "host", quote(host), "a host name or an IP address, without port or scheme");
    return normalized;
  }

  private static int checkPort(int port) {
    return checkInRange(port, 1, 65_535, "port");
  }

  /**
   * The hosts an endpoint accepts (see the class description), checked and normalised without any
   * name resolution. Stateless.
   */
  private static final class HostSyntax {
    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;

    private HostSyntax() {}

    /** The host in its kept form, or null when it is no host name or IP address. */
    static @Nullable String normalize(String host) {
      int n = host.length();
      if (n >= 2 && host.charAt(0) == '[' && host.charAt(n - 1) == ']') {
        return ipv6(host.substring(1, n - 1));
      }
      if (host.indexOf(':') >= 0) {
        return ipv6(host);
      }
      if (ipv4(host) >= 0) {
        return host;
      }
      return isHostName(host) ? host : null;
    }

    private static boolean isHostName(String host) {
      int end = host.endsWith(".") ? host.length() - 1 : host.length(); // the root's dot
      if (end == 0 || end > MAX_NAME_LENGTH) {
        return false;
      }
      int labelStart = 0;
      boolean allDigits = true;
      for (int i = 0; i <= end; i++) {
        char c = i == end ? '.' : host.charAt(i);
        if (c == '.') {
          int length = i - labelStart;
          if (length == 0 || length > MAX_LABEL_LENGTH || host.charAt(labelStart) == '-' || host.charAt(i - 1) == '-') {
            return false;
          }
          if (i == end && allDigits) {
            return false; // a last label of digits only: an IP address gone wrong (10.0.0.256, 10.0.0)
          }
          labelStart = i + 1;
          allDigits = true;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_') {
          allDigits = false;
        } else if (!isDigit(c)) {
          return false;
        }
      }
      return true;
    }

    /** The value of a dotted quad, each part 0-255 without leading zeros, or -1. */
    private static long ipv4(String s) {
      long value = 0;
      int parts = 0;
      int i = 0;
      int n = s.length();
      while (parts < 4) {
        int start = i;
        int part = 0;
        while (i < n && isDigit(s.charAt(i)) && i - start < 3) {
          part = part * 10 + (s.charAt(i) - '0');
          i++;
        }
        int digits = i - start;
        if (digits == 0 || part > 255 || (digits > 1 && s.charAt(start) == '0')) {
          return -1;
        }
        value = value << 8 | part;
        parts++;
        if (parts < 4) {
          if (i == n || s.charAt(i) != '.') {
            return -1;
          }
          i++;
        }
      }
      return i == n ? value : -1;
    }

    /** The canonical form of an IPv6 address without brackets, or null. */
    private static @Nullable String ipv6(String s) {
      int n = s.length();
      int[] groups = new int[8];
      int count = 0;
      int compressAt = -1; // where "::" stands, in groups
      int i = 0;
      if (s.startsWith("::")) {
        compressAt = 0;
        i = 2;
      }
      while (i < n) {
        if (count == 8) {
          return null;
        }
        int start = i;
        while (i < n && isHexDigit(s.charAt(i)) && i - start < 5) {
          i++;
        }
        if (i < n && s.charAt(i) == '.') { // an embedded IPv4 address ends the address
          long v4 = ipv4(s.substring(start));
          if (v4 < 0 || count > 6) {
            return null;
          }
          groups[count++] = (int) (v4 >>> 16);
          groups[count++] = (int) (v4 & 0xffff);
          break;
        }
        if (i == start || i - start > 4) {
          return null;
        }
        groups[count++] = Integer.parseInt(s, start, i, 16);
        if (i == n) {
          break;
        }
        if (s.charAt(i) != ':' || i + 1 == n) {
          return null; // another character, or a final single colon
        }
        i++;
        if (s.charAt(i) == ':') {
          if (compressAt >= 0) {
            return null;
          }
          compressAt = count;
          i++;
        }
      }
      if (compressAt < 0 ? count != 8 : count == 8) {
        return null; // too few groups, or "::" standing for none
      }
      if (compressAt >= 0) {
        int tail = count - compressAt;
        System.arraycopy(groups, compressAt, groups, 8 - tail, tail);
        Arrays.fill(groups, compressAt, 8 - tail, 0);
      }
      return canonical(groups);
    }

    private static String canonical(int[] groups) {
      if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
          && groups[5] == 0xffff) { // IPv4-mapped: the JDK connects to the IPv4 address
        return (groups[6] >>> 8) + "." + (groups[6] & 0xff) + "." + (groups[7] >>> 8) + "." + (groups[7] & 0xff);
      }
      int runStart = -1;
      int runLength = 1; // a run of one zero group is not compressed
      for (int i = 0; i < 8; ) {
        if (groups[i] != 0) {
          i++;
          continue;
        }
        int j = i;
        while (j < 8 && groups[j] == 0) {
          j++;
        }
        if (j - i > runLength) { // the first of equal runs
          runStart = i;
          runLength = j - i;
        }
        i = j;
      }
      StringBuilder sb = new StringBuilder(39);
      for (int i = 0; i < 8; i++) {
        if (i == runStart) {
          sb.append("::");
          i += runLength - 1;
          continue;
        }
        if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
          sb.append(':');
        }
        sb.append(Integer.toHexString(groups[i]));
      }
      return sb.toString();
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
      return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
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
