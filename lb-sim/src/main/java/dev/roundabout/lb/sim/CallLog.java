package dev.roundabout.lb.sim;

import java.util.Arrays;

/**
 * Every call of a run, in primitive arrays: start, end, success, the server of its last attempt,
 * its attempts; and the attempts each server received. Not thread-safe.
 */
final class CallLog {
  private long[] start = new long[1 << 16];
  private long[] end = new long[1 << 16];
  private boolean[] success = new boolean[1 << 16];
  private int[] server = new int[1 << 16];
  private int[] attempts = new int[1 << 16];
  private boolean[] closed = new boolean[1 << 16];
  private int size;
  private final long[] attemptsPerServer;

  CallLog(int servers) {
    this.attemptsPerServer = new long[servers];
  }

  int nextId() {
    if (size == start.length) {
      int n = size * 2;
      start = Arrays.copyOf(start, n);
      end = Arrays.copyOf(end, n);
      success = Arrays.copyOf(success, n);
      server = Arrays.copyOf(server, n);
      attempts = Arrays.copyOf(attempts, n);
      closed = Arrays.copyOf(closed, n);
    }
    server[size] = -1;
    return size++;
  }

  void started(Simulation.Call call) {
    start[call.id] = call.start;
  }

  void finished(int id, long now, boolean ok, int lastServer, int attemptCount) {
    end[id] = now;
    success[id] = ok;
    server[id] = lastServer;
    attempts[id] = attemptCount;
    closed[id] = true;
  }

  void attempted(int serverIndex) {
    attemptsPerServer[serverIndex]++;
  }

  /** Calls still open at {@code now} end there, failed (their latency is cut at that point). */
  void cutOpenCalls(long now) {
    for (int i = 0; i < size; i++) {
      if (!closed[i]) {
        end[i] = now;
        success[i] = false;
        closed[i] = true;
      }
    }
  }

  int size() {
    return size;
  }

  long start(int i) {
    return start[i];
  }

  long end(int i) {
    return end[i];
  }

  boolean success(int i) {
    return success[i];
  }

  int server(int i) {
    return server[i];
  }

  int attempts(int i) {
    return attempts[i];
  }

  long[] attemptsPerServer() {
    return attemptsPerServer.clone();
  }

  int servers() {
    return attemptsPerServer.length;
  }
}
