package dev.roundabout.lb.sim;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The simulator's agenda: events in order of time, and of scheduling among equal times, so that a
 * run is deterministic. A binary heap over an array. Not thread-safe: one simulation, one thread.
 */
final class EventQueue {
  /** Something that happens at a point of virtual time. */
  abstract static class Event {
    long time;
    long seq;

    /** Runs the event; the clock reads {@link #time}. */
    abstract void fire();
  }

  private Event[] heap = new Event[1024];
  private int size;
  private long nextSeq;

  void schedule(Event event, long time) {
    event.time = time;
    event.seq = nextSeq++;
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Event p = heap[parent];
      if (!before(event, p)) {
        break;
      }
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  @Nullable Event poll() {
    if (size == 0) {
      return null;
    }
    Event first = heap[0];
    Event last = heap[--size];
    heap[size] = null;
    if (size > 0) {
      int i = 0;
      int half = size >>> 1;
      while (i < half) {
        int child = 2 * i + 1;
        int right = child + 1;
        if (right < size && before(heap[right], heap[child])) {
          child = right;
        }
        if (!before(heap[child], last)) {
          break;
        }
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    return first;
  }

  boolean isEmpty() {
    return size == 0;
  }

  private static boolean before(Event a, Event b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }
}
