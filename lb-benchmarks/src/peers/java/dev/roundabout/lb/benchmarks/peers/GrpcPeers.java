package dev.roundabout.lb.benchmarks.peers;

import dev.roundabout.lb.Endpoint;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ChannelLogger;
import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancer.CreateSubchannelArgs;
import io.grpc.LoadBalancer.PickDetailsConsumer;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.ResolvedAddresses;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.LoadBalancer.SubchannelPicker;
import io.grpc.LoadBalancer.SubchannelStateListener;
import io.grpc.LoadBalancerProvider;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.grpc.internal.PickSubchannelArgsImpl;
import io.grpc.util.MultiChildLoadBalancer;
import io.grpc.xds.GrpcXdsBenchAccess;
import io.grpc.xds.LeastRequestLoadBalancerProvider;
import io.grpc.xds.RingHashLoadBalancerProvider;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * gRPC-java 1.85.1's pickers: the round_robin ({@code io.grpc.util.RoundRobinLoadBalancer}),
 * least_request ({@code io.grpc.xds.LeastRequestLoadBalancer}) and ring_hash
 * ({@code io.grpc.xds.RingHashLoadBalancer}) load balancers, each over pick_first children as gRPC
 * builds them.
 *
 * <p>Each balancer is created by its own {@link LoadBalancerProvider} (the one its library registers;
 * taken directly, because with grpc-services on the class path the registry's "round_robin" is the
 * health-checking wrapper, which adds its own picker around round_robin's) with a fake
 * {@link LoadBalancer.Helper} (no channel, no I/O), given the pool as resolved addresses (one
 * {@link EquivalentAddressGroup} per endpoint, with the endpoint's weight in the attribute the xDS
 * cluster resolver sets) and the policy's default config as the provider parses it; every subchannel
 * it creates is then made READY through its state listener, and the {@link SubchannelPicker} the
 * balancer last hands to {@code updateBalancingState} is what {@link PeerPicker#pick} calls. It
 * returns the library's {@link PickResult}.
 *
 * <p>Only ring_hash is weighted (it reads the weight attribute); round_robin and least_request
 * ignore weights in gRPC. least_request counts a call in flight from its stream tracer's
 * {@code streamCreated} to {@code streamClosed}, which no pick here reaches: its counts stay 0, so
 * each pick draws two children and keeps the first.
 */
final class GrpcPeers {
  private GrpcPeers() {}

  /** Returns the peer {@code name}, or null if it is not one of gRPC's. */
  static PeerPicker create(String name, List<Endpoint> endpoints) {
    switch (name) {
      case "grpcRoundRobin":
        return new FixedArgsPicker(readyPicker(roundRobinProvider(), endpoints));
      case "grpcLeastRequest":
        return new FixedArgsPicker(readyPicker(new LeastRequestLoadBalancerProvider(), endpoints));
      case "grpcLeastRequestTraced":
        return new TracedPicker(readyPicker(new LeastRequestLoadBalancerProvider(), endpoints));
      case "grpcRingHash":
        return new RequestHashPicker(readyPicker(new RingHashLoadBalancerProvider(), endpoints));
      default:
        return null;
    }
  }

  /**
   * The "round_robin" provider of grpc-util (it creates {@code io.grpc.util.RoundRobinLoadBalancer}),
   * loaded as the registry loads it; its class is public but nested in a package-private one.
   */
  private static LoadBalancerProvider roundRobinProvider() {
    for (LoadBalancerProvider provider : ServiceLoader.load(LoadBalancerProvider.class)) {
      if (provider.getPolicyName().equals("round_robin")
          && provider.getClass().getName().startsWith("io.grpc.util.")) {
        return provider;
      }
    }
    throw new IllegalStateException("grpc-util's round_robin provider not found");
  }

  /**
   * round_robin and least_request read nothing of the call, so the per-call arguments are built
   * once: {@code pick} is {@code pickSubchannel} alone.
   */
  private static final class FixedArgsPicker implements PeerPicker {
    private final SubchannelPicker picker;
    private final PickSubchannelArgs args = newArgs(CallOptions.DEFAULT);

    FixedArgsPicker(SubchannelPicker picker) {
      this.picker = picker;
    }

    @Override
    public Object pick(long keyHash, String key) {
      return picker.pickSubchannel(args);
    }
  }

  /**
   * least_request's pick with its accounting, the counterpart of a lease's acquire, success and
   * close: the stream tracer its pick result carries is created (counting the call in flight, as
   * the channel does when the stream starts) and closed with OK (counting it out). The stream's
   * information is built once, as the pick arguments are.
   */
  private static final class TracedPicker implements PeerPicker {
    private static final ClientStreamTracer.StreamInfo INFO =
        ClientStreamTracer.StreamInfo.newBuilder().setCallOptions(CallOptions.DEFAULT).build();
    private final SubchannelPicker picker;
    private final PickSubchannelArgs args = newArgs(CallOptions.DEFAULT);

    TracedPicker(SubchannelPicker picker) {
      this.picker = picker;
    }

    @Override
    public Object pick(long keyHash, String key) {
      PickResult result = picker.pickSubchannel(args);
      ClientStreamTracer.Factory factory = result.getStreamTracerFactory();
      if (factory != null) {
        ClientStreamTracer tracer = factory.newClientStreamTracer(INFO, NO_HEADERS);
        tracer.streamClosed(Status.OK);
      }
      return result;
    }
  }

  /**
   * ring_hash picks by the request hash the xDS resolver puts in each call's options, so the call
   * options and the pick arguments are built per call, as the channel builds them for each call.
   */
  private static final class RequestHashPicker implements PeerPicker {
    private static final CallOptions.Key<Long> REQUEST_HASH = GrpcXdsBenchAccess.requestHashKey();
    private final SubchannelPicker picker;

    RequestHashPicker(SubchannelPicker picker) {
      this.picker = picker;
    }

    @Override
    public Object pick(long keyHash, String key) {
      return picker.pickSubchannel(newArgs(CallOptions.DEFAULT.withOption(REQUEST_HASH, keyHash)));
    }
  }

  private static final MethodDescriptor.Marshaller<Void> NO_MESSAGE =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(Void value) {
          return InputStream.nullInputStream();
        }

        @Override
        public Void parse(InputStream stream) {
          return null;
        }
      };
  private static final MethodDescriptor<Void, Void> METHOD =
      MethodDescriptor.<Void, Void>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("roundabout.Bench", "Pick"))
          .setRequestMarshaller(NO_MESSAGE)
          .setResponseMarshaller(NO_MESSAGE)
          .build();
  /** No picker here reads the headers (ring_hash only with a request_hash_header, unset here). */
  private static final Metadata NO_HEADERS = new Metadata();
  private static final PickDetailsConsumer NO_DETAILS = new PickDetailsConsumer() {};

  /** What the channel hands the picker for one call. */
  private static PickSubchannelArgs newArgs(CallOptions callOptions) {
    return new PickSubchannelArgsImpl(METHOD, NO_HEADERS, callOptions, NO_DETAILS);
  }

  /**
   * Builds the policy's balancer over {@code endpoints}, makes every subchannel READY, and returns
   * the picker it reports READY with, after checking it picks.
   */
  private static SubchannelPicker readyPicker(LoadBalancerProvider provider, List<Endpoint> endpoints) {
    String policy = provider.getPolicyName();
    ConfigOrError config = provider.parseLoadBalancingPolicyConfig(Map.of());
    if (config.getError() != null) {
      throw new IllegalStateException(policy + " config: " + config.getError());
    }
    List<EquivalentAddressGroup> addresses = new ArrayList<>(endpoints.size());
    Attributes.Key<Long> weightKey = GrpcXdsBenchAccess.serverWeightKey();
    for (Endpoint endpoint : endpoints) {
      addresses.add(new EquivalentAddressGroup(
          new InetSocketAddress(endpoint.host(), endpoint.port()),
          Attributes.newBuilder().set(weightKey, (long) endpoint.weight()).build()));
    }
    ResolvedAddresses resolved = ResolvedAddresses.newBuilder()
        .setAddresses(addresses)
        .setLoadBalancingPolicyConfig(config.getConfig())
        .build();

    FakeHelper helper = new FakeHelper();
    LoadBalancer[] balancer = new LoadBalancer[1];
    // As the channel does: every call into the balancer and every subchannel state change in the
    // synchronization context; the subchannels' state changes run after the call that caused them.
    helper.syncContext.execute(() -> {
      balancer[0] = provider.newLoadBalancer(helper);
      Status status = balancer[0].acceptResolvedAddresses(resolved);
      if (!status.isOk()) {
        throw new IllegalStateException(policy + " refused the addresses: " + status);
      }
    });
    helper.throwIfFailed(policy);
    if (!(balancer[0] instanceof MultiChildLoadBalancer)) {
      throw new IllegalStateException(policy + ": unexpected balancer " + balancer[0].getClass());
    }
    MultiChildLoadBalancer multiChild = (MultiChildLoadBalancer) balancer[0];
    // ring_hash's children are lazy: they connect on the first pick that lands on them, which would
    // make the first picks of the benchmark connect. Ask each idle child to connect now, as such a
    // pick does; round_robin and least_request have connected theirs already.
    helper.syncContext.execute(() -> {
      for (MultiChildLoadBalancer.ChildLbState child : multiChild.getChildLbStates()) {
        if (child.getCurrentState() == ConnectivityState.IDLE) {
          child.getLb().requestConnection();
        }
      }
    });
    helper.throwIfFailed(policy);

    int ready = 0;
    for (MultiChildLoadBalancer.ChildLbState child : multiChild.getChildLbStates()) {
      if (child.getCurrentState() == ConnectivityState.READY) {
        ready++;
      }
    }
    if (helper.state != ConnectivityState.READY
        || ready != endpoints.size()
        || helper.subchannels != endpoints.size()) {
      throw new IllegalStateException(policy + ": " + helper.state + ", " + ready + " of "
          + endpoints.size() + " children READY, " + helper.subchannels + " subchannels");
    }
    SubchannelPicker picker = helper.picker;
    SplittableRandom random = new SplittableRandom(7);
    CallOptions.Key<Long> hashKey = GrpcXdsBenchAccess.requestHashKey();
    for (int i = 0; i < 1000; i++) {
      PickResult result =
          picker.pickSubchannel(newArgs(CallOptions.DEFAULT.withOption(hashKey, random.nextLong())));
      if (!result.getStatus().isOk() || !(result.getSubchannel() instanceof FakeSubchannel)) {
        throw new IllegalStateException(policy + ": pick failed: " + result);
      }
    }
    helper.throwIfFailed(policy);
    return picker;
  }

  /** A channel's side of the balancer, without a channel: it records the picker it is given. */
  private static final class FakeHelper extends LoadBalancer.Helper {
    final SynchronizationContext syncContext = new SynchronizationContext((thread, e) -> failure = e);
    private ScheduledExecutorService scheduler;
    volatile Throwable failure;
    volatile ConnectivityState state;
    volatile SubchannelPicker picker;
    int subchannels;

    @Override
    public Subchannel createSubchannel(CreateSubchannelArgs args) {
      syncContext.throwIfNotInThisSynchronizationContext();
      subchannels++;
      return new FakeSubchannel(args, syncContext);
    }

    @Override
    public void updateBalancingState(ConnectivityState newState, SubchannelPicker newPicker) {
      syncContext.throwIfNotInThisSynchronizationContext();
      state = newState;
      picker = newPicker;
    }

    @Override
    public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
      throw new UnsupportedOperationException("createOobChannel");
    }

    @Override
    public void refreshNameResolution() {}

    @Override
    public SynchronizationContext getSynchronizationContext() {
      return syncContext;
    }

    /** For pick_first's timers (happy eyeballs, backoff); none fires with one address per child. */
    @Override
    public synchronized ScheduledExecutorService getScheduledExecutorService() {
      if (scheduler == null) {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
          Thread thread = new Thread(task, "grpc-peer-timer");
          thread.setDaemon(true);
          return thread;
        });
      }
      return scheduler;
    }

    @Override
    public String getAuthority() {
      return "roundabout-bench";
    }

    @Override
    public ChannelLogger getChannelLogger() {
      return NoLogger.INSTANCE;
    }

    void throwIfFailed(String policy) {
      if (failure != null) {
        throw new IllegalStateException(policy + " failed in the synchronization context", failure);
      }
    }
  }

  /** A subchannel that connects at once: CONNECTING, then READY, through its state listener. */
  private static final class FakeSubchannel extends Subchannel {
    private final CreateSubchannelArgs args;
    private final SynchronizationContext syncContext;
    private SubchannelStateListener listener;
    private ConnectivityState state = ConnectivityState.IDLE;

    FakeSubchannel(CreateSubchannelArgs args, SynchronizationContext syncContext) {
      this.args = args;
      this.syncContext = syncContext;
    }

    @Override
    public void start(SubchannelStateListener listener) {
      this.listener = listener;
    }

    @Override
    public void requestConnection() {
      syncContext.throwIfNotInThisSynchronizationContext();
      if (state != ConnectivityState.IDLE) {
        return;
      }
      state = ConnectivityState.CONNECTING;
      syncContext.executeLater(
          () -> listener.onSubchannelState(ConnectivityStateInfo.forNonError(ConnectivityState.CONNECTING)));
      syncContext.executeLater(() -> {
        if (state == ConnectivityState.CONNECTING) {
          state = ConnectivityState.READY;
          listener.onSubchannelState(ConnectivityStateInfo.forNonError(ConnectivityState.READY));
        }
      });
    }

    @Override
    public void shutdown() {
      state = ConnectivityState.SHUTDOWN;
    }

    @Override
    public List<EquivalentAddressGroup> getAllAddresses() {
      return args.getAddresses();
    }

    @Override
    public void updateAddresses(List<EquivalentAddressGroup> addresses) {}

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }

    @Override
    public ChannelLogger getChannelLogger() {
      return NoLogger.INSTANCE;
    }

    @Override
    public String toString() {
      return "FakeSubchannel" + args.getAddresses();
    }
  }

  private static final class NoLogger extends ChannelLogger {
    static final NoLogger INSTANCE = new NoLogger();

    @Override
    public void log(ChannelLogLevel level, String message) {}

    @Override
    public void log(ChannelLogLevel level, String messageFormat, Object... args) {}
  }
}
