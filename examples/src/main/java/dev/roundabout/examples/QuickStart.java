package dev.roundabout.examples;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.Pickers;
import java.io.IOException;
import java.util.List;

/**
 * The picker API called from service code, with any transport: the README's quick start, as a
 * program ({@code ExamplesReadmeTest} keeps the two the same).
 */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) {
    // quick-start:begin
    LoadBalancer lb = LoadBalancer.builder("orders")
        .endpoints(List.of(
            Endpoint.of("10.0.0.1", 8080),
            Endpoint.builder("10.0.0.2", 8080).weight(3).build()))
        .picker(Pickers.powerOfTwoChoices())
        .build();

    Endpoint next = lb.pick();      // a plain pick: no lease, no outcome

    try (Lease lease = lb.acquire(PickContext.empty())) {
      try {
        call(lease.endpoint());     // your client, any transport
        lease.success();
      } catch (IOException e) {
        lease.failure(e);           // the outcome feeds the balancer
      }
    }
    lb.close();
    // quick-start:end
  }

  /** Stands for the service's own call to the endpoint. */
  static void call(Endpoint endpoint) throws IOException {
    System.out.println("calling " + endpoint.address());
  }
}
