package dev.roundabout.lb.internal;

import dev.roundabout.lb.Picker;

/**
 * A picker that recomputes what it picks by (weights from live figures) at times it chooses, off
 * the pick path: the balancer's update path calls {@link #refresh} whenever it publishes a snapshot
 * with this picker, and schedules the next publication no later than the delay it returns, as it
 * does for slow start's steps. Not part of the API.
 */
public interface RefreshingPicker extends Picker {
  /**
   * Recomputes from the figures at {@code now}; called on the balancer's serialized update path,
   * never concurrently with itself, while picks go on concurrently.
   *
   * @return nanoseconds until the next refresh is due, {@link Long#MAX_VALUE} for none
   */
  long refresh(long now);
}
