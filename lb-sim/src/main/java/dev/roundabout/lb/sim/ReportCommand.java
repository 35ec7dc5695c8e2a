package dev.roundabout.lb.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The quality report's command, run from the repository's root:
 *
 * <pre>
 * ./mvnw -q -pl lb-sim -am compile exec:java@report -Dexec.args="--all"
 * ./mvnw -q -pl lb-sim -am compile exec:java@report -Dexec.args="--scenario one-slow-server --pickers roundRobin,leastConnections"
 * </pre>
 *
 * <p>{@code --all} runs the validation and every scenario under every built-in picker and both
 * oracles, and writes {@code QUALITY.md} and {@code quality/*.png} to the output directory (lb-sim/
 * by default, {@code --out DIR} to change it). {@code --scenario NAME[,NAME...]} prints those
 * scenarios' sections (with the oracles) to standard output instead, and {@code --pickers}
 * narrows the pickers. {@code --seed N} (default 1) seeds every run.
 *
 * <p>Exit status: 0; 1 if the validation failed (the page is written and says so at its top) or
 * the page could not be written; 2 for bad arguments (with a usage message on standard error).
 */
public final class ReportCommand {
  static final int OK = 0;
  /** The validation failed, or the report could not be written. */
  static final int FAILED = 1;
  static final int USAGE = 2;
  /** The system property the build sets to lb-sim's directory, the default of {@code --out}. */
  static final String OUT_PROPERTY = "roundabout.sim.out";

  static final String USAGE_TEXT = String.join("\n",
      "usage: ./mvnw -q -pl lb-sim -am compile exec:java@report -Dexec.args=\"ARGS\", where ARGS is one of",
      "  --all [--out DIR] [--seed N]",
      "      validation and every scenario, written to DIR/" + Report.FILE_NAME + " and DIR/"
          + Report.CHART_DIRECTORY + "/*.png (DIR: lb-sim/ by default)",
      "  --scenario NAME[,NAME...] [--pickers NAME[,NAME...]] [--seed N]",
      "      those scenarios' tables (every built-in picker unless --pickers, and the oracles) on standard output",
      "  --help",
      "scenarios: " + String.join(", ", Scenarios.names()),
      "pickers: " + String.join(", ", pickerNames()),
      "seed: an integer (default 1)");

  private ReportCommand() {}

  /** Runs the command with {@code args}, as described above; a status other than 0 exits the JVM with it. */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true"); // before any AWT class loads: charts are drawn off screen
    int status = run(args, System.out, System.err);
    System.out.flush();
    if (status != OK) {
      System.exit(status);
    }
  }

  /** Runs the command with {@code args}, printing to {@code out} and {@code err}; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("lb-sim: " + e.getMessage());
      err.println(USAGE_TEXT);
      return USAGE;
    }
    if (options.help) {
      out.println(USAGE_TEXT);
      return OK;
    }
    Report.Builder builder = Report.builder().seed(options.seed).progress(line -> err.println("lb-sim: " + line));
    if (options.all) {
      Report report = builder.validationScale(1).hedging().command(command(options.seed)).run();
      Path dir = Path.of(options.out != null ? options.out : System.getProperty(OUT_PROPERTY, "lb-sim"));
      try {
        report.write(dir);
      } catch (IOException e) {
        err.println("lb-sim: cannot write the report to " + dir + ": " + e);
        return FAILED;
      }
      err.println("lb-sim: wrote " + dir.resolve(Report.FILE_NAME) + " and " + dir.resolve(Report.CHART_DIRECTORY)
          + "/*.png");
      if (!report.validationPassed()) {
        err.println("lb-sim: VALIDATION FAILED: the simulator disagrees with queueing theory; see the top of "
            + Report.FILE_NAME);
        return FAILED;
      }
      return OK;
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (String name : options.scenarios) {
      scenarios.add(Scenarios.named(name));
    }
    List<Policy> pickers = new ArrayList<>();
    for (String name : options.pickers) {
      pickers.add(Policy.builtIn(name));
    }
    Report report = builder.scenarios(scenarios).pickers(pickers).validationScale(0).run();
    for (Scenario s : report.scenarios()) {
      out.print(report.section(s));
    }
    return OK;
  }

  /** The command that regenerates the page with {@code seed}, for its header. */
  static String command(long seed) {
    return "./mvnw -q -pl lb-sim -am compile exec:java@report -Dexec.args=\"--all --seed " + seed + "\"";
  }

  private static List<String> pickerNames() {
    List<String> names = new ArrayList<>();
    for (Policy p : Policy.builtInPickers()) {
      names.add(p.name());
    }
    return names;
  }

  /** The parsed arguments. */
  static final class Options {
    boolean all;
    boolean help;
    List<String> scenarios = List.of();
    List<String> pickers = pickerNames();
    long seed = 1;
    @Nullable String out;

    /**
     * Parses {@code args}.
     *
     * @throws IllegalArgumentException naming the bad argument and what was expected
     */
    static Options parse(String[] args) {
      Options o = new Options();
      Set<String> seen = new LinkedHashSet<>();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.isEmpty()) {
          continue; // exec.args with extra spaces
        }
        if (!seen.add(arg) && arg.startsWith("--")) {
          throw new IllegalArgumentException(arg + ": given twice (expected: each option at most once)");
        }
        switch (arg) {
          case "--all" -> o.all = true;
          case "--help", "-h" -> o.help = true;
          case "--scenario" -> o.scenarios = names(arg, value(args, ++i, arg), Scenarios.names());
          case "--pickers" -> o.pickers = names(arg, value(args, ++i, arg), pickerNames());
          case "--seed" -> o.seed = seed(value(args, ++i, arg));
          case "--out" -> o.out = value(args, ++i, arg);
          default -> throw new IllegalArgumentException("\"" + arg + "\": unknown argument (expected: --all, --scenario, "
              + "--pickers, --seed, --out or --help)");
        }
      }
      if (o.help) {
        return o;
      }
      if (o.all == !o.scenarios.isEmpty()) {
        throw new IllegalArgumentException(o.all ? "--all and --scenario: both given (expected: one of them)"
            : "no --all or --scenario (expected: one of them)");
      }
      if (o.all && seen.contains("--pickers")) {
        throw new IllegalArgumentException("--pickers: only with --scenario (expected: --all runs every picker)");
      }
      if (!o.all && o.out != null) {
        throw new IllegalArgumentException("--out: only with --all (expected: --scenario prints to standard output)");
      }
      return o;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length || args[i].startsWith("--")) {
        throw new IllegalArgumentException(option + ": no value (expected: " + option + " VALUE)");
      }
      return args[i];
    }

    private static List<String> names(String option, String value, List<String> known) {
      List<String> names = new ArrayList<>();
      for (String name : value.split(",", -1)) {
        String n = name.strip();
        if (!known.contains(n)) {
          throw new IllegalArgumentException(option + ": \"" + n + "\" (expected: one of " + String.join(", ", known) + ")");
        }
        if (names.contains(n)) {
          throw new IllegalArgumentException(option + ": \"" + n + "\" twice (expected: each name once)");
        }
        names.add(n);
      }
      return List.copyOf(names);
    }

    private static long seed(String value) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--seed: \"" + value + "\" (expected: an integer)", e);
      }
    }
  }
}
