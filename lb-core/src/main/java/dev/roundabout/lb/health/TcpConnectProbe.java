package dev.roundabout.lb.health;

import dev.roundabout.lb.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The L4 health check: an endpoint is healthy when a TCP connection to its {@code host:port}
 * opens. The connection is closed at once, and closed as well when the checker gives up on it
 * (timeout). It says nothing of whether the service behind the port works: prefer an HTTP probe
 * when there is one.
 *
 * <p>Connects with {@link AsynchronousSocketChannel}, whose completions run on the JDK's default
 * asynchronous channel group. A host name is resolved on the calling thread. Stateless and
 * thread-safe.
 */
public final class TcpConnectProbe implements HealthProbe {
  private static final TcpConnectProbe INSTANCE = new TcpConnectProbe();

  private TcpConnectProbe() {}

  /** The probe. */
  public static TcpConnectProbe create() {
    return INSTANCE;
  }

  @Override
  public CompletionStage<Boolean> check(Endpoint endpoint, Duration timeout) {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    AsynchronousSocketChannel channel;
    try {
      channel = AsynchronousSocketChannel.open();
    } catch (IOException e) {
      result.completeExceptionally(e);
      return result;
    }
    result.whenComplete((healthy, error) -> closeQuietly(channel)); // also when cancelled on timeout
    try {
      channel.connect(
          new InetSocketAddress(endpoint.host(), endpoint.port()),
          null,
          new CompletionHandler<Void, Void>() {
            @Override
            public void completed(Void unused, Void attachment) {
              result.complete(true);
            }

            @Override
            public void failed(Throwable error, Void attachment) {
              result.complete(false);
            }
          });
    } catch (RuntimeException e) { // an unresolvable host, say
      result.complete(false);
    }
    return result;
  }

  private static void closeQuietly(AsynchronousSocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing to do: the probe's verdict stands
    }
  }

  @Override
  public String toString() {
    return "TcpConnectProbe";
  }
}
