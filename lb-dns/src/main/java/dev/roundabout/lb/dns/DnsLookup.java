package dev.roundabout.lb.dns;

import dev.roundabout.lb.Endpoint;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * One refresh's questions and the endpoint list they add up to: the A and AAAA records of a name,
 * or the SRV records of a service and the A and AAAA records of the targets of its lowest
 * priority group that has an address.
 *
 * <p>Blocks the calling thread (the source's) until the answers are in: the questions of one step
 * (A and AAAA of every name of the step) are sent together and waited for together, at most
 * {@code servers x 2 x timeout} plus two seconds (UDP and TCP on every server, and dnsjava's timer
 * granularity). Stateless apart from its configuration; one refresh at a time per source.
 */
final class DnsLookup {
  private static final Duration SLACK = Duration.ofSeconds(2);

  /** What one refresh found: the complete list and how long it holds, or why there is none. */
  static final class Result {
    private final @Nullable List<Endpoint> endpoints;
    private final long ttlSeconds;
    private final String failure;

    private Result(@Nullable List<Endpoint> endpoints, long ttlSeconds, String failure) {
      this.endpoints = endpoints;
      this.ttlSeconds = ttlSeconds;
      this.failure = failure;
    }

    static Result found(List<Endpoint> endpoints, long ttlSeconds) {
      return new Result(List.copyOf(endpoints), ttlSeconds, "");
    }

    static Result failed(String reason) {
      return new Result(null, 0, reason);
    }

    /** The complete list, or null after a failure. */
    @Nullable List<Endpoint> endpoints() {
      return endpoints;
    }

    /** The smallest TTL of the answers that made the list, in seconds (0: unknown). */
    long ttlSeconds() {
      return ttlSeconds;
    }

    String failure() {
      return failure;
    }
  }

  /** A name to resolve, with the port and weight its addresses get. */
  private record Target(Name name, int port, int weight) {}

  private final Questions questions;
  private final long waitNanos;

  DnsLookup(Questions questions, Duration timeout) {
    this.questions = questions;
    long nanos;
    try {
      nanos = timeout.multipliedBy(2L * questions.servers().size()).plus(SLACK).toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE; // a timeout of centuries: wait as long as dnsjava does
    }
    this.waitNanos = nanos;
  }

  /** The addresses of {@code name}, each an endpoint on {@code port} of weight 1. */
  Result addresses(Name name, int port) throws InterruptedException {
    return resolve(List.of(new Target(name, port, Endpoint.DEFAULT_WEIGHT)), Long.MAX_VALUE);
  }

  /** The endpoints of the service {@code name}'s SRV records. */
  Result srv(Name name) throws InterruptedException {
    List<List<Answer>> answers = await(List.of(name), Type.SRV);
    if (answers == null) {
      return timedOut();
    }
    Answer srv = answers.get(0).get(0);
    if (srv.kind() == Answer.Kind.FAILED) {
      return Result.failed(srv.failure());
    }
    TreeMap<Integer, List<Target>> groups = new TreeMap<>();
    for (Record record : srv.records()) {
      if (record instanceof SRVRecord s && !s.getTarget().equals(Name.root) && s.getPort() != 0) {
        groups.computeIfAbsent(s.getPriority(), p -> new ArrayList<>())
            .add(new Target(s.getTarget(), s.getPort(), weight(s.getWeight())));
      }
    }
    long ttl = srv.ttlSeconds();
    for (List<Target> group : groups.values()) {
      Result result = resolve(group, ttl);
      if (result.endpoints() == null || !result.endpoints().isEmpty()) {
        return result;
      }
      ttl = result.ttlSeconds();
    }
    return Result.found(List.of(), ttl);
  }

  /** An SRV weight as an endpoint weight: 0 becomes the smallest weight, the rest is clamped. */
  static int weight(int srvWeight) {
    return Math.max(Endpoint.MIN_WEIGHT, Math.min(srvWeight, Endpoint.MAX_WEIGHT));
  }

  private Result resolve(List<Target> targets, long ttlSoFar) throws InterruptedException {
    Set<Name> unique = new LinkedHashSet<>();
    for (Target target : targets) {
      unique.add(target.name());
    }
    List<Name> names = List.copyOf(unique);
    List<List<Answer>> answers = await(names, Type.A, Type.AAAA);
    if (answers == null) {
      return timedOut();
    }
    long ttl = ttlSoFar;
    Map<Name, List<InetAddress>> addresses = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      Set<InetAddress> found = new LinkedHashSet<>();
      for (Answer answer : answers.get(i)) {
        if (answer.kind() == Answer.Kind.FAILED) {
          return Result.failed(answer.failure());
        }
        ttl = Math.min(ttl, answer.ttlSeconds());
        for (Record record : answer.records()) {
          if (record instanceof ARecord a) {
            found.add(a.getAddress());
          } else if (record instanceof AAAARecord aaaa) {
            found.add(aaaa.getAddress());
          }
        }
      }
      addresses.put(names.get(i), List.copyOf(found));
    }
    return Result.found(endpoints(targets, addresses), ttl);
  }

  /**
   * The endpoints of the targets, one per address and port, sorted by address (IPv4 first) and
   * port so that the same answer in another order is the same list. Targets that share an address
   * and port add up their weights.
   */
  private static List<Endpoint> endpoints(List<Target> targets, Map<Name, List<InetAddress>> addresses) {
    Map<String, Found> merged = new LinkedHashMap<>();
    for (Target target : targets) {
      for (InetAddress address : addresses.getOrDefault(target.name(), List.of())) {
        merged.merge(address.getHostAddress() + "/" + target.port(),
            new Found(address.getAddress(), address.getHostAddress(), target.port(), target.weight()),
            (a, b) -> new Found(a.bytes, a.host, a.port, a.weight + b.weight));
      }
    }
    List<Found> sorted = new ArrayList<>(merged.values());
    sorted.sort(Found.ORDER);
    List<Endpoint> endpoints = new ArrayList<>(sorted.size());
    for (Found found : sorted) {
      endpoints.add(Endpoint.builder(found.host, found.port)
          .weight((int) Math.min(found.weight, Endpoint.MAX_WEIGHT))
          .build());
    }
    return endpoints;
  }

  /** An address found, with its port and weight. Immutable. */
  private static final class Found {
    static final Comparator<Found> ORDER = Comparator.<Found>comparingInt(f -> f.bytes.length)
        .thenComparing((a, b) -> Arrays.compareUnsigned(a.bytes, b.bytes))
        .thenComparingInt(f -> f.port);

    final byte[] bytes;
    final String host;
    final int port;
    final long weight;

    Found(byte[] bytes, String host, int port, long weight) {
      this.bytes = bytes;
      this.host = host;
      this.port = port;
      this.weight = weight;
    }
  }

  /**
   * Asks every name for every type at once and waits for all the answers: for each name in order,
   * its answers in the order of {@code types}; null if they did not all come within the wait.
   */
  private @Nullable List<List<Answer>> await(List<Name> names, int... types) throws InterruptedException {
    List<CompletableFuture<Answer>> all = new ArrayList<>(names.size() * types.length);
    for (Name name : names) {
      for (int type : types) {
        all.add(questions.ask(name, type));
      }
    }
    try {
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(waitNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a question failed instead of answering a failure", e.getCause());
    }
    List<List<Answer>> answers = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      List<Answer> forName = new ArrayList<>(types.length);
      for (int j = 0; j < types.length; j++) {
        forName.add(all.get(i * types.length + j).join());
      }
      answers.add(forName);
    }
    return answers;
  }

  private Result timedOut() {
    return Result.failed("no complete answer within " + Duration.ofNanos(waitNanos));
  }
}
