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
    return LoadBalancer.builder("test").endpoints(endpoints).picker(picker).random(new SplittableRandom(seed)).build();
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
}
