package dev.roundabout.lb;

/**
 * Thrown by {@link LoadBalancer#pick} and {@link LoadBalancer#acquire} when no endpoint can take a
 * call. The message names the balancer and why, for example
 * {@code no available endpoint in 'orders' (0 endpoints)}.
 */
public final class NoAvailableEndpointException extends LoadBalancerException {
  private static final long serialVersionUID = 1L;

  /** The name of the balancer that had no endpoint. */
  private final String balancerName;

  /** Creates the exception for the balancer {@code balancerName}. */
  public NoAvailableEndpointException(String balancerName, String message) {
    super(message);
    this.balancerName = balancerName;
  }

  /** The name of the balancer that had no endpoint. */
  public String balancerName() {
    return balancerName;
  }
}
