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
 * asynchronous channel group. An IP address is used as it is; a host name is looked up on the
 * common fork-join pool, never on the checker's thread. Stateless and thread-safe.
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
    var unusedCloser = result.whenComplete((healthy, error) -> closeQuietly(channel)); // also when cancelled on timeout
    if (isIpLiteral(endpoint.host())) {
      connect(channel, new InetSocketAddress(endpoint.host(), endpoint.port()), result);
    } else { // a name lookup may block: not on the checker's thread
      // Its outcome reaches the caller through result; a failure of the task itself cannot happen (connect catches).
      var unusedConnect = CompletableFuture.runAsync(() -> connect(channel, new InetSocketAddress(endpoint.host(), endpoint.port()), result));
    }
    return result;
  }

  private static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  private static void connect(AsynchronousSocketChannel channel, InetSocketAddress address, CompletableFuture<Boolean> result) {
    if (address.isUnresolved()) {
      result.complete(false);
      return;
    }
    try {
      channel.connect(
          address,
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
    } catch (RuntimeException e) { // a closed channel (cancelled), say
      result.complete(false);
    }
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
