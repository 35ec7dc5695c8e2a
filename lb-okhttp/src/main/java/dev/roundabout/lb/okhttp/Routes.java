package dev.roundabout.lb.okhttp;

import static java.util.Objects.requireNonNull;

import dev.roundabout.lb.LoadBalancer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * L7 routing for one logical host: rules that choose which load balancer (which pool) serves a
 * request, by path prefix, method or header value, or a weighted split between two pools (a
 * canary taking 5%). The first rule that matches wins; a request that matches none goes to the
 * default pool.
 *
 * <pre>{@code
 * Routes routes = Routes.builder()
 *     .header("X-Canary", "true", canaryLb)
 *     .pathPrefix("/images/", imagesLb)
 *     .pathPrefix("/api/", apiLb)
 *     .split(stableLb, 95, canaryLb, 5)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Routes {
  private final List<Rule> rules;
  private final @Nullable LoadBalancer otherwise;
  private final RandomGenerator random;

  private Routes(Builder builder) {
    this.rules = List.copyOf(builder.rules);
    this.otherwise = builder.otherwise;
    this.random = builder.random;
  }

  /** A builder with no rules. */
  public static Builder builder() {
    return new Builder();
  }

  /** Routes that send every request to {@code lb}. */
  public static Routes to(LoadBalancer lb) {
    return builder().otherwise(lb).build();
  }

  /** The pool for {@code request}, or null when no rule matches and there is no default. */
  @Nullable LoadBalancer route(Request request) {
    for (Rule rule : rules) {
      LoadBalancer lb = rule.route(request, random);
      if (lb != null) {
        return lb;
      }
    }
    return otherwise;
  }

  @Override
  public String toString() {
    return "Routes" + rules + (otherwise == null ? "" : " otherwise " + otherwise.name());
  }

  private interface Rule {
    @Nullable LoadBalancer route(Request request, RandomGenerator random);
  }

  private static final class Match implements Rule {
    private final String description;
    private final Predicate<Request> predicate;
    private final LoadBalancer lb;

    Match(String description, Predicate<Request> predicate, LoadBalancer lb) {
      this.description = description;
      this.predicate = predicate;
      this.lb = lb;
    }

    @Override
    public @Nullable LoadBalancer route(Request request, RandomGenerator random) {
      return predicate.test(request) ? lb : null;
    }

    @Override
    public String toString() {
      return description + " -> " + lb.name();
    }
  }

  private static final class Split implements Rule {
    private final LoadBalancer first;
    private final int firstWeight;
    private final LoadBalancer second;
    private final int total;

    Split(LoadBalancer first, int firstWeight, LoadBalancer second, int secondWeight) {
      this.first = first;
      this.firstWeight = firstWeight;
      this.second = second;
      this.total = firstWeight + secondWeight;
    }

    @Override
    public LoadBalancer route(Request request, RandomGenerator random) {
      return random.nextInt(total) < firstWeight ? first : second;
    }

    @Override
    public String toString() {
      return "split " + first.name() + " " + firstWeight + " / " + second.name() + " " + (total - firstWeight);
    }
  }

  /** Builds {@link Routes}; rules are tried in the order added. Not thread-safe. */
  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();
    private @Nullable LoadBalancer otherwise;
    private RandomGenerator random = ThreadLocalRandomHolder.INSTANCE;

    private Builder() {}

    /**
     * Requests whose path starts with {@code prefix} (such as {@code "/api/"}) go to {@code lb}.
     *
     * @throws IllegalArgumentException if {@code prefix} does not start with {@code /}
     */
    public Builder pathPrefix(String prefix, LoadBalancer lb) {
      requireNonNull(prefix, "prefix");
      if (!prefix.startsWith("/")) {
        throw new IllegalArgumentException("prefix: \"" + prefix + "\" (expected: a path starting with /)");
      }
      rules.add(new Match("path " + prefix + "*", r -> r.url().encodedPath().startsWith(prefix), requireNonNull(lb, "lb")));
      return this;
    }

    /** Requests of {@code method} (such as {@code "POST"}, case-insensitive) go to {@code lb}. */
    public Builder method(String method, LoadBalancer lb) {
      String upper = requireNonNull(method, "method").toUpperCase(Locale.ROOT);
      rules.add(new Match("method " + upper, r -> r.method().equals(upper), requireNonNull(lb, "lb")));
      return this;
    }

    /** Requests whose header {@code name} has the value {@code value} go to {@code lb}. */
    public Builder header(String name, String value, LoadBalancer lb) {
      requireNonNull(name, "name");
      requireNonNull(value, "value");
      rules.add(new Match(name + ": " + value, r -> r.headers(name).contains(value), requireNonNull(lb, "lb")));
      return this;
    }

    /**
     * Every request that reaches this rule goes to {@code first} or {@code second} at random, in
     * proportion to the weights ({@code 95, 5}: 5% to the second).
     *
     * @throws IllegalArgumentException if a weight is negative or both are 0
     */
    public Builder split(LoadBalancer first, int firstWeight, LoadBalancer second, int secondWeight) {
      requireNonNull(first, "first");
      requireNonNull(second, "second");
      if (firstWeight < 0 || secondWeight < 0 || firstWeight + secondWeight == 0 || firstWeight + secondWeight < 0) {
        throw new IllegalArgumentException(
            "weights: " + firstWeight + ", " + secondWeight + " (expected: not negative, not both 0)");
      }
      rules.add(new Split(first, firstWeight, second, secondWeight));
      return this;
    }

    /** Requests no rule matches go to {@code lb}. */
    public Builder otherwise(LoadBalancer lb) {
      this.otherwise = requireNonNull(lb, "lb");
      return this;
    }

    /** Sets the randomness of splits (default: the calling thread's {@code ThreadLocalRandom}). */
    public Builder random(RandomGenerator random) {
      this.random = requireNonNull(random, "random");
      return this;
    }

    /**
     * Builds the routes.
     *
     * @throws IllegalStateException if there is neither a rule nor a default pool
     */
    public Routes build() {
      if (rules.isEmpty() && otherwise == null) {
        throw new IllegalStateException("routes have no rule and no default pool (expected: a rule or otherwise(lb))");
      }
      return new Routes(this);
    }
  }

  /** Draws from the calling thread's {@code ThreadLocalRandom} at each call. */
  private static final class ThreadLocalRandomHolder implements RandomGenerator {
    static final ThreadLocalRandomHolder INSTANCE = new ThreadLocalRandomHolder();

    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public int nextInt(int bound) {
      return ThreadLocalRandom.current().nextInt(bound);
    }
  }
}
