package dev.roundabout.lb.internal;

/**
 * What the balancer's ready list shows the probing picker of each endpoint, beyond the public
 * {@code ReadyEndpoints}: how many calls to it have ended, so that probes follow the call rate.
 * Not part of the API.
 */
public interface ProbeView {
  /** The calls to the endpoint that have ended (succeeded or failed) since it joined the balancer. */
  long callsEnded(int index);
}
