package dev.roundabout.lb;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Asks one server how loaded it is now, for {@link Pickers#prequal(LoadProbe)}: completes with the
 * requests the server has in flight and its recent latency ({@link ProbedLoad}). The OkHttp module
 * provides an HTTP probe; any transport that can ask a server two numbers can implement it.
 *
 * <p>Called on the balancer's update path, at a rate tied to the balancer's call rate; must not
 * block: start the probe and return a stage that completes later (or one already complete). Must
 * be thread-safe: a factory, and its probe, may serve several balancers. A probe that fails,
 * completes exceptionally or throws counts for nothing: the picker keeps its other probe results
 * and health is left to the balancer's health tracker. A probe that has not completed within
 * {@code timeout} is forgotten (its late result is ignored) and its stage cancelled: a probe
 * should release what it holds, such as a call, when cancelled.
 */
@FunctionalInterface
public interface LoadProbe {
  /** Starts a probe of {@code endpoint} that should take no longer than {@code timeout}. */
  CompletionStage<ProbedLoad> probe(Endpoint endpoint, Duration timeout);
}
