package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import java.util.List;

/** A source that delivers one list, once per subscriber. Immutable and thread-safe. */
final class StaticEndpointSource implements EndpointSource {
  private final List<Endpoint> endpoints;

  StaticEndpointSource(List<Endpoint> endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public Subscription subscribe(Listener listener) {
    checkNotNull(listener, "listener").onEndpoints(endpoints);
    return () -> {};
  }

  @Override
  public String toString() {
    return "EndpointSource.of(" + endpoints + ")";
  }
}
