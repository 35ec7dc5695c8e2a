package dev.roundabout.examples;

import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.Pickers;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The demo's command line: {@code --picker NAME --duration 20s --clients N --seed N --compare}. */
final class DemoOptions {
  static final String USAGE =
      "usage: demo [--picker NAME] [--duration 20s] [--clients N] [--seed N] [--compare]\n"
          + "  --picker    a picker name: roundRobin, weightedRoundRobin, random, weightedRandom,\n"
          + "              leastConnections, powerOfTwoChoices, ringHash, maglev, rendezvous, peakEwma, adaptive,\n"
          + "              reportedLoad (its servers send no load report: equal weights),\n"
          + "              with options in parentheses if any, such as adaptive(decay=5s)\n"
          + "              (default adaptive, the best general choice in lb-sim's report)\n"
          + "  --duration  how long the script runs, such as 20s, 5000ms or 1m (1s to 10m, default 20s)\n"
          + "  --clients   concurrent client threads (1 to 64, default 8)\n"
          + "  --seed      randomness of the balancer (default 1)\n"
          + "  --compare   run the script under several pickers and print them side by side\n";

  static final List<String> COMPARED =
      List.of("roundRobin", "random", "leastConnections", "powerOfTwoChoices", "peakEwma", "adaptive");

  String picker = "adaptive";
  Duration duration = Duration.ofSeconds(20);
  int clients = 8;
  long seed = 1;
  boolean compare;

  /** Parses {@code args}; throws {@link IllegalArgumentException} with what was wrong. */
  static DemoOptions parse(String... args) {
    DemoOptions options = new DemoOptions();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--compare":
          options.compare = true;
          break;
        case "--picker":
          options.picker = value(args, ++i, arg);
          factory(options.picker);
          break;
        case "--duration":
          options.duration = duration(value(args, ++i, arg));
          break;
        case "--clients":
          options.clients = number(value(args, ++i, arg), arg, 1, 64);
          break;
        case "--seed":
          try {
            options.seed = Long.parseLong(value(args, ++i, arg));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed: " + args[i] + " (expected: a whole number)");
          }
          break;
        default:
          throw new IllegalArgumentException(arg + ": unknown option");
      }
    }
    return options;
  }

  /** The picker factory {@link Pickers#named(String)} gives for {@code name}, with its message if none. */
  static PickerFactory factory(String name) {
    return Pickers.named(name);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + ": missing value");
    }
    return args[i];
  }

  private static int number(String text, String option, int min, int max) {
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException(option + ": " + text + " (expected: " + min + "-" + max + ")");
  }

  static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Duration d = null;
    try {
      if (t.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      }
    } catch (NumberFormatException | ArithmeticException e) {
      d = null;
    }
    if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("--duration: " + text + " (expected: 1s to 10m, such as 20s, 5000ms or 1m)");
    }
    return d;
  }
}
