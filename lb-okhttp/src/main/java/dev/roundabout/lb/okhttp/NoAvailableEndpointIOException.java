package dev.roundabout.lb.okhttp;

import java.io.IOException;

/**
 * A call to a balanced service found no endpoint to send to: every endpoint is ejected, unhealthy
 * or gone, or the balancer is closed. Names the service and the balancer's reason, such as
 * {@code no endpoint for service 'orders': no available endpoint in 'orders' (3 endpoints: 3 ejected)}.
 */
public final class NoAvailableEndpointIOException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The logical service name of the request. */
  private final String service;

  NoAvailableEndpointIOException(String service, RuntimeException cause) {
    super("no endpoint for service '" + service + "': " + cause.getMessage(), cause);
    this.service = service;
  }

  /** The logical service name of the request. */
  public String service() {
    return service;
  }
}
