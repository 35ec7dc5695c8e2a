package dev.roundabout.lb.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The quality report: the simulator's {@link Validation} against queueing theory, then every
 * scenario under every picker and both oracles, as a Markdown page ({@link #markdown()}) with two
 * charts per scenario ({@link #write(Path)}). Built and run by {@link #builder()}; immutable once
 * run, and thread-safe.
 *
 * <p>Runs are independent and single-threaded, so {@link Builder#run()} spreads them over a few
 * threads and collects them in a fixed order: the report depends on the seed only, never on the
 * number of threads or on scheduling.
 *
 * <pre>{@code
 * Report report = Report.builder()
 *     .scenarios(List.of(myPool))
 *     .pickers(List.of(Policy.builtIn("roundRobin"), Policy.builtIn("powerOfTwoChoices")))
 *     .seed(1)
 *     .run();
 * System.out.println(report.section(myPool));
 * }</pre>
 */
public final class Report {
  /** The file name of the page that {@link #write(Path)} writes. */
  public static final String FILE_NAME = "QUALITY.md";
  /** The directory, beside the page, of its charts. */
  public static final String CHART_DIRECTORY = "quality";

  private final long seed;
  private final List<Validation.Check> validation;
  private final List<Scenario> scenarios;
  private final Map<String, List<ReportFigures>> figures;
  private final List<ReportHedging.Row> hedging;
  private final @Nullable String command;

  private Report(long seed, List<Validation.Check> validation, List<Scenario> scenarios,
      Map<String, List<ReportFigures>> figures, List<ReportHedging.Row> hedging, @Nullable String command) {
    this.seed = seed;
    this.validation = List.copyOf(validation);
    this.scenarios = List.copyOf(scenarios);
    this.figures = Map.copyOf(figures);
    this.hedging = List.copyOf(hedging);
    this.command = command;
  }

  /** A builder of a report over every scenario of {@link Scenarios#all()} and every built-in picker. */
  public static Builder builder() {
    return new Builder();
  }

  /** The seed of every run of this report. */
  public long seed() {
    return seed;
  }

  /** The validation checks, in {@link Validation#run} order; empty if validation was skipped. */
  public List<Validation.Check> validation() {
    return validation;
  }

  /** Whether every validation check is within {@link Validation#TOLERANCE_PERCENT} (true if none ran). */
  public boolean validationPassed() {
    for (Validation.Check check : validation) {
      if (!check.passed()) {
        return false;
      }
    }
    return true;
  }

  /** The scenarios, in the report's order. */
  public List<Scenario> scenarios() {
    return scenarios;
  }

  /**
   * The figures of {@code scenario}: one per picker, then one per oracle.
   *
   * @throws IllegalArgumentException if the report has no scenario of that name
   */
  public List<ReportFigures> figures(Scenario scenario) {
    List<ReportFigures> list = figures.get(Objects.requireNonNull(scenario, "scenario").name());
    if (list == null) {
      throw new IllegalArgumentException("scenario: " + scenario.name() + " (expected: one of " + scenarios + ")");
    }
    return list;
  }

  /** The hedging section's runs, in order: per scenario, per picker; empty if the section was not asked for. */
  List<ReportHedging.Row> hedging() {
    return hedging;
  }

  /** The command that regenerates the page, if one was given. */
  @Nullable String command() {
    return command;
  }

  /** The whole page: header, validation, then every scenario's section with links to its charts. */
  public String markdown() {
    return ReportMarkdown.document(this);
  }

  /** One scenario's section (parameters, table, findings), without chart links. */
  public String section(Scenario scenario) {
    return ReportMarkdown.section(this, scenario, false);
  }

  /**
   * Writes the page to {@code directory}/{@value #FILE_NAME} and its charts to
   * {@code directory}/{@value #CHART_DIRECTORY}/, creating the directories if needed.
   *
   * @throws IOException if a file cannot be written
   */
  public void write(Path directory) throws IOException {
    Path charts = directory.resolve(CHART_DIRECTORY);
    Files.createDirectories(charts);
    for (Scenario scenario : scenarios()) {
      ReportCharts.latency(scenario, figures(scenario), charts.resolve(ReportCharts.latencyFile(scenario)));
      ReportCharts.shares(scenario, figures(scenario), charts.resolve(ReportCharts.sharesFile(scenario)));
    }
    Files.writeString(directory.resolve(FILE_NAME), markdown(), StandardCharsets.UTF_8);
  }

  /** Builds and runs a {@link Report}. Not thread-safe. */
  public static final class Builder {
    private long seed = 1;
    private List<Scenario> scenarios = Scenarios.all();
    private List<Policy> pickers = Policy.builtInPickers();
    private List<Scenario> hedging = List.of();
    private double validationScale = 1;
    private int threads = Runtime.getRuntime().availableProcessors();
    private @Nullable String command;
    private Consumer<String> progress = line -> {};

    private Builder() {}

    /** The seed of every run; default 1. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * The scenarios, in the report's order; default {@link Scenarios#all()}.
     *
     * @throws IllegalArgumentException if empty or if two share a name
     */
    public Builder scenarios(List<Scenario> scenarios) {
      List<Scenario> copy = List.copyOf(Objects.requireNonNull(scenarios, "scenarios"));
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("scenarios: [] (expected: at least one)");
      }
      List<String> names = new ArrayList<>();
      for (Scenario s : copy) {
        if (names.contains(s.name())) {
          throw new IllegalArgumentException("scenarios: " + s.name() + " twice (expected: distinct names)");
        }
        names.add(s.name());
      }
      this.scenarios = copy;
      return this;
    }

    /**
     * The pickers to judge, in the report's order; default {@link Policy#builtInPickers()}. Both
     * {@link Policy#oracles()} always run after them.
     *
     * @throws IllegalArgumentException if empty, or if one is an oracle
     */
    public Builder pickers(List<Policy> pickers) {
      List<Policy> copy = List.copyOf(Objects.requireNonNull(pickers, "pickers"));
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("pickers: [] (expected: at least one)");
      }
      for (Policy p : copy) {
        if (p.isOracle()) {
          throw new IllegalArgumentException("pickers: " + p.name() + " (expected: pickers only; the oracles always run)");
        }
      }
      this.pickers = copy;
      return this;
    }

    /**
     * Adds the hedging section: each of {@code scenarios} under a few pickers, without and with
     * hedging at the 95th percentile under a 5% budget, and its goals; default none.
     */
    public Builder hedging(List<Scenario> scenarios) {
      this.hedging = List.copyOf(Objects.requireNonNull(scenarios, "scenarios"));
      return this;
    }

    /** Adds the hedging section over its default scenarios (drastic-slowdown, one-slow-server, all-slow). */
    public Builder hedging() {
      return hedging(ReportHedging.scenarios());
    }

    /**
     * How long the validation runs, as for {@link Validation#run}: 1 (the default) is the
     * report's length; 0 skips it.
     *
     * @throws IllegalArgumentException if not in [0, 10]
     */
    public Builder validationScale(double scale) {
      if (!(scale >= 0 && scale <= 10)) {
        throw new IllegalArgumentException("validationScale: " + scale + " (expected: 0-10)");
      }
      this.validationScale = scale;
      return this;
    }

    /**
     * How many runs go at once; default the number of processors. The report does not depend on it.
     *
     * @throws IllegalArgumentException if outside 1-256
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("threads: " + threads + " (expected: 1-256)");
      }
      this.threads = threads;
      return this;
    }

    /** The command that regenerates the page, shown in its header. */
    public Builder command(String command) {
      this.command = Objects.requireNonNull(command, "command");
      return this;
    }

    /** Receives a line as each scenario's runs complete (in the report's order); default none. */
    public Builder progress(Consumer<String> progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /**
     * Runs the validation and every scenario under every policy, on up to {@link #threads(int)}
     * threads, and returns the report.
     */
    public Report run() {
      List<Policy> policies = new ArrayList<>(pickers);
      policies.addAll(Policy.oracles());
      List<Thread> started = new CopyOnWriteArrayList<>();
      ExecutorService executor = Executors.newFixedThreadPool(threads, task -> {
        Thread thread = new Thread(task, "roundabout-sim-report-" + (started.size() + 1));
        thread.setDaemon(true);
        started.add(thread);
        return thread;
      });
      boolean completed = false;
      try {
        long runSeed = seed;
        double scale = validationScale;
        // The validation is the longest task: it starts first, and the runs fill the other threads.
        Future<List<Validation.Check>> checks =
            executor.submit(() -> scale == 0 ? List.of() : Validation.run(runSeed, scale));
        Map<Scenario, List<Future<ReportFigures>>> pending = new LinkedHashMap<>();
        for (Scenario scenario : scenarios) {
          List<Future<ReportFigures>> runs = new ArrayList<>();
          for (Policy policy : policies) {
            runs.add(executor.submit(() -> ReportFigures.of(
                Simulation.builder().scenario(scenario).policy(policy).seed(runSeed).run())));
          }
          pending.put(scenario, runs);
        }
        List<Future<ReportFigures>> hedged = new ArrayList<>(); // per scenario, per picker: without, then with
        for (Scenario scenario : hedging) {
          for (String picker : ReportHedging.PICKERS) {
            Policy policy = Policy.builtIn(picker);
            for (Scenario run : List.of(scenario, ReportHedging.hedged(scenario))) {
              hedged.add(executor.submit(() -> ReportFigures.of(
                  Simulation.builder().scenario(run).policy(policy).seed(runSeed).run())));
            }
          }
        }
        Map<String, List<ReportFigures>> done = new LinkedHashMap<>();
        for (Map.Entry<Scenario, List<Future<ReportFigures>>> e : pending.entrySet()) {
          List<ReportFigures> list = new ArrayList<>();
          for (Future<ReportFigures> f : e.getValue()) {
            list.add(await(f));
          }
          done.put(e.getKey().name(), List.copyOf(list));
          progress.accept(e.getKey().name() + ": " + list.size() + " policies");
        }
        List<ReportHedging.Row> hedgingRows = new ArrayList<>();
        int next = 0;
        for (Scenario scenario : hedging) {
          for (String picker : ReportHedging.PICKERS) {
            hedgingRows.add(new ReportHedging.Row(scenario, picker, await(hedged.get(next)), await(hedged.get(next + 1))));
            next += 2;
          }
        }
        if (!hedgingRows.isEmpty()) {
          progress.accept("hedging: " + hedgingRows.size() + " scenario and picker pairs");
        }
        List<Validation.Check> validation = await(checks);
        if (!validation.isEmpty()) {
          progress.accept("validation: " + (validation.stream().allMatch(Validation.Check::passed) ? "passed" : "FAILED"));
        }
        Report report = new Report(seed, validation, scenarios, done, hedgingRows, command);
        completed = true;
        return report;
      } finally {
        if (completed) {
          // Every task is done: the threads end as soon as they see the shutdown; none outlives run().
          executor.shutdown();
          for (Thread thread : started) {
            joinUninterruptibly(thread);
          }
        } else {
          executor.shutdownNow(); // a run failed: the others are abandoned (a run does not stop midway)
        }
      }
    }

    private static void joinUninterruptibly(Thread thread) {
      boolean interrupted = false;
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    private static <T> T await(Future<T> future) {
      try {
        return future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the report was running", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (cause instanceof Error error) {
          throw error;
        }
        throw new IllegalStateException(cause);
      }
    }
  }
}
