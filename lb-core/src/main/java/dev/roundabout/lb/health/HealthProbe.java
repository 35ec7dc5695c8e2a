package dev.roundabout.lb.health;

import dev.roundabout.lb.Endpoint;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * One active health check of one endpoint, for {@link ActiveHealthChecker}: completes with true
 * when the endpoint is healthy, false (or exceptionally) when it is not.
 *
 * <p>Called on the checker's scheduler thread; must not block: start the check and return a stage
 * that completes later. Must be thread-safe: a checker given to several balancers calls its probe
 * from the checks of each, which run on a thread per balancer unless they share a scheduler. The checker counts a check that does not complete within {@code timeout}
 * as failed, ignores its late result, and cancels the stage when it can (a probe should release
 * its resources, such as a socket, when cancelled). A probe that throws counts as failed.
 * {@link TcpConnectProbe} checks that a TCP connection opens; HTTP probes come with the OkHttp
 * module.
 */
@FunctionalInterface
public interface HealthProbe {
  /** Starts a check of {@code endpoint} that should take no longer than {@code timeout}. */
  CompletionStage<Boolean> check(Endpoint endpoint, Duration timeout);
}
