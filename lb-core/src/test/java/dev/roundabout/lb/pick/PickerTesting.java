package dev.roundabout.lb.pick;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.PickerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Helpers for the picker tests. */
final class PickerTesting {
  private PickerTesting() {}

  /** Endpoints 10.0.0.1:80, 10.0.0.2:80, ... with the given weights. */
  static List<Endpoint> weighted(int... weights) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      endpoints.add(endpoint(i, weights[i]));
    }
    return endpoints;
  }

  static Endpoint endpoint(int index, int weight) {
    return Endpoint.builder("10." + (index >> 16 & 255) + "." + (index >> 8 & 255) + "." + (index & 255), 80)
        .weight(weight)
        .build();
  }

  static LoadBalancer balancer(PickerFactory picker, List<Endpoint> endpoints, long seed) {
    return LoadBalancer.builder("test").executor(Runnable::run).endpoints(endpoints).picker(picker).random(new SplittableRandom(seed)).build();
  }

  /** The indexes in {@code endpoints} of {@code count} picks. */
  static int[] pickIndexes(LoadBalancer lb, List<Endpoint> endpoints, int count) {
    int[] indexes = new int[count];
    for (int i = 0; i < count; i++) {
      indexes[i] = endpoints.indexOf(lb.pick());
    }
    return indexes;
  }

  static int[] counts(int[] indexes, int size) {
    int[] counts = new int[size];
    for (int index : indexes) {
      counts[index]++;
    }
    return counts;
  }

  /** The picks as letters a, b, c... */
  static String letters(int[] indexes) {
    StringBuilder sb = new StringBuilder();
    for (int index : indexes) {
      sb.append((char) ('a' + index));
    }
    return sb.toString();
  }

  /** Whether {@code cycle} read from some starting point is {@code expected}. */
  static boolean isRotationOf(String cycle, String expected) {
    return cycle.length() == expected.length() && (expected + expected).contains(cycle);
  }

  /** Picks {@code perThread} times on each of two threads started together; counts per index of {@code endpoints}. */
  static int[] pickOnTwoThreads(LoadBalancer lb, List<Endpoint> endpoints, int perThread) throws Exception {
    java.util.concurrent.atomic.AtomicIntegerArray counts = new java.util.concurrent.atomic.AtomicIntegerArray(endpoints.size());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      Runnable picker = () -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < perThread; i++) {
          counts.incrementAndGet(endpoints.indexOf(lb.pick()));
        }
      };
      java.util.concurrent.CompletableFuture<Void> first = java.util.concurrent.CompletableFuture.runAsync(picker, pool);
      java.util.concurrent.CompletableFuture<Void> second = java.util.concurrent.CompletableFuture.runAsync(picker, pool);
      start.countDown();
      java.util.concurrent.CompletableFuture.allOf(first, second).get(30, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    int[] result = new int[endpoints.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = counts.get(i);
    }
    return result;
  }
}
