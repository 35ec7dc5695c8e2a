package dev.roundabout.lb;

import org.jspecify.annotations.Nullable;

/** The base of the unchecked exceptions a load balancer throws at run time. */
public class LoadBalancerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message. */
  public LoadBalancerException(String message) {
    super(message);
  }

  /** Creates an exception with a message and a cause. */
  public LoadBalancerException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
