package dev.roundabout.lb.benchmarks.peers;

import dev.roundabout.lb.Endpoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.url.component.ServiceConfigURL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.cluster.LoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.ConsistentHashLoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.LeastActiveLoadBalance;
import org.apache.dubbo.rpc.cluster.loadbalance.RoundRobinLoadBalance;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.ConsumerModel;
import org.apache.dubbo.rpc.model.ModuleModel;
import org.apache.dubbo.rpc.model.ServiceDescriptor;

/**
 * Apache Dubbo 3.3's load balances ({@code org.apache.dubbo.rpc.cluster.loadbalance}), called as
 * Dubbo's cluster invoker calls them: {@code select(invokers, consumerUrl, invocation)}.
 *
 * <ul>
 *   <li>{@code dubboRoundRobin}: {@link RoundRobinLoadBalance}, smooth weighted round robin over
 *       the {@code weight} URL parameter.
 *   <li>{@code dubboLeastActive}: {@link LeastActiveLoadBalance}, fewest active calls
 *       ({@code RpcStatus}), ties broken by weighted random. Nothing counts calls in or out here (no
 *       {@code ActiveLimitFilter}), so every endpoint ties at 0 active calls.
 *   <li>{@code dubboConsistentHash}: {@link ConsistentHashLoadBalance}, MD5 ring of 160 virtual
 *       nodes per endpoint, keyed by the call's first argument; ignores weights.
 * </ul>
 *
 * <p>Set up once, in {@link #create}: Dubbo's scope model (the default framework, application and
 * module models), the service's descriptor and consumer model, the provider URLs and invokers, the
 * consumer URL, and one warm-up select so the load balance's caches (round-robin counters, the
 * consistent-hash ring, the {@code RpcStatus} entries) exist before the first measured call. Per
 * call: one {@link RpcInvocation}, built as Dubbo's consumer proxy builds it for a call of
 * {@code KeyService.call(key)}, then the select.
 */
final class DubboPeers {
  private DubboPeers() {}

  /** The service the benchmark's calls are made to; the key is the first (hashed) argument. */
  interface KeyService {
    String call(String key);
  }

  private static final String INTERFACE = KeyService.class.getName();
  private static final String METHOD = "call";
  private static final Class<?>[] PARAMETER_TYPES = {String.class};

  /** Returns the peer {@code name}, or null when it is not one of Dubbo's. */
  static PeerPicker create(String name, List<Endpoint> endpoints) {
    LoadBalance loadBalance;
    switch (name) {
      case "dubboRoundRobin":
        loadBalance = new RoundRobinLoadBalance();
        break;
      case "dubboLeastActive":
        loadBalance = new LeastActiveLoadBalance();
        break;
      case "dubboConsistentHash":
        loadBalance = new ConsistentHashLoadBalance();
        break;
      default:
        return null;
    }
    return new DubboPicker(loadBalance, endpoints);
  }

  private static final class DubboPicker implements PeerPicker {
    private final LoadBalance loadBalance;
    private final ConsumerModel consumerModel;
    private final URL consumerUrl;
    private final String protocolServiceKey;
    private final List<Invoker<KeyService>> invokers;

    DubboPicker(LoadBalance loadBalance, List<Endpoint> endpoints) {
      this.loadBalance = loadBalance;

      // Dubbo's scope model, as a consumer application has it: the default framework, application
      // and module models, with the service registered in the module's repository.
      ModuleModel module = ApplicationModel.defaultModel().getDefaultModule();
      ServiceDescriptor descriptor = module.getServiceRepository().registerService(KeyService.class);
      this.consumerModel =
          new ConsumerModel(INTERFACE, null, descriptor, module, null, null, KeyService.class.getClassLoader());

      Map<String, String> consumerParameters = new LinkedHashMap<>();
      consumerParameters.put("interface", INTERFACE);
      consumerParameters.put("methods", METHOD);
      consumerParameters.put("side", "consumer");
      this.consumerUrl = new ServiceConfigURL("consumer", "127.0.0.1", 0, INTERFACE, consumerParameters);
      this.protocolServiceKey = consumerUrl.getProtocolServiceKey();

      // Provider URLs as a registry hands them out; registered an hour ago, so past Dubbo's
      // 10-minute warm-up and the weights apply in full.
      String timestamp = Long.toString(System.currentTimeMillis() - 3_600_000L);
      List<Invoker<KeyService>> list = new ArrayList<>(endpoints.size());
      for (Endpoint endpoint : endpoints) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("interface", INTERFACE);
        parameters.put("methods", METHOD);
        parameters.put("side", "provider");
        parameters.put("timestamp", timestamp);
        parameters.put("weight", Integer.toString(endpoint.weight()));
        URL url = new ServiceConfigURL("dubbo", endpoint.host(), endpoint.port(), INTERFACE, parameters);
        list.add(new EndpointInvoker(url));
      }
      this.invokers = Collections.unmodifiableList(list);

      // Builds the load balance's per-service state (counters, ring, RpcStatus entries) now.
      pick(0, "warm-up");
    }

    @Override
    public Object pick(long keyHash, String key) {
      RpcInvocation invocation =
          new RpcInvocation(consumerModel, METHOD, INTERFACE, protocolServiceKey, PARAMETER_TYPES, new Object[] {key});
      return loadBalance.select(invokers, consumerUrl, invocation);
    }
  }

  /** A provider as the load balance sees it: its URL. Never invoked. */
  private static final class EndpointInvoker implements Invoker<KeyService> {
    private final URL url;

    EndpointInvoker(URL url) {
      this.url = url;
    }

    @Override
    public Class<KeyService> getInterface() {
      return KeyService.class;
    }

    @Override
    public Result invoke(Invocation invocation) {
      throw new UnsupportedOperationException("benchmark invoker: " + url.getAddress());
    }

    @Override
    public URL getUrl() {
      return url;
    }

    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public void destroy() {}

    @Override
    public String toString() {
      return url.getAddress();
    }
  }
}
