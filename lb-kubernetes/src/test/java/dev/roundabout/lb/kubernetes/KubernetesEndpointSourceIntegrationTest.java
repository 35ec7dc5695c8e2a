package dev.roundabout.lb.kubernetes;

import static dev.roundabout.lb.kubernetes.Slices.NAMESPACE;
import static dev.roundabout.lb.kubernetes.Slices.ready;
import static dev.roundabout.lb.kubernetes.Slices.slice;
import static dev.roundabout.lb.kubernetes.Slices.terminating;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Backoff;
import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.LoadBalancerListener;
import dev.roundabout.lb.NoAvailableEndpointException;
import dev.roundabout.lb.SourceStatus;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The source against fabric8's mock API server in CRUD mode (a real API server cannot run here):
 * slices created, updated and deleted through the client, the server shut down and started again
 * on the same port.
 */
class KubernetesEndpointSourceIntegrationTest {
  private static final Duration STALE_AFTER = Duration.ofMillis(300);
  private static final Backoff BACKOFF = Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(400));
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SOURCE_THREAD = "roundabout-kubernetes-";
  private static final String CLIENT_THREAD = "test-client-";
  private static final String FORBIDDEN = "endpointslices.discovery.k8s.io is forbidden: User"
      + " \"system:serviceaccount:shop:default\" cannot list resource \"endpointslices\" in API group"
      + " \"discovery.k8s.io\" in the namespace \"shop\"";

  private KubernetesMockServer server;
  private int port;
  private ExecutorService clientExecutor;
  private KubernetesClient client;
  private final List<LoadBalancer> balancers = new ArrayList<>();
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private volatile SourceStatus lastStale;
  private final List<Long> retryDelays = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void startServerAndClient() {
    server = crudServer(0);
    port = server.getPort();
    AtomicInteger threads = new AtomicInteger();
    clientExecutor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, CLIENT_THREAD + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    // Short waits so that an outage and a recovery take a second, not half a minute.
    client = server.createClient(builder -> builder
        .withTaskExecutor(clientExecutor)
        .editOrNewConfig()
        .withWatchReconnectInterval(50)
        .withRequestRetryBackoffLimit(0)
        .withConnectionTimeout(1_000)
        .withRequestTimeout(2_000)
        .endConfig());
  }

  /**
   * Every test waits for its last change to reach the balancer before it ends: the mock server
   * blocks its event loop for up to 30 seconds when a watch is closed while it sends an event
   * (such as the ADDED events it replays to a new watch).
   */
  @AfterEach
  void nothingLeaks() {
    balancers.forEach(LoadBalancer::close);
    await().atMost(WAIT).untilAsserted(() -> assertThat(threadNames()).noneMatch(name -> name.startsWith(SOURCE_THREAD)));
    client.close();
    clientExecutor.shutdownNow();
    server.destroy();
  }

  @Test
  void theInformersInitialList_isTheFirstList_andEveryChangeToTheSlicesFollows() throws Exception {
    create(slice("orders-a", ready("10.0.0.1", "a"), ready("10.0.0.2", "b")));
    KubernetesEndpointSource source = source();
    LoadBalancer lb = balancer(source);

    awaitFirstListAndWatch(lb, source);
    assertThat(lb.endpoints()).extracting(Endpoint::address).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
    assertThat(lb.endpoints().get(0).zone()).isEqualTo("eu-west-1a");
    assertThat(lb.endpoints().get(0).metadata()).containsEntry(KubernetesEndpointSource.METADATA_POD, "a");
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);

    create(slice("orders-b", ready("10.0.0.3", "c")));
    awaitAddresses(lb, "10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080");

    // Pod b got SIGTERM: still serving, terminating. It leaves the list, and the balancer drains it.
    update(slice("orders-a", ready("10.0.0.1", "a"), terminating("10.0.0.2", "b")));
    awaitAddresses(lb, "10.0.0.1:8080", "10.0.0.3:8080");

    delete("orders-b");
    awaitAddresses(lb, "10.0.0.1:8080");
    awaitEvents("added 10.0.0.1", "added 10.0.0.2", "added 10.0.0.3", "removed 10.0.0.2", "removed 10.0.0.3");
  }

  @Test
  void severalSlicesOfTheService_makeOneList_andOtherServicesAreIgnored() throws Exception {
    create(slice("orders-a", ready("10.0.0.1", "a"), ready("10.0.0.2", "b")));
    create(slice("orders-b", ready("10.0.0.2", "b"), ready("10.0.0.3", "c"))); // b in two slices, as mid-move
    create(new EndpointSliceBuilder(slice("payments-a", ready("10.0.1.1", "p")))
        .editMetadata().addToLabels(KubernetesEndpointSource.SERVICE_NAME_LABEL, "payments").endMetadata()
        .build());
    KubernetesEndpointSource source = source();
    LoadBalancer lb = balancer(source);

    awaitFirstListAndWatch(lb, source);
    assertThat(lb.endpoints()).extracting(Endpoint::address)
        .containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080");

    delete("orders-a"); // b stays: orders-b still lists it
    awaitAddresses(lb, "10.0.0.2:8080", "10.0.0.3:8080");
  }

  @Test
  void aServiceWithoutSlices_isAnAuthoritativeEmptyList_untilOneAppears() throws Exception {
    KubernetesEndpointSource source = source();
    LoadBalancer lb = balancer(source);

    awaitFirstListAndWatch(lb, source);
    assertThat(lb.endpoints()).isEmpty();
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);
    assertThatThrownBy(lb::pick).isInstanceOf(NoAvailableEndpointException.class);

    create(slice("orders-a", terminating("10.0.0.1", "a")));
    update(slice("orders-a", ready("10.0.0.1", "a")));
    awaitAddresses(lb, "10.0.0.1:8080");
    assertThat(lb.pick().address()).isEqualTo("10.0.0.1:8080");
  }

  @Test
  void theApiServerGoingAway_keepsTheLastList_staleOnce_andComingBackAppliesTheNewList() throws Exception {
    create(slice("orders-a", ready("10.0.0.1", "a"), ready("10.0.0.2", "b")));
    KubernetesEndpointSource source = source();
    LoadBalancer lb = balancer(source);
    // Once watching: a new watch that finds no server falls back to plain HTTP, which the mock
    // server does not serve (only WebSocket watches).
    awaitFirstListAndWatch(lb, source);

    server.destroy();
    await().atMost(WAIT).until(() -> source.status().state() == SourceStatus.State.STALE);
    // The watch found missing, or a new list failing: either says where.
    assertThat(source.status().reason()).startsWith("the API server http://localhost:" + port + "/ ");
    assertThat(lb.endpoints()).extracting(Endpoint::address).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
    assertThat(lb.pick().address()).isIn("10.0.0.1:8080", "10.0.0.2:8080");

    // Back on the same port, where pod a has gone and pod c has come meanwhile. A new mock server
    // numbers resource versions from 1 again: another object first, so that orders-a comes back
    // with a new version, as it would from a real API server (the source's new informer lists it).
    server = crudServer(port);
    create(new EndpointSliceBuilder(slice("payments-a", ready("10.0.1.1", "p")))
        .editMetadata().addToLabels(KubernetesEndpointSource.SERVICE_NAME_LABEL, "payments").endMetadata()
        .build());
    create(slice("orders-a", terminating("10.0.0.1", "a"), ready("10.0.0.2", "b"), ready("10.0.0.3", "c")));
    awaitAddresses(lb, "10.0.0.2:8080", "10.0.0.3:8080");
    await().atMost(WAIT).until(() -> source.status().state() == SourceStatus.State.CURRENT);
    await().atMost(WAIT).until(() -> events.size() == 6);
    assertThat(events.subList(0, 3)).containsExactly("added 10.0.0.1", "added 10.0.0.2", "stale");
    // The watch back (current) and its first events (the list) may come in either order.
    assertThat(events.subList(3, 6)).containsExactlyInAnyOrder("removed 10.0.0.1", "added 10.0.0.3", "current");
  }

  @Test
  void noApiServerAtTheStart_leavesTheSourceStaleWithoutAList_untilItAnswers() throws Exception {
    server.destroy();
    KubernetesEndpointSource source = source();
    LoadBalancer lb = balancer(source);

    await().atMost(WAIT).until(() -> source.status().state() == SourceStatus.State.STALE);
    assertThat(source.status().reason())
        .startsWith("the API server http://localhost:" + port + "/ failed a list or watch: ConnectException");
    assertThatThrownBy(lb::pick)
        .isInstanceOf(NoAvailableEndpointException.class)
        .hasMessageStartingWith("no available endpoint in 'orders' (no list yet from kubernetes:shop/orders:http: stale since ");

    server = crudServer(port);
    create(slice("orders-a", ready("10.0.0.1", "a")));
    awaitFirstListAndWatch(lb, source);
    awaitAddresses(lb, "10.0.0.1:8080"); // in the first list, or just after (the list won the race)
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.CURRENT);

    create(slice("orders-b", ready("10.0.0.2", "b")));
    awaitAddresses(lb, "10.0.0.1:8080", "10.0.0.2:8080");
  }

  @Test
  void aForbiddenList_makesTheSourceStaleWithTheApiServersWords_andItRetriesUntilAllowed() throws Exception {
    expectForbiddenLists(2);
    create(slice("orders-a", ready("10.0.0.1", "a")));
    KubernetesEndpointSource source = source();
    LoadBalancer lb = balancer(source);

    awaitFirstListAndWatch(lb, source); // the role granted, say
    assertThat(lb.endpoints()).extracting(Endpoint::address).containsExactly("10.0.0.1:8080");
    awaitEvents("stale", "added 10.0.0.1", "current");
    assertThat(lastStale.reason())
        .isEqualTo("the API server http://localhost:" + port + "/ failed a list or watch: HTTP 403: " + FORBIDDEN);

    create(slice("orders-b", ready("10.0.0.2", "b")));
    awaitAddresses(lb, "10.0.0.1:8080", "10.0.0.2:8080");
  }

  @Test
  void anApiServerThatKeepsFailing_isRetriedWithGrowingJitteredDelays_andAListResetsTheBackoff() throws Exception {
    long seed = 7_2026L;
    Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(800));
    expectForbiddenLists(3);
    create(slice("orders-a", ready("10.0.0.1", "a")));
    KubernetesEndpointSource source = sourceBuilder().backoff(backoff).random(new SplittableRandom(seed)).build();
    LoadBalancer lb = balancer(source);

    awaitFirstListAndWatch(lb, source); // after three refusals
    SplittableRandom same = new SplittableRandom(seed);
    long first = backoff.delayNanos(1, same);
    long second = backoff.delayNanos(2, same);
    long third = backoff.delayNanos(3, same);
    assertThat(retryDelays).as("seed %d", seed).containsExactly(first, second, third);
    // 100, 200 and 400 ms, each shortened by up to 20 percent.
    assertThat(first).isBetween(millis(80), millis(100) - 1);
    assertThat(second).isBetween(millis(160), millis(200) - 1);
    assertThat(third).isBetween(millis(320), millis(400) - 1);
    create(slice("orders-b", ready("10.0.0.2", "b")));
    awaitAddresses(lb, "10.0.0.1:8080", "10.0.0.2:8080");

    // The list reset the count: the watch lost, then lists refused, wait 100 ms again, then 200.
    server.destroy();
    await().atMost(WAIT).until(() -> retryDelays.size() >= 5);
    assertThat(retryDelays.subList(3, 5)).as("seed %d", seed)
        .containsExactly(backoff.delayNanos(1, same), backoff.delayNanos(2, same));
    assertThat(source.status().state()).isEqualTo(SourceStatus.State.STALE);

    lb.close();
    assertThat(source.informerRunning()).isFalse();
    int scheduled = retryDelays.size();
    await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> retryDelays.size() == scheduled);
  }

  @Test
  void closingTheBalancer_stopsTheInformer_endsEveryThreadTheSourceStarted_andLeavesTheClientOpen() throws Exception {
    create(slice("orders-a", ready("10.0.0.1", "a")));
    Set<String> before = threadNames();
    KubernetesEndpointSource source = source();
    LoadBalancer lb = balancer(source);
    awaitFirstListAndWatch(lb, source);
    create(slice("orders-b", ready("10.0.0.2", "b")));
    awaitAddresses(lb, "10.0.0.1:8080", "10.0.0.2:8080");
    assertThat(source.informerRunning()).isTrue();
    assertThat(threadNames()).contains(SOURCE_THREAD + "shop/orders");

    lb.close();

    assertThat(source.informerRunning()).isFalse();
    // Left alone: the mock server's threads (vert.x), the client's task executor and JDK HTTP
    // client (the client is the application's), and fabric8's one scheduler thread for the whole
    // JVM, which ends by itself when idle. Polled on this thread: Awaitility's own is no leak.
    await().pollInSameThread().atMost(WAIT).untilAsserted(() -> assertThat(threadNames())
        .filteredOn(name -> !before.contains(name))
        .filteredOn(name -> !name.startsWith("vert.x-") && !name.startsWith(CLIENT_THREAD)
            && !name.startsWith("JdkHttpClientFactory-") && !name.startsWith("HttpClient-")
            && !name.startsWith("CachedSingleThreadScheduler-"))
        .isEmpty());
    assertThat(client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).list().getItems()).hasSize(2);
  }

  private KubernetesEndpointSource source() {
    return sourceBuilder().build();
  }

  private KubernetesEndpointSource.Builder sourceBuilder() {
    return KubernetesEndpointSource.builder(client, NAMESPACE, Slices.SERVICE)
        .port("http")
        .staleAfter(STALE_AFTER)
        .backoff(BACKOFF)
        .retryScheduled(retryDelays::add);
  }

  /** The informer's first {@code times} lists are refused with 403, as without the RBAC Role. */
  private void expectForbiddenLists(int times) {
    server.expect().get()
        .withPath("/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices"
            + "?labelSelector=kubernetes.io%2Fservice-name%3Dorders&resourceVersion=0")
        .andReturn(403, new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden")
            .withMessage(FORBIDDEN).build())
        .times(times);
  }

  private static long millis(long millis) {
    return Duration.ofMillis(millis).toNanos();
  }

  private LoadBalancer balancer(KubernetesEndpointSource source) {
    LoadBalancer lb = LoadBalancer.builder("orders")
        .source(source)
        .executor(Runnable::run)
        .listener(new LoadBalancerListener() {
          @Override
          public void onEndpointAdded(String balancer, Endpoint endpoint) {
            events.add("added " + endpoint.host());
          }

          @Override
          public void onEndpointRemoved(String balancer, Endpoint endpoint) {
            events.add("removed " + endpoint.host());
          }

          @Override
          public void onSourceStale(String balancer, SourceStatus status) {
            lastStale = status;
            events.add("stale");
          }

          @Override
          public void onSourceCurrent(String balancer, SourceStatus status) {
            events.add("current");
          }
        })
        .build();
    balancers.add(lb);
    return lb;
  }

  private static KubernetesMockServer crudServer(int port) {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer server = new KubernetesMockServer(new Context(),
        new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
    server.init(InetAddress.getLoopbackAddress(), port);
    return server;
  }

  private void create(EndpointSlice slice) {
    client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice).create();
  }

  private void update(EndpointSlice slice) {
    client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice).update();
  }

  private void delete(String name) {
    client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName(name).delete();
  }

  private static void awaitAddresses(LoadBalancer lb, String... addresses) {
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(lb.endpoints()).extracting(Endpoint::address).containsExactly(addresses));
  }

  /**
   * The first list, then the watch: a change made between the two would reach a real API
   * server's watch (which replays what happened since the list), but the mock's watch only
   * replays what exists, so a deletion in between would be lost.
   */
  private static void awaitFirstListAndWatch(LoadBalancer lb, KubernetesEndpointSource source) throws InterruptedException {
    assertThat(lb.awaitFirstList(WAIT)).isTrue();
    await().atMost(WAIT).until(source::watching);
  }

  /** The listener hears a change just after the balancer applies it, maybe on another thread. */
  private void awaitEvents(String... expected) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(events).containsExactly(expected));
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }
}
