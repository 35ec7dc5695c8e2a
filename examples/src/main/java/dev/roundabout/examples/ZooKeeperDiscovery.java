package dev.roundabout.examples;

import static dev.roundabout.examples.OkHttpQuickStart.endpointOf;
import static dev.roundabout.examples.OkHttpQuickStart.server;

import com.sun.net.httpserver.HttpServer;
import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.LoadBalancerListener;
import dev.roundabout.lb.Pickers;
import dev.roundabout.lb.okhttp.LoadBalancingInterceptor;
import dev.roundabout.lb.zookeeper.InstanceDetails;
import dev.roundabout.lb.zookeeper.ZooKeeperEndpointSource;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;

/**
 * Service discovery with ZooKeeper, end to end and without outside services: a ZooKeeper server
 * of its own (curator-test's {@code TestingServer}, on loopback), three local HTTP backends that
 * register themselves as instances of {@code orders} through Curator's service discovery, and a
 * caller whose OkHttp client balances {@code http://orders/...} over a {@link LoadBalancer} that
 * follows the registrations with a {@link ZooKeeperEndpointSource}. One backend then unregisters,
 * and the calls move to the other two. Everything is closed at the end.
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=dev.roundabout.examples.ZooKeeperDiscovery
 * </pre>
 *
 * <p>It prints (the ports vary; weighted round robin gives every endpoint exactly its weight in
 * each cycle of picks):
 *
 * <pre>
 * ZooKeeper at 127.0.0.1:38119; first, second (weight 2) and third registered as orders under /services
 * the balancer follows zookeeper:/services/orders: [127.0.0.1:40211, 127.0.0.1:41467{weight=2}, 127.0.0.1:44089]
 * 40 calls to http://orders/items/7: {first=10, second=20, third=10}
 * second unregistered; the balancer now has [127.0.0.1:40211, 127.0.0.1:44089]
 * 40 calls to http://orders/items/7: {first=20, third=20}
 * </pre>
 */
public final class ZooKeeperDiscovery {
  static final int CALLS = 40;

  private ZooKeeperDiscovery() {}

  /** Which backends answered the calls, before and after {@code second} unregistered. */
  record Result(Map<String, Integer> before, Map<String, Integer> after) {}

  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  static Result run(PrintStream out) throws Exception {
    List<HttpServer> backends = List.of(server("first"), server("second"), server("third"));
    InstanceSpec loopback = new InstanceSpec(null, -1, -1, -1, true, -1, -1, -1,
        Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
    try (TestingServer zookeeper = new TestingServer(loopback, true);
        // Two clients, as there would be two processes: the backends' and the caller's.
        CuratorFramework registrar = client(zookeeper);
        CuratorFramework curator = client(zookeeper);
        ServiceDiscovery<InstanceDetails> discovery = ServiceDiscoveryBuilder.builder(InstanceDetails.class)
            .client(registrar)
            .basePath("/services")
            .build()) {
      discovery.start();
      List<ServiceInstance<InstanceDetails>> instances = new ArrayList<>();
      for (int i = 0; i < backends.size(); i++) {
        ServiceInstance<InstanceDetails> instance = instance(backends.get(i), i == 1 ? 2 : 1); // second: weight 2
        discovery.registerService(instance);
        instances.add(instance);
      }
      out.println("ZooKeeper at " + zookeeper.getConnectString()
          + "; first, second (weight 2) and third registered as orders under /services");

      CountDownLatch allIn = new CountDownLatch(backends.size());
      CountDownLatch secondRemoved = new CountDownLatch(1);
      Endpoint second = endpointOf(backends.get(1));
      LoadBalancerListener listener = new LoadBalancerListener() {
        @Override
        public void onEndpointAdded(String balancer, Endpoint endpoint) {
          allIn.countDown();
        }

        @Override
        public void onEndpointRemoved(String balancer, Endpoint endpoint) {
          if (endpoint.address().equals(second.address())) {
            secondRemoved.countDown();
          }
        }
      };

      ZooKeeperEndpointSource source = ZooKeeperEndpointSource.builder(curator, "orders").basePath("/services").build();
      LoadBalancer orders = LoadBalancer.builder("orders")
          .source(source)
          .picker(Pickers.weightedRoundRobin()) // weights from the instances' payloads
          .listener(listener)
          .build();
      LoadBalancingInterceptor lbi = LoadBalancingInterceptor.builder().service("orders", orders).build();
      OkHttpClient client = new OkHttpClient.Builder().addInterceptor(lbi).build();
      try {
        if (!allIn.await(10, TimeUnit.SECONDS)) { // the build does not wait for ZooKeeper
          throw new IllegalStateException("not all three in " + orders.endpoints() + " after 10 s");
        }
        out.println("the balancer follows " + source.description() + ": " + orders.endpoints());
        Map<String, Integer> before = calls(client);
        out.println(CALLS + " calls to http://orders/items/7: " + before);

        discovery.unregisterService(instances.get(1)); // second leaves the registry...
        // ...and, once it has been gone for the source's removal delay (1 s), the balancer, which drains it.
        if (!secondRemoved.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("second still in " + orders.endpoints() + " after 10 s");
        }
        out.println("second unregistered; the balancer now has " + orders.endpoints());
        Map<String, Integer> after = calls(client);
        out.println(CALLS + " calls to http://orders/items/7: " + after);
        return new Result(before, after);
      } finally {
        orders.close(); // ends the source's thread; the Curator client stays open until its own close
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
      }
    } finally {
      for (HttpServer backend : backends) {
        backend.stop(0);
      }
    }
  }

  private static CuratorFramework client(TestingServer zookeeper) {
    CuratorFramework client = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new ExponentialBackoffRetry(100, 3));
    client.start();
    return client;
  }

  /** The backend as an instance of {@code orders}, with its weight in the payload. */
  private static ServiceInstance<InstanceDetails> instance(HttpServer backend, int weight) throws Exception {
    Endpoint endpoint = endpointOf(backend);
    return ServiceInstance.<InstanceDetails>builder()
        .name("orders")
        .address(endpoint.host())
        .port(endpoint.port())
        .payload(InstanceDetails.of(weight))
        .build();
  }

  /** Counts which backend answered each of {@link #CALLS} calls, by the name it answers with. */
  private static Map<String, Integer> calls(OkHttpClient client) throws IOException {
    Map<String, Integer> answers = new TreeMap<>();
    Request request = new Request.Builder().url("http://orders/items/7").build();
    for (int i = 0; i < CALLS; i++) {
      try (Response response = client.newCall(request).execute()) {
        answers.merge(response.body().string(), 1, Integer::sum);
      }
    }
    return answers;
  }
}
