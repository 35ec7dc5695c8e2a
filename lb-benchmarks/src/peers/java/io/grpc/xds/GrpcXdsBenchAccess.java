package io.grpc.xds;

import io.grpc.Attributes;
import io.grpc.CallOptions;

/**
 * The two package-private keys of grpc-xds that the gRPC peers ({@code GrpcPeers}) need, and
 * nothing else: the per-endpoint weight the ring_hash policy reads from an address group, and the
 * call option the xDS resolver sets on every call for ring_hash to pick by. Built only with
 * {@code -Ppeers}; it lives in {@code io.grpc.xds} only because those keys are package-private.
 */
public final class GrpcXdsBenchAccess {
  private GrpcXdsBenchAccess() {}

  /** The weight attribute of an {@code EquivalentAddressGroup}, as the xDS cluster resolver sets it. */
  public static Attributes.Key<Long> serverWeightKey() {
    return XdsAttributes.ATTR_SERVER_WEIGHT;
  }

  /** The request hash, as the xDS resolver's config selector sets it on each call's options. */
  public static CallOptions.Key<Long> requestHashKey() {
    return XdsNameResolver.RPC_HASH_KEY;
  }
}
