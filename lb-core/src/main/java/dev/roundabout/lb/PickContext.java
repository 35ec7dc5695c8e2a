package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import dev.roundabout.lb.internal.XxHash64;
import java.net.InetAddress;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * What a pick may look at beyond the endpoints themselves: an optional affinity key, and endpoints
 * to avoid (a retry). Pickers that
 * do not use a context ignore it; {@link #empty()} is the context of a plain pick.
 *
 * <p>A key is kept as its 64-bit hash (XXH64, seed 0), computed once here, so that hash pickers
 * ({@link Pickers#ringHash()}, {@link Pickers#maglev()}, {@link Pickers#rendezvous()}) pay nothing
 * for it per pick. The hash is fully specified: the same key maps to the same endpoint of the same
 * list in every balancer, every JVM and every run. A string key is hashed as its UTF-8 bytes, so
 * {@code ofKey("user-42")} and {@code ofKey("user-42".getBytes(UTF_8))} are the same key.
 *
 * <p>Immutable and thread-safe.
 */
public final class PickContext {
  private static final String[] NONE = new String[0];
  private static final PickContext EMPTY = new PickContext(false, 0, NONE);

  private final boolean hasKey;
  private final long keyHash;
  private final String[] avoided; // host:port of endpoints to avoid
  private final boolean avoidsAny; // avoided is not empty: one field for the pick path to read

  private PickContext(boolean hasKey, long keyHash, String[] avoided) {
    this.hasKey = hasKey;
    this.keyHash = keyHash;
    this.avoided = avoided;
    this.avoidsAny = avoided.length > 0;
  }

  /** Returns the shared context that carries nothing. */
  public static PickContext empty() {
    return EMPTY;
  }

  /**
   * A context keyed by {@code key} (a user id, a session id, a cache key), hashed as UTF-8.
   *
   * @throws NullPointerException if {@code key} is null
   */
  public static PickContext ofKey(String key) {
    checkNotNull(key, "key");
    return new PickContext(true, XxHash64.hashUtf8(key, 0), NONE); // hashed as UTF-8 with no array
  }

  /**
   * A context keyed by the bytes of {@code key}, which are hashed at once (later changes to the
   * array do not change the context).
   *
   * @throws NullPointerException if {@code key} is null
   */
  public static PickContext ofKey(byte[] key) {
    checkNotNull(key, "key");
    return new PickContext(true, XxHash64.hash(key), NONE);
  }

  /**
   * A context keyed by a hash the caller computed. The hash pickers use it as it is, so it should
   * be well mixed: spread over all 64 bits, as a good 64-bit hash function gives.
   */
  public static PickContext ofHash(long hash) {
    return new PickContext(true, hash, NONE);
  }

  /**
   * A context keyed by a client's IP address (IP hash): the address bytes, 4 for IPv4 and 16 for
   * IPv6, as {@link #ofKey(byte[])}. Every call of one client then goes to the same endpoint of a
   * hash picker. Clients behind one NAT share an address, and so share an endpoint.
   *
   * @throws NullPointerException if {@code address} is null
   */
  public static PickContext ofClientAddress(InetAddress address) {
    checkNotNull(address, "address");
    return ofKey(address.getAddress());
  }

  /**
   * This context, also asking the balancer to avoid {@code endpoint} (by {@code host:port}) while
   * another endpoint is available: how a retry goes to a different endpoint. The balancer first
   * asks its picker again, then takes the next ready endpoint that is not avoided; only when every
   * ready endpoint is avoided does it pick an avoided one.
   *
   * @throws NullPointerException if {@code endpoint} is null
   */
  public PickContext avoiding(Endpoint endpoint) {
    checkNotNull(endpoint, "endpoint");
    String[] more = Arrays.copyOf(avoided, avoided.length + 1);
    more[avoided.length] = endpoint.address();
    return new PickContext(hasKey, keyHash, more);
  }

  /** Whether {@code endpoint} ({@code host:port}) is among the endpoints this context avoids. */
  public boolean avoids(Endpoint endpoint) {
    return avoids(checkNotNull(endpoint, "endpoint").address());
  }

  /** Whether {@code address} ({@code host:port}) is among the endpoints to avoid. */
  boolean avoids(String address) {
    for (String a : avoided) {
      if (a.equals(address)) {
        return true;
      }
    }
    return false;
  }

  /** Whether this context avoids some endpoint. */
  boolean avoidsAny() {
    return avoidsAny;
  }

  /** Whether this context carries a key. */
  public boolean hasKey() {
    return hasKey;
  }

  /**
   * The 64-bit hash of the key.
   *
   * @throws IllegalStateException if this context has no key ({@link #hasKey()} is false)
   */
  public long keyHash() {
    if (!hasKey) {
      throw new IllegalStateException("PickContext.empty() has no key (expected: hasKey() checked first)");
    }
    return keyHash;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof PickContext that
        && that.hasKey == hasKey
        && that.keyHash == keyHash
        && Arrays.equals(that.avoided, avoided);
  }

  @Override
  public int hashCode() {
    return hasKey ? Long.hashCode(keyHash) : -1;
  }

  @Override
  public String toString() {
    String base = hasKey ? "PickContext.ofHash(0x" + Long.toHexString(keyHash) + "L)" : "PickContext.empty()";
    return avoided.length == 0 ? base : base + ".avoiding(" + String.join(", ", avoided) + ")";
  }
}
