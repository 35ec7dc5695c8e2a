package dev.roundabout.lb.sim;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointSource;
import dev.roundabout.lb.Hedger;
import dev.roundabout.lb.HedgingPolicy;
import dev.roundabout.lb.HedgingStats;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.LoadProbe;
import dev.roundabout.lb.LoadReport;
import dev.roundabout.lb.MutableEndpointSource;
import dev.roundabout.lb.PickContext;
import dev.roundabout.lb.PickerFactory;
import dev.roundabout.lb.ProbedLoad;
import dev.roundabout.lb.RetryBudget;
import dev.roundabout.lb.RetryRules;
import dev.roundabout.lb.RetryRules.Next;
import dev.roundabout.lb.RetryRules.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * One run of a {@link Scenario} under a {@link Policy}: a discrete-event simulation on virtual
 * time. Every simulated client owns a real {@link LoadBalancer} (the library's pickers, health,
 * slow start and panic) whose ticker is the simulation's clock, whose randomness is seeded and
 * whose executor is direct; servers and clients are simulated; retries follow
 * {@link RetryRules}, the rules of the OkHttp interceptor, and hedges (when the clients hedge) its
 * {@link Hedger}. The same seed gives the same result,
 * call for call; the arrivals and service times of first attempts are the same under every policy
 * (common random numbers), so that policies are compared on the same traffic.
 *
 * <pre>{@code
 * SimulationResult result = Simulation.builder()
 *     .scenario(Scenarios.oneSlowServer())
 *     .policy(Policy.picker("powerOfTwoChoices", Pickers.powerOfTwoChoices()))
 *     .seed(1)
 *     .run();
 * }</pre>
 *
 * <p>Not thread-safe: a simulation runs on the thread that calls {@link Builder#run()}; run
 * several on several threads.
 */
public final class Simulation {
  /** How long calls still open at the end of the arrivals are followed before they are cut. */
  static final long DRAIN_LIMIT_NANOS = 120_000_000_000L;
  /** How long a closed-loop user waits after a failed call before its next one. */
  static final long CLOSED_LOOP_BACKOFF_NANOS = 1_000_000L;

  private final Scenario scenario;
  private final Policy policy;
  private final long seed;
  private final SimClock clock = new SimClock();
  private final EventQueue events = new EventQueue();
  private final Server[] servers;
  private final Client[] clients;
  /** The balancers hand back the endpoint objects the registry gave them: identity is enough. */
  private final IdentityHashMap<Endpoint, Server> byEndpoint = new IdentityHashMap<>();
  /** A probe names its endpoint by address: any {@link Endpoint} of the same host and port reaches the server. */
  private final HashMap<String, Server> byAddress = new HashMap<>();
  private final boolean[] present;
  private final CallLog log;
  private final Deadlines deadlines;
  private final long end;
  private double arrivalFactor = 1;

  private Simulation(Builder b) {
    this.scenario = Objects.requireNonNull(b.scenario, "scenario");
    this.policy = Objects.requireNonNull(b.policy, "policy");
    this.seed = b.seed;
    this.end = scenario.durationNanos();
    List<ServerSpec> specs = scenario.servers();
    this.servers = new Server[specs.size()];
    this.present = new boolean[specs.size()];
    SplittableRandom root = new SplittableRandom(seed);
    for (int i = 0; i < servers.length; i++) {
      Endpoint endpoint = Endpoint.builder("10." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256), 8080)
          .weight(specs.get(i).weight()).build();
      servers[i] = new Server(i, specs.get(i), endpoint, root.split());
      byEndpoint.put(endpoint, servers[i]);
      byAddress.put(endpoint.address(), servers[i]);
      present[i] = true;
    }
    this.log = new CallLog(servers.length);
    this.deadlines = new Deadlines();
    ClientSpec spec = scenario.clients();
    this.clients = new Client[spec.clients()];
    for (int c = 0; c < clients.length; c++) {
      clients[c] = new Client(c, root.split(), root.split(), root.split());
    }
  }

  /** A builder of a simulation. */
  public static Builder builder() {
    return new Builder();
  }

  private SimulationResult execute() {
    for (Scenario.Action action : scenario.timeline()) {
      events.schedule(new ActionEvent(action), action.atNanos);
    }
    for (Client client : clients) {
      client.start();
    }
    long stop = end + DRAIN_LIMIT_NANOS;
    EventQueue.Event event;
    while ((event = events.poll()) != null) {
      if (event.time > stop) {
        break;
      }
      clock.now = event.time;
      event.fire();
    }
    clock.now = Math.max(clock.now, end);
    log.cutOpenCalls(clock.now);
    HedgingStats hedging = HedgingStats.NONE;
    long probes = 0;
    for (Client client : clients) {
      client.close();
      if (client.hedger != null) {
        hedging = hedging.plus(client.hedger.stats());
      }
      probes += client.probe.sent;
    }
    return new SimulationResult(scenario, policy, seed, log, end, hedging, probes);
  }

  private List<Endpoint> presentEndpoints() {
    List<Endpoint> list = new ArrayList<>(servers.length);
    for (int i = 0; i < servers.length; i++) {
      if (present[i]) {
        list.add(servers[i].endpoint);
      }
    }
    return list;
  }

  private void registryChanged() {
    List<Endpoint> list = presentEndpoints();
    for (Client client : clients) {
      client.registryChanged(list);
    }
  }

  // ---------------------------------------------------------------- servers

  /** A simulated server: slots, a FIFO queue, and a behaviour the timeline changes. */
  private final class Server {
    final int index;
    final ServerSpec spec;
    final Endpoint endpoint;
    final SplittableRandom random;
    final ArrayDeque<Attempt> queue = new ArrayDeque<>();
    int busy;
    double speed;
    long extraLatency;
    double errorRate;
    boolean fastErrors;
    boolean blackHole;
    boolean refusing;
    int rateLimit;
    /** What the server says of its own load; {@link #reporting} says whether its answers carry it. */
    final LoadWindow load;
    boolean reporting = true;
    /** What the server answers a load probe for its recent latency. */
    final RecentLatency latency = new RecentLatency();

    Server(int index, ServerSpec spec, Endpoint endpoint, SplittableRandom random) {
      this.index = index;
      this.spec = spec;
      this.endpoint = endpoint;
      this.random = random;
      this.speed = spec.speed();
      this.load = new LoadWindow(spec.slots());
    }

    /** The load report an answer leaving now carries, or null. */
    @Nullable LoadReport report() {
      return reporting ? load.report(clock.now) : null;
    }

    /** Answers {@code attempt} at once with an error (a 429, a fast failure), with the current report. */
    private void failAtOnce(Attempt attempt) {
      load.answered(clock.now, true);
      latency.answered(clock.now - attempt.start);
      attempt.report = report();
      attempt.finishAt(clock.now, Outcome.FAILED);
    }

    /** Calls it holds: in service and queued. */
    int held() {
      return busy + queue.size();
    }

    void accept(Attempt attempt) {
      log.attempted(index);
      if (refusing) {
        attempt.finishAt(clock.now, Outcome.NOTHING_SENT);
        return;
      }
      if (blackHole) {
        return; // accepted, never answered: only the client's timeout ends it
      }
      if (rateLimit > 0 && held() >= rateLimit) {
        failAtOnce(attempt); // 429
        return;
      }
      if (errorRate > 0 && fastErrors && random.nextDouble() < errorRate) {
        failAtOnce(attempt);
        return;
      }
      if (busy < spec.slots()) {
        start(attempt);
      } else {
        queue.add(attempt);
      }
    }

    private void start(Attempt attempt) {
      busy++;
      load.busy(clock.now, busy);
      long service = Math.max(1, (long) (spec.serviceTime().sample(attempt.quantile) / speed));
      attempt.server = this;
      Outcome outcome = errorRate > 0 && !fastErrors && random.nextDouble() < errorRate ? Outcome.FAILED : Outcome.SUCCEEDED;
      events.schedule(new ServiceEnd(this, attempt, outcome), clock.now + service);
    }

    void serviceEnded(Attempt attempt, Outcome outcome) {
      busy--;
      load.busy(clock.now, busy);
      load.answered(clock.now, outcome == Outcome.FAILED);
      latency.answered(clock.now + extraLatency - attempt.start);
      attempt.report = report(); // it travels with the answer, extra latency included
      attempt.finishAt(clock.now + extraLatency, outcome);
      Attempt next = queue.poll();
      if (next != null) {
        start(next);
      }
    }
  }

  private static final class ServiceEnd extends EventQueue.Event {
    final Server server;
    final Attempt attempt;
    final Outcome outcome;

    ServiceEnd(Server server, Attempt attempt, Outcome outcome) {
      this.server = server;
      this.attempt = attempt;
      this.outcome = outcome;
    }

    @Override
    void fire() {
      server.serviceEnded(attempt, outcome);
    }
  }

  // ---------------------------------------------------------------- clients and calls

  private final class Client {
    final SplittableRandom arrivals;
    final SplittableRandom retries;
    final SplittableRandom oracleRandom;
    final @Nullable LoadBalancer lb;
    final @Nullable MutableEndpointSource source;
    final RetryBudget budget;
    final @Nullable Hedger hedger;
    final double ratePerNano;
    final Probe probe = new Probe();

    Client(int index, SplittableRandom arrivals, SplittableRandom retries, SplittableRandom balancerRandom) {
      this.arrivals = arrivals;
      this.retries = retries;
      this.oracleRandom = balancerRandom;
      ClientSpec spec = scenario.clients();
      this.budget = spec.newBudget();
      HedgingPolicy hedging = spec.hedging();
      this.hedger = hedging == null || policy.isOracle() ? null : hedging.newHedger();
      this.ratePerNano = spec.callsPerSecond() / spec.clients() / 1e9;
      PickerFactory factory = policy.pickerFactory(probe);
      if (factory == null) {
        this.lb = null;
        this.source = null;
      } else {
        this.source = EndpointSource.mutable(presentEndpoints());
        LoadBalancer.Builder builder = LoadBalancer.builder("client-" + index)
            .source(source)
            .picker(factory)
            .ticker(clock)
            .random(balancerRandom)
            .executor(Runnable::run);
        scenario.configure(builder);
        policy.configure(builder);
        this.lb = builder.build();
      }
    }

    void start() {
      ClientSpec spec = scenario.clients();
      if (spec.usersPerClient() > 0) {
        for (int u = 0; u < spec.usersPerClient(); u++) {
          newCall(); // closed loop: every user starts at once
        }
      } else {
        scheduleNextArrival();
      }
    }

    void scheduleNextArrival() {
      double gap = -StrictMath.log1p(-arrivals.nextDouble()) / (ratePerNano * arrivalFactor);
      long at = clock.now + Math.max(1, (long) gap);
      if (at < end) {
        events.schedule(new Arrival(this), at);
      }
    }

    void newCall() {
      Call call = new Call(this, clock.now, arrivals.nextDouble(), arrivals.nextLong());
      log.started(call);
      budget.onRequest(clock.now);
      deadlines.add(call);
      attempt(call, null);
      if (hedger != null) {
        hedger.onCall(clock.now);
        long delay = hedger.delayNanos(clock.now);
        Attempt first = call.current;
        if (delay >= 0 && first != null && !first.over && !call.closed) {
          events.schedule(new HedgeDue(first), clock.now + delay);
        }
      }
    }

    /** A hedge is due for {@code first}'s call: sent if the call is still on its first attempt and a budget allows. */
    void hedgeDue(Attempt first) {
      Call call = first.call;
      Lease firstLease = first.lease;
      if (call.closed || first.over || call.current != first || call.hedge != null || firstLease == null) {
        return; // answered, or already retried: no hedge
      }
      PickContext avoiding = call.context.avoiding(firstLease.endpoint());
      Lease lease;
      try {
        lease = Objects.requireNonNull(lb).acquire(avoiding);
      } catch (RuntimeException e) {
        return; // nothing available
      }
      Hedger h = Objects.requireNonNull(hedger);
      if (avoiding.avoids(lease.endpoint()) || !h.tryHedge(budget, clock.now)) {
        lease.close();
        long delay = h.delayNanos(clock.now);
        if (delay >= 0) {
          events.schedule(new HedgeDue(first), clock.now + delay); // asked again one delay later
        }
        return;
      }
      Server server = Objects.requireNonNull(byEndpoint.get(lease.endpoint()));
      Attempt hedge = new Attempt(call, lease, server, retries.nextDouble());
      call.attempts++;
      call.hedge = hedge;
      server.accept(hedge);
    }

    /** Starts an attempt of {@code call}: the first when {@code lease} is null and none was taken. */
    void attempt(Call call, @Nullable Lease lease) {
      if (lb == null) {
        Server server = oracleChoice();
        if (server == null) {
          call.finish(false, -1);
          return;
        }
        Attempt attempt = new Attempt(call, null, server, call.attempts == 0 ? call.quantile : retries.nextDouble());
        call.attempts++;
        call.current = attempt;
        server.accept(attempt);
        return;
      }
      Lease l = lease;
      if (l == null) {
        try {
          l = lb.acquire(call.context);
        } catch (RuntimeException e) {
          call.finish(false, -1); // no endpoint available
          return;
        }
      }
      Server server = byEndpoint.get(l.endpoint());
      Attempt attempt = new Attempt(call, l, Objects.requireNonNull(server), call.attempts == 0 ? call.quantile : retries.nextDouble());
      call.attempts++;
      call.current = attempt;
      server.accept(attempt);
    }

    /** What an attempt's end means for its call, by the interceptor's rules. */
    void attemptEnded(Attempt attempt, Outcome outcome) {
      Call call = attempt.call;
      Lease lease = attempt.lease;
      if (lease == null) { // an oracle: one attempt
        call.finish(outcome == Outcome.SUCCEEDED, attempt.server.index);
        return;
      }
      LoadReport report = attempt.report;
      if (report != null) {
        lease.loadReport(report);
      }
      RetryRules.report(lease, outcome, causeOf(outcome));
      lease.close();
      if (hedger != null && attempt != call.hedge && (outcome == Outcome.SUCCEEDED || outcome == Outcome.FAILED)) {
        hedger.recordLatency(clock.now - attempt.start, clock.now);
      }
      Next next = RetryRules.next(outcome, true);
      Attempt hedge = call.hedge;
      if (hedge != null) { // a hedged call: the first success wins, by the Hedger's rules
        Attempt other = attempt == hedge ? call.current : hedge;
        boolean otherInFlight = other != null && !other.over;
        if (Hedger.endsCall(next, otherInFlight)) {
          if (next == Next.DONE && attempt == hedge) {
            Objects.requireNonNull(hedger).onHedgeWon();
          }
          if (other != null && !other.over) {
            if (other != hedge) { // the first attempt lost: the time it ran is a sample, at least
              Objects.requireNonNull(hedger).recordLatency(clock.now - other.start, clock.now);
            }
            other.abandon();
          }
          call.finish(next == Next.DONE, attempt.server.index);
        }
        return;
      }
      if (next == Next.DONE) {
        call.finish(true, attempt.server.index);
        return;
      }
      if (next != Next.FINAL && !call.closed) {
        PickContext avoiding = call.context.avoiding(lease.endpoint());
        Lease another = null;
        try {
          another = Objects.requireNonNull(lb).acquire(avoiding);
        } catch (RuntimeException e) {
          // nothing available: the call fails
        }
        if (another != null) {
          if (!avoiding.avoids(another.endpoint())
              && RetryRules.mayTryAgain(next, call.attempts, scenario.clients().maxAttempts(), budget, clock.now)) {
            call.context = avoiding;
            attempt(call, another);
            return;
          }
          another.close();
        }
      }
      call.finish(false, attempt.server.index);
    }

    private @Nullable Throwable causeOf(Outcome outcome) {
      return switch (outcome) {
        case NOTHING_SENT -> new ConnectException("connection refused (simulated)");
        case FAILED -> new IOException("error answer (simulated)");
        default -> null;
      };
    }

    private @Nullable Server oracleChoice() {
      Server best = null;
      double bestScore = Double.MAX_VALUE;
      int ties = 0;
      boolean delay = policy.oracle() == Policy.Oracle.SHORTEST_EXPECTED_DELAY;
      for (int i = 0; i < servers.length; i++) {
        if (!present[i]) {
          continue;
        }
        Server s = servers[i];
        if (s.refusing || s.blackHole || s.errorRate >= 1) {
          continue; // an oracle knows which servers are broken
        }
        double score = delay
            ? (1.0 + s.held()) / (s.spec.slots() * s.speed) * s.spec.serviceTime().meanNanos() + s.extraLatency
            : s.held();
        if (score < bestScore) {
          best = s;
          bestScore = score;
          ties = 1;
        } else if (score == bestScore && oracleRandom.nextInt(++ties) == 0) {
          best = s; // reservoir sampling among ties
        }
      }
      return best;
    }

    void registryChanged(List<Endpoint> list) {
      if (source != null) {
        source.update(list);
      }
    }

    void close() {
      if (lb != null) {
        lb.close();
      }
    }
  }

  private static final class NextCall extends EventQueue.Event {
    final Client client;

    NextCall(Client client) {
      this.client = client;
    }

    @Override
    void fire() {
      client.newCall();
    }
  }

  private static final class Arrival extends EventQueue.Event {
    final Client client;

    Arrival(Client client) {
      this.client = client;
    }

    @Override
    void fire() {
      client.newCall();
      client.scheduleNextArrival();
    }
  }

  /** One call: its attempts, its deadline, its end. */
  final class Call {
    final Client client;
    final long start;
    final double quantile;
    final int id;
    PickContext context;
    int attempts;
    @Nullable Attempt current;
    /** The call's hedge, once sent. */
    @Nullable Attempt hedge;
    boolean closed;

    Call(Client client, long start, double quantile, long key) {
      this.client = client;
      this.start = start;
      this.quantile = quantile;
      this.context = scenario.keyed() ? PickContext.ofHash(key) : PickContext.empty();
      this.id = log.nextId();
    }

    void finish(boolean success, int server) {
      if (closed) {
        return;
      }
      closed = true;
      current = null;
      log.finished(id, clock.now, success, server, attempts);
      if (scenario.clients().usersPerClient() > 0 && clock.now < end) {
        // Closed loop: the user sends its next call, as an event (never inside this one); after a
        // failure it waits a little, so that a pool that fails every call at once cannot spin.
        events.schedule(new NextCall(client), clock.now + (success ? 0 : CLOSED_LOOP_BACKOFF_NANOS));
      }
    }
  }

  /** One attempt of a call on one server. */
  private final class Attempt {
    final Call call;
    final @Nullable Lease lease;
    Server server;
    final double quantile;
    final long start = clock.now;
    boolean over;
    /** The server's load report that came with the answer, if any. */
    @Nullable LoadReport report;

    Attempt(Call call, @Nullable Lease lease, Server server, double quantile) {
      this.call = call;
      this.lease = lease;
      this.server = server;
      this.quantile = quantile;
    }

    /**
     * The other attempt of the call won: this one is abandoned ({@link Lease#abandon()}: no
     * outcome, and a lower bound of its endpoint's latency). A server that has not started it drops
     * it (it sees the connection closed); one that has started it finishes the work, which is wasted.
     */
    void abandon() {
      if (!over) {
        over = true;
        server.queue.remove(this);
        if (lease != null) {
          lease.abandon();
        }
      }
    }

    /** The client hears {@code outcome} at {@code at} (now, or later by the server's extra latency). */
    void finishAt(long at, Outcome outcome) {
      if (at <= clock.now) {
        heard(outcome);
      } else {
        events.schedule(new Answer(this, outcome), at);
      }
    }

    void heard(Outcome outcome) {
      if (over) {
        return; // timed out already: the server's work was wasted
      }
      over = true;
      call.client.attemptEnded(this, outcome);
    }
  }

  private static final class HedgeDue extends EventQueue.Event {
    final Attempt first;

    HedgeDue(Attempt first) {
      this.first = first;
    }

    @Override
    void fire() {
      first.call.client.hedgeDue(first);
    }
  }

  private static final class Answer extends EventQueue.Event {
    final Attempt attempt;
    final Outcome outcome;

    Answer(Attempt attempt, Outcome outcome) {
      this.attempt = attempt;
      this.outcome = outcome;
    }

    @Override
    void fire() {
      attempt.heard(outcome);
    }
  }

  /**
   * Every call's timeout. Calls share one timeout, so their deadlines come in the order the calls
   * started: a FIFO of open calls and one pending event at the oldest one's deadline replace an
   * event per call (which would fill the agenda with millions of far-off events).
   */
  private final class Deadlines extends EventQueue.Event {
    private final ArrayDeque<Call> open = new ArrayDeque<>();
    private final long timeout = scenario.clients().timeoutNanos();
    private boolean scheduled;

    void add(Call call) {
      open.add(call);
      if (!scheduled) {
        scheduled = true;
        events.schedule(this, call.start + timeout);
      }
    }

    @Override
    void fire() {
      scheduled = false;
      Call head;
      while ((head = open.peek()) != null) {
        if (head.closed) {
          open.poll();
        } else if (head.start + timeout <= clock.now) {
          open.poll();
          expire(head);
        } else {
          scheduled = true;
          events.schedule(this, head.start + timeout);
          return;
        }
      }
    }
  }

  /** A call's timeout: its open attempt fails (the server may still work on it) and the call ends. */
  private void expire(Call call) {
    Attempt hedge = call.hedge;
    if (hedge != null && !hedge.over) { // the hedge ends with the call, as a cancelled clone does
      hedge.abandon();
    }
    Attempt attempt = call.current;
    if (attempt != null && !attempt.over) {
      attempt.over = true;
      Lease lease = attempt.lease;
      if (lease != null) {
        lease.failure(new IOException("timeout (simulated)"));
        lease.close();
      }
      call.finish(false, attempt.server.index);
    } else {
      call.finish(false, -1);
    }
  }

  // ---------------------------------------------------------------- load probes

  /**
   * A client's {@link LoadProbe}: a probe crosses the network to the server of its endpoint in
   * half the scenario's {@linkplain ClientSpec#probeRoundTrip probe round trip}; the server reads
   * then the calls it holds (in service and queued) and its {@link RecentLatency}, and its answer
   * comes back in the other half, later by the server's extra latency (as every answer). A server
   * that refuses connections fails the probe with a {@link ConnectException} after the round
   * trip; a black hole never answers (the picker's timeout forgets the probe). The stage completes
   * in an event, on virtual time; a stage cancelled by the picker ignores its late answer.
   */
  private final class Probe implements LoadProbe {
    /** Probes sent by this client. */
    long sent;

    @Override
    public CompletionStage<ProbedLoad> probe(Endpoint endpoint, Duration timeout) {
      sent++;
      CompletableFuture<ProbedLoad> answer = new CompletableFuture<>();
      Server server = byAddress.get(endpoint.address());
      if (server == null) {
        answer.completeExceptionally(new UnknownHostException(endpoint.address() + " (no such simulated server)"));
        return answer;
      }
      long roundTrip = scenario.clients().probeRoundTripNanos();
      events.schedule(new ProbeArrival(server, answer, roundTrip - roundTrip / 2), clock.now + roundTrip / 2);
      return answer;
    }
  }

  /** A probe reaches its server, which answers it (or does not). */
  private final class ProbeArrival extends EventQueue.Event {
    final Server server;
    final CompletableFuture<ProbedLoad> answer;
    final long wayBack;

    ProbeArrival(Server server, CompletableFuture<ProbedLoad> answer, long wayBack) {
      this.server = server;
      this.answer = answer;
      this.wayBack = wayBack;
    }

    @Override
    void fire() {
      if (answer.isDone() || server.blackHole) {
        return; // cancelled on the way, or never answered
      }
      if (server.refusing) {
        events.schedule(new ProbeAnswer(answer, null), clock.now + wayBack);
        return;
      }
      ProbedLoad load = ProbedLoad.ofNanos(server.held(), server.latency.medianNanos());
      events.schedule(new ProbeAnswer(answer, load), clock.now + wayBack + server.extraLatency);
    }
  }

  /** A probe's answer (or its refusal, when {@link #load} is null) reaches the client. */
  private static final class ProbeAnswer extends EventQueue.Event {
    final CompletableFuture<ProbedLoad> answer;
    final @Nullable ProbedLoad load;

    ProbeAnswer(CompletableFuture<ProbedLoad> answer, @Nullable ProbedLoad load) {
      this.answer = answer;
      this.load = load;
    }

    @Override
    void fire() {
      if (load != null) {
        answer.complete(load);
      } else {
        answer.completeExceptionally(new ConnectException("connection refused (simulated)"));
      }
    }
  }

  // ---------------------------------------------------------------- the timeline

  private final class ActionEvent extends EventQueue.Event implements Control {
    final Scenario.Action action;

    ActionEvent(Scenario.Action action) {
      this.action = action;
    }

    @Override
    void fire() {
      action.change.accept(this);
    }

    private Server server(int i) {
      if (i < 0 || i >= servers.length) {
        throw new IllegalArgumentException("server: " + i + " (expected: 0-" + (servers.length - 1) + ")");
      }
      return servers[i];
    }

    @Override
    public void speed(int server, double speed) {
      ServerSpec.checkSpeed(speed);
      server(server).speed = speed;
    }

    @Override
    public void extraLatency(int server, Duration latency) {
      if (latency.isNegative()) {
        throw new IllegalArgumentException("latency: " + latency + " (expected: zero or more)");
      }
      server(server).extraLatency = latency.toNanos();
    }

    @Override
    public void errors(int server, double rate, boolean fast) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("rate: " + rate + " (expected: 0-1)");
      }
      server(server).errorRate = rate;
      server(server).fastErrors = fast;
    }

    @Override
    public void blackHole(int server, boolean on) {
      server(server).blackHole = on;
    }

    @Override
    public void refuse(int server, boolean on) {
      server(server).refusing = on;
    }

    @Override
    public void rateLimit(int server, int maxCalls) {
      if (maxCalls < 0) {
        throw new IllegalArgumentException("maxCalls: " + maxCalls + " (expected: 0 or more)");
      }
      server(server).rateLimit = maxCalls;
    }

    @Override
    public void loadReports(int server, boolean on) {
      server(server).reporting = on;
    }

    @Override
    public void leave(int server) {
      server(server);
      if (present[server]) {
        present[server] = false;
        registryChanged();
      }
    }

    @Override
    public void join(int server) {
      server(server);
      if (!present[server]) {
        present[server] = true;
        registryChanged();
      }
    }

    @Override
    public void arrivals(double factor) {
      if (!(factor > 0 && factor <= 1000)) {
        throw new IllegalArgumentException("factor: " + factor + " (expected: more than 0, at most 1000)");
      }
      arrivalFactor = factor;
    }

    @Override
    public Duration now() {
      return Duration.ofNanos(clock.now);
    }
  }

  /** Builds and runs a {@link Simulation}. Not thread-safe. */
  public static final class Builder {
    private @Nullable Scenario scenario;
    private @Nullable Policy policy;
    private long seed = 1;

    private Builder() {}

    /** The scenario to run; required. */
    public Builder scenario(Scenario scenario) {
      this.scenario = Objects.requireNonNull(scenario, "scenario");
      return this;
    }

    /** How the clients choose a server; required. */
    public Builder policy(Policy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The seed of every random draw; default 1. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Runs the simulation on this thread and returns its result.
     *
     * @throws IllegalStateException if the scenario or the policy is missing
     */
    public SimulationResult run() {
      if (scenario == null || policy == null) {
        throw new IllegalStateException("a simulation needs a scenario and a policy (expected: scenario(...) and policy(...))");
      }
      return new Simulation(this).execute();
    }
  }
}
