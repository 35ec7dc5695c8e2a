package dev.roundabout.lb.benchmarks.peers;

/**
 * One peer library's picker over a pool, adapted for the side-by-side benchmarks: what the
 * library does to choose an endpoint for one call, and nothing else (no connection, no I/O).
 *
 * <p>Must be thread-safe when the library's picker is: the 2-thread benchmarks share one instance.
 */
public interface PeerPicker {
  /**
   * Picks for a call; {@code keyHash} is the call's affinity key for the hashing peers (ignored by
   * the others) and {@code key} the same key as a string, for peers that hash strings themselves.
   * Returns what the library returns (its endpoint object), so that the work is not optimized away.
   */
  Object pick(long keyHash, String key);
}
