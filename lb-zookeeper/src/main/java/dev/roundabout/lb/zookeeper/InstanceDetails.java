package dev.roundabout.lb.zookeeper;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.roundabout.lb.Endpoint;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The payload of a registered instance that {@link ZooKeeperEndpointSource} reads: the weight and
 * the zone of the endpoint the instance becomes. Immutable and thread-safe.
 *
 * <p>A service registers its instances with it through Curator's service discovery, whose default
 * serializer ({@code JsonInstanceSerializer}) writes the payload into the instance's JSON with
 * the class name that Curator's {@code ServiceInstance} asks for:
 *
 * <pre>{@code
 * "payload": {"@class": "dev.roundabout.lb.zookeeper.InstanceDetails", "weight": 3, "zone": "eu-west-1a"}
 * }</pre>
 *
 * <p>{@code weight} is optional (default {@value Endpoint#DEFAULT_WEIGHT}), {@code zone} too (no
 * zone), other fields are ignored. An instance registered without a payload has weight
 * {@value Endpoint#DEFAULT_WEIGHT} and no zone; one whose payload is of another class, or whose
 * weight or zone is out of range, is skipped (see {@link ZooKeeperEndpointSource}).
 *
 * <pre>{@code
 * ServiceInstance<InstanceDetails> instance = ServiceInstance.<InstanceDetails>builder()
 *     .name("orders").address("10.0.0.7").port(8080)
 *     .payload(InstanceDetails.of(3, "eu-west-1a"))
 *     .build();
 * }</pre>
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class InstanceDetails {
  private final int weight;
  private final @Nullable String zone;

  private InstanceDetails(int weight, @Nullable String zone) {
    this.weight = weight;
    this.zone = zone;
  }

  /**
   * Details of weight {@code weight} and no zone.
   *
   * @param weight {@value Endpoint#MIN_WEIGHT}-{@value Endpoint#MAX_WEIGHT}
   * @throws IllegalArgumentException if {@code weight} is out of range
   */
  public static InstanceDetails of(int weight) {
    return new InstanceDetails(checkWeight(weight), null);
  }

  /**
   * Details of weight {@code weight} in zone {@code zone}.
   *
   * @param weight {@value Endpoint#MIN_WEIGHT}-{@value Endpoint#MAX_WEIGHT}
   * @param zone a zone name such as {@code eu-west-1a}
   * @throws NullPointerException if {@code zone} is null
   * @throws IllegalArgumentException if {@code weight} is out of range or {@code zone} is blank
   */
  public static InstanceDetails of(int weight, String zone) {
    return new InstanceDetails(checkWeight(weight), checkZone(zone));
  }

  /** Jackson's way in: both fields optional, checked as by {@link #of(int, String)}. */
  @JsonCreator
  static InstanceDetails fromJson(
      @JsonProperty("weight") @Nullable Integer weight, @JsonProperty("zone") @Nullable String zone) {
    int w = weight == null ? Endpoint.DEFAULT_WEIGHT : checkWeight(weight);
    return new InstanceDetails(w, zone == null ? null : checkZone(zone));
  }

  /** The endpoint's relative weight, {@value Endpoint#MIN_WEIGHT}-{@value Endpoint#MAX_WEIGHT}. */
  @JsonProperty("weight")
  public int weight() {
    return weight;
  }

  /** The endpoint's zone, or null for none. */
  @JsonProperty("zone")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public @Nullable String zone() {
    return zone;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof InstanceDetails that && weight == that.weight && Objects.equals(zone, that.zone);
  }

  @Override
  public int hashCode() {
    return 31 * weight + Objects.hashCode(zone);
  }

  /** {@code InstanceDetails{weight=3, zone=eu-west-1a}}. */
  @Override
  public String toString() {
    return "InstanceDetails{weight=" + weight + (zone == null ? "" : ", zone=" + zone) + '}';
  }

  private static int checkWeight(int weight) {
    if (weight < Endpoint.MIN_WEIGHT || weight > Endpoint.MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight: " + weight + " (expected: " + Endpoint.MIN_WEIGHT + "-" + Endpoint.MAX_WEIGHT + ")");
    }
    return weight;
  }

  private static String checkZone(String zone) {
    Objects.requireNonNull(zone, "zone");
    if (zone.isBlank()) {
      throw new IllegalArgumentException("zone: \"" + zone + "\" (expected: a non-blank zone name)");
    }
    return zone;
  }
}
