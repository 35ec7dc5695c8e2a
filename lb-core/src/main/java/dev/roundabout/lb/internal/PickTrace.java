package dev.roundabout.lb.internal;

import dev.roundabout.lb.ReadyEndpoints;
import org.jspecify.annotations.Nullable;

/**
 * What a picker looked at for one sampled pick, for the balancer's decision log: the candidates it
 * considered (their ready index, the in-flight count at that moment, and the score the picker gave
 * them, if it scores), and the rule that made its choice. Not part of the API.
 *
 * <p>Not thread-safe: one per thread, reused from pick to pick ({@link #start} forgets the last
 * one); recording allocates nothing. At most {@link #MAX_CANDIDATES} candidates are kept, the
 * others only counted.
 */
public final class PickTrace {
  /** The most candidates a trace keeps; a scan of a larger pool counts the others. */
  public static final int MAX_CANDIDATES = 16;

  private final int[] indexes = new int[MAX_CANDIDATES];
  private final int[] inFlight = new int[MAX_CANDIDATES];
  private final double[] scores = new double[MAX_CANDIDATES];
  private int count;
  private int seen;
  private @Nullable ReadyEndpoints ready;
  private @Nullable String scoreName;
  private boolean scoreInNanos;
  private String rule = "";

  /** Starts the trace of a pick among {@code ready}, forgetting the previous one. */
  public void start(ReadyEndpoints ready) {
    this.ready = ready;
    this.count = 0;
    this.seen = 0;
    this.scoreName = null;
    this.scoreInNanos = false;
    this.rule = "";
  }

  /**
   * Names the score the picker gives candidates ({@code "load"}, {@code "cost"}); {@code nanos}
   * when the score is a time in nanoseconds.
   */
  public void scoredBy(String name, boolean nanos) {
    this.scoreName = name;
    this.scoreInNanos = nanos;
  }

  /** The picker considered the endpoint at {@code index}; {@code score} NaN when it has none. */
  public void candidate(int index, double score) {
    seen++;
    if (count < MAX_CANDIDATES) {
      ReadyEndpoints r = ready;
      indexes[count] = index;
      inFlight[count] = r == null ? 0 : r.inFlight(index);
      scores[count] = score;
      count++;
    }
  }

  /** The pool has one endpoint: the picker chose it without comparing; {@code score} NaN when it has none. */
  public void onlyEndpoint(double score) {
    candidate(0, score);
    rule("the only endpoint");
  }

  /**
   * The picker chose the endpoint at {@code index} by {@code rule} without scoring candidates (a
   * rotation, a draw): records both, and returns {@code index}.
   */
  public int chose(int index, String rule) {
    candidate(index, Double.NaN);
    rule(rule);
    return index;
  }

  /** The rule that chose, for a person: a constant such as {@code "the lower load of two random candidates"}. */
  public void rule(String rule) {
    this.rule = rule;
  }

  /** The rule set by {@link #rule}, empty if none. */
  public String rule() {
    return rule;
  }

  /** The number of candidates kept. */
  public int count() {
    return count;
  }

  /** The number of candidates considered, kept or not. */
  public int seen() {
    return seen;
  }

  /** The ready index of kept candidate {@code k}. */
  public int index(int k) {
    return indexes[k];
  }

  /** The in-flight count of kept candidate {@code k} when the picker considered it. */
  public int inFlight(int k) {
    return inFlight[k];
  }

  /** The score of kept candidate {@code k}, NaN if the picker gave none. */
  public double score(int k) {
    return scores[k];
  }

  /** The name of the score, or null when the picker does not score candidates. */
  public @Nullable String scoreName() {
    return scoreName;
  }

  /** Whether the score is a time in nanoseconds. */
  public boolean scoreInNanos() {
    return scoreInNanos;
  }

  /**
   * A picker that can explain a pick: {@link #pick(dev.roundabout.lb.PickContext, PickTrace)}
   * makes the same choice as {@code pick(context)} (the same draws, the same rules) and records
   * it. The built-in pickers implement it; the balancer calls it only for a sampled pick.
   */
  public interface Explaining extends dev.roundabout.lb.Picker {
    /** Chooses as {@code pick(context)} does, recording the candidates and the rule into {@code trace}. */
    int pick(dev.roundabout.lb.PickContext context, PickTrace trace);
  }
}
