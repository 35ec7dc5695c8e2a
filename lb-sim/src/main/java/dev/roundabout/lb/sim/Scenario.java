package dev.roundabout.lb.sim;

import dev.roundabout.lb.LoadBalancer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A named, documented case to simulate: the servers, the clients, how long, what happens when
 * (the timeline), and the balancer options every client uses (a health policy, slow start).
 * Immutable; build with {@link #builder(String)}.
 */
public final class Scenario {
  private final String name;
  private final String description;
  private final List<ServerSpec> servers;
  private final ClientSpec clients;
  private final long durationNanos;
  private final List<Action> timeline;
  private final @Nullable Consumer<LoadBalancer.Builder> balancer;
  private final boolean keyed;

  /** One change of the timeline. */
  static final class Action {
    final long atNanos;
    final Consumer<Control> change;

    Action(long atNanos, Consumer<Control> change) {
      this.atNanos = atNanos;
      this.change = change;
    }
  }

  private Scenario(Builder b) {
    this.name = b.name;
    this.description = b.description;
    this.servers = List.copyOf(b.servers);
    this.clients = Objects.requireNonNull(b.clients, "clients");
    this.durationNanos = b.durationNanos;
    List<Action> sorted = new ArrayList<>(b.timeline);
    sorted.sort(Comparator.comparingLong(a -> a.atNanos)); // stable: equal times keep their order
    this.timeline = List.copyOf(sorted);
    this.balancer = b.balancer;
    this.keyed = b.keyed;
  }

  /** A builder of a scenario named {@code name} (a short id such as {@code one-slow-server}). */
  public static Builder builder(String name) {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException("name: \"" + name + "\" (expected: lower-case letters, digits and hyphens)");
    }
    return new Builder(name);
  }

  /** The scenario's short id, such as {@code one-slow-server}. */
  public String name() {
    return name;
  }

  /** What the scenario shows; empty unless given. */
  public String description() {
    return description;
  }

  /** The servers, in index order. */
  public List<ServerSpec> servers() {
    return servers;
  }

  /** The clients. */
  public ClientSpec clients() {
    return clients;
  }

  /** How long the scenario runs, in virtual time. */
  public Duration duration() {
    return Duration.ofNanos(durationNanos);
  }

  long durationNanos() {
    return durationNanos;
  }

  List<Action> timeline() {
    return timeline;
  }

  /** Whether each call carries a random affinity key (so hash pickers spread calls). */
  boolean keyed() {
    return keyed;
  }

  void configure(LoadBalancer.Builder builder) {
    if (balancer != null) {
      balancer.accept(builder);
    }
  }

  /** This scenario with {@code spec} as its clients (the same name, servers, timeline and balancer options). */
  Scenario withClients(ClientSpec spec) {
    Builder b = new Builder(name).description(description).clients(spec).keyed(keyed);
    b.durationNanos = durationNanos;
    b.servers.addAll(servers);
    b.timeline.addAll(timeline);
    b.balancer = balancer;
    return b.build();
  }

  /** Total capacity of the servers as they start, in calls per second. */
  public double capacityPerSecond() {
    double total = 0;
    for (ServerSpec s : servers) {
      total += s.capacityPerSecond();
    }
    return total;
  }

  @Override
  public String toString() {
    return name;
  }

  /** Builds a {@link Scenario}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private String description = "";
    private final List<ServerSpec> servers = new ArrayList<>();
    private @Nullable ClientSpec clients;
    private long durationNanos = 60_000_000_000L;
    private final List<Action> timeline = new ArrayList<>();
    private @Nullable Consumer<LoadBalancer.Builder> balancer;
    private boolean keyed = true;

    private Builder(String name) {
      this.name = name;
    }

    /** What the scenario shows, in a sentence or two (for the report). */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /** Adds {@code count} servers like {@code server}. */
    public Builder servers(int count, ServerSpec server) {
      if (count < 1 || count > 10_000) {
        throw new IllegalArgumentException("count: " + count + " (expected: 1-10000)");
      }
      Objects.requireNonNull(server, "server");
      for (int i = 0; i < count; i++) {
        servers.add(server);
      }
      return this;
    }

    /** Adds one server. */
    public Builder server(ServerSpec server) {
      return servers(1, server);
    }

    /** The clients; required. */
    public Builder clients(ClientSpec clients) {
      this.clients = Objects.requireNonNull(clients, "clients");
      return this;
    }

    /**
     * How long calls arrive (virtual time); calls under way then are followed to their end.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder duration(Duration duration) {
      Objects.requireNonNull(duration, "duration");
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("duration: " + duration + " (expected: a positive duration)");
      }
      this.durationNanos = duration.toNanos();
      return this;
    }

    /** At {@code at} after the start, applies {@code change}. */
    public Builder at(Duration at, Consumer<Control> change) {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(change, "change");
      if (at.isNegative()) {
        throw new IllegalArgumentException("at: " + at + " (expected: zero or more)");
      }
      timeline.add(new Action(at.toNanos(), change));
      return this;
    }

    /** Balancer options every client uses (a health policy, slow start, panic). */
    public Builder balancer(Consumer<LoadBalancer.Builder> options) {
      Objects.requireNonNull(options, "options");
      this.balancer = balancer == null ? options : balancer.andThen(options);
      return this;
    }

    /** Whether calls carry random affinity keys; default true. */
    public Builder keyed(boolean keyed) {
      this.keyed = keyed;
      return this;
    }

    /**
     * Builds the scenario.
     *
     * @throws IllegalStateException if no server or no client spec was given
     */
    public Scenario build() {
      if (servers.isEmpty()) {
        throw new IllegalStateException("scenario '" + name + "' has no server (expected: servers(count, spec))");
      }
      if (clients == null) {
        throw new IllegalStateException("scenario '" + name + "' has no clients (expected: clients(spec))");
      }
      return new Scenario(this);
    }
  }
}
