package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.quote;

import dev.roundabout.lb.internal.ConfigValues;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reader of configuration text for {@link Pickers#named(String)}: a picker's name and its
 * options in parentheses, mapped to the factory's option methods.
 */
final class PickerText {
  /** The names {@link Pickers#named(String)} accepts, in the order its messages list them. */
  private static final List<String> NAMES = List.of(
      "roundRobin", "weightedRoundRobin", "random", "weightedRandom", "leastConnections", "powerOfTwoChoices",
      "ringHash", "maglev", "rendezvous", "peakEwma", "adaptive", "reportedLoad");

  private PickerText() {}

  /** The factory {@code text} names; see {@link Pickers#named(String)}. */
  static PickerFactory parse(String text) {
    String trimmed = text.trim();
    int open = trimmed.indexOf('(');
    String name = (open < 0 ? trimmed : trimmed.substring(0, open)).trim();
    if (name.equals("prequal")) {
      throw new IllegalArgumentException("picker: \"prequal\" (expected: one of " + String.join(", ", NAMES)
          + "; prequal needs a LoadProbe: build it with Pickers.prequal(probe))");
    }
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "picker: " + quote(name) + " (expected: one of " + String.join(", ", NAMES) + ")");
    }
    Map<String, String> options = new LinkedHashMap<>();
    if (open >= 0) {
      if (!trimmed.endsWith(")")) {
        throw new IllegalArgumentException(
            "picker: " + quote(trimmed) + " (expected: " + name + " or " + name + "(key=value, ...))");
      }
      String inside = trimmed.substring(open + 1, trimmed.length() - 1).trim();
      for (String option : inside.isEmpty() ? new String[0] : inside.split(",", -1)) {
        int eq = option.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException(
              name + " option: " + quote(option.trim()) + " (expected: key=value)");
        }
        String key = option.substring(0, eq).trim();
        if (options.put(key, option.substring(eq + 1).trim()) != null) {
          throw new IllegalArgumentException(name + " option: " + quote(key) + " (expected: each key once)");
        }
      }
    }
    return withOptions(name, options);
  }

  private static PickerFactory withOptions(String name, Map<String, String> options) {
    switch (name) {
      case "ringHash" -> {
        checkKeys(name, options, "pointsPerWeight", "ringSize", "boundedLoad");
        Pickers.RingHashFactory factory = Pickers.RingHashFactory.DEFAULT;
        for (Map.Entry<String, String> e : options.entrySet()) {
          factory = switch (e.getKey()) {
            case "pointsPerWeight" -> factory.pointsPerWeight(intValue(e));
            case "ringSize" -> factory.ringSize(intValue(e));
            default -> factory.boundedLoad(doubleValue(e));
          };
        }
        return factory;
      }
      case "maglev" -> {
        checkKeys(name, options, "tableSize", "boundedLoad");
        Pickers.MaglevFactory factory = Pickers.MaglevFactory.DEFAULT;
        for (Map.Entry<String, String> e : options.entrySet()) {
          factory = e.getKey().equals("tableSize") ? factory.tableSize(intValue(e)) : factory.boundedLoad(doubleValue(e));
        }
        return factory;
      }
      case "rendezvous" -> {
        checkKeys(name, options, "boundedLoad");
        Pickers.RendezvousFactory factory = Pickers.RendezvousFactory.DEFAULT;
        for (Map.Entry<String, String> e : options.entrySet()) {
          factory = factory.boundedLoad(doubleValue(e));
        }
        return factory;
      }
      case "peakEwma" -> {
        checkKeys(name, options, "decay");
        Pickers.PeakEwmaFactory factory = Pickers.PeakEwmaFactory.DEFAULT;
        for (Map.Entry<String, String> e : options.entrySet()) {
          factory = factory.decay(durationValue(e));
        }
        return factory;
      }
      case "adaptive" -> {
        checkKeys(name, options, "decay", "failurePenalty", "candidates");
        Pickers.AdaptiveFactory factory = Pickers.AdaptiveFactory.DEFAULT;
        for (Map.Entry<String, String> e : options.entrySet()) {
          factory = switch (e.getKey()) {
            case "decay" -> factory.decay(durationValue(e));
            case "failurePenalty" -> factory.failurePenalty(durationValue(e));
            default -> factory.candidates(intValue(e));
          };
        }
        return factory;
      }
      case "reportedLoad" -> {
        checkKeys(name, options, "blackoutPeriod", "weightExpirationPeriod", "weightUpdatePeriod",
            "errorUtilizationPenalty");
        Pickers.ReportedLoadFactory factory = Pickers.ReportedLoadFactory.DEFAULT;
        for (Map.Entry<String, String> e : options.entrySet()) {
          factory = switch (e.getKey()) {
            case "blackoutPeriod" -> factory.blackoutPeriod(durationValue(e));
            case "weightExpirationPeriod" -> factory.weightExpirationPeriod(durationValue(e));
            case "weightUpdatePeriod" -> factory.weightUpdatePeriod(durationValue(e));
            default -> factory.errorUtilizationPenalty(doubleValue(e));
          };
        }
        return factory;
      }
      default -> {
        checkKeys(name, options);
        return simple(name);
      }
    }
  }

  private static PickerFactory simple(String name) {
    return switch (name) {
      case "roundRobin" -> Pickers.roundRobin();
      case "weightedRoundRobin" -> Pickers.weightedRoundRobin();
      case "random" -> Pickers.random();
      case "weightedRandom" -> Pickers.weightedRandom();
      case "leastConnections" -> Pickers.leastConnections();
      default -> Pickers.powerOfTwoChoices();
    };
  }

  /** Refuses a key not in {@code accepted}. */
  private static void checkKeys(String name, Map<String, String> options, String... accepted) {
    List<String> keys = List.of(accepted);
    for (String key : options.keySet()) {
      if (!keys.contains(key)) {
        throw new IllegalArgumentException(name + " option: " + quote(key) + " (expected: "
            + (keys.isEmpty() ? "no options" : String.join(", ", keys)) + ")");
      }
    }
  }

  private static int intValue(Map.Entry<String, String> option) {
    return ConfigValues.wholeNumber(option.getKey(), option.getValue());
  }

  private static double doubleValue(Map.Entry<String, String> option) {
    return ConfigValues.number(option.getKey(), option.getValue());
  }

  private static Duration durationValue(Map.Entry<String, String> option) {
    return ConfigValues.duration(option.getKey(), option.getValue(), "500ms, 10s, 2m or PT10S");
  }
}
