package dev.roundabout.lb.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * Asks DNS one question (a name and a record type) and sorts the answer into records, an
 * authoritative "nothing" or a failure (see {@link DnsEndpointSource} for the rules).
 *
 * <p>Each question goes to the servers in order, one query each, until one answers usably (records,
 * NXDOMAIN, or an authoritative NOERROR without records); a server that fails (an error code, a
 * timeout, a network error, garbage, an empty answer without authority) passes the question to the
 * next. Queries go through dnsjava's {@link SimpleResolver}: over UDP, and again over TCP when the
 * UDP answer comes back truncated; it also rejects answers whose id or question do not match.
 *
 * <p>Thread-safe and asynchronous: {@link #ask} returns at once, and the future completes on
 * dnsjava's I/O thread, where this class does nothing but sort the answer; it never completes
 * exceptionally. Once {@code closed} says true, no further query is sent.
 */
final class Questions {
  /** The most CNAMEs followed within one answer. */
  static final int MAX_CNAMES = 8;

  // dnsjava parses answers on this executor: the I/O thread's own, as parsing is short and the
  // refresh thread is busy waiting for the answers.
  private static final Executor DIRECT = Runnable::run;

  private final List<InetSocketAddress> servers;
  private final Duration timeout;
  private final BooleanSupplier closed;

  Questions(List<InetSocketAddress> servers, Duration timeout, BooleanSupplier closed) {
    this.servers = List.copyOf(servers);
    this.timeout = timeout;
    this.closed = closed;
  }

  /** The servers asked, in order. */
  List<InetSocketAddress> servers() {
    return servers;
  }

  /** The answer to {@code name}'s records of {@code type}. */
  CompletableFuture<Answer> ask(Name name, int type) {
    return ask(name, type, 0, new ArrayList<>());
  }

  private CompletableFuture<Answer> ask(Name name, int type, int index, List<String> failures) {
    return send(name, type, servers.get(index)).thenCompose(answer -> {
      if (answer.kind() != Answer.Kind.FAILED) {
        return CompletableFuture.completedFuture(answer);
      }
      failures.add(answer.failure());
      if (index + 1 == servers.size() || closed.getAsBoolean()) {
        return CompletableFuture.completedFuture(
            Answer.failed(name.toString(true) + "/" + Type.string(type) + ": " + String.join("; ", failures)));
      }
      return ask(name, type, index + 1, failures);
    });
  }

  private CompletableFuture<Answer> send(Name name, int type, InetSocketAddress server) {
    if (closed.getAsBoolean()) {
      return CompletableFuture.completedFuture(Answer.failed("closed before asking " + describe(server)));
    }
    Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    SimpleResolver resolver = new SimpleResolver(server);
    resolver.setTimeout(timeout);
    CompletableFuture<Message> response;
    try {
      response = resolver.sendAsync(query, DIRECT).toCompletableFuture();
    } catch (RuntimeException e) {
      response = CompletableFuture.failedFuture(e);
    }
    return response.handle((message, error) -> error != null || message == null
        ? Answer.failed(failure(error, server))
        : sort(message, name, type, server));
  }

  private String failure(@Nullable Throwable error, InetSocketAddress server) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String from = " from " + describe(server);
    if (cause instanceof SocketTimeoutException) {
      return "no answer within " + timeout + from;
    }
    if (cause instanceof WireParseException) {
      return "garbage" + from + " (" + cause.getMessage() + ")";
    }
    if (cause instanceof IOException) {
      return "network error" + from + " (" + cause + ")";
    }
    return "failed" + from + " (" + cause + ")";
  }

  /** Sorts a parsed response (whose id and question dnsjava has checked) into an answer. */
  static Answer sort(Message response, Name name, int type, InetSocketAddress server) {
    int rcode = response.getRcode();
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      return Answer.failed(Rcode.string(rcode) + " from " + describe(server));
    }
    List<Record> answer = response.getSection(Section.ANSWER);
    Name owner = name;
    long ttl = Long.MAX_VALUE;
    for (int hops = 0; ; hops++) {
      CNAMERecord cname = cname(answer, owner);
      if (cname == null) {
        break;
      }
      if (hops == MAX_CNAMES) {
        return Answer.failed("more than " + MAX_CNAMES + " CNAMEs from " + describe(server));
      }
      ttl = Math.min(ttl, cname.getTTL());
      owner = cname.getTarget();
    }
    long negativeTtl = negativeTtl(response);
    if (rcode == Rcode.NXDOMAIN) {
      return Answer.nothing(Math.min(ttl, Math.max(negativeTtl, 0)));
    }
    List<Record> found = new ArrayList<>();
    for (Record record : answer) {
      if (record.getType() == type && record.getName().equals(owner)) {
        found.add(record);
        ttl = Math.min(ttl, record.getTTL());
      }
    }
    if (!found.isEmpty()) {
      return Answer.records(found, ttl);
    }
    boolean followedCname = !owner.equals(name);
    if (negativeTtl >= 0 || (response.getHeader().getFlag(Flags.AA) && !followedCname)) {
      return Answer.nothing(Math.min(ttl, Math.max(negativeTtl, 0)));
    }
    return Answer.failed((followedCname ? "a CNAME to " + owner.toString(true) + " without its records" : "an empty answer without authority")
        + " from " + describe(server));
  }

  private static @Nullable CNAMERecord cname(List<Record> answer, Name owner) {
    for (Record record : answer) {
      if (record instanceof CNAMERecord cname && record.getName().equals(owner)) {
        return cname;
      }
    }
    return null;
  }

  /** How long a negative answer holds (RFC 2308: the smaller of the SOA's TTL and minimum), or -1 without an SOA. */
  private static long negativeTtl(Message response) {
    for (Record record : response.getSection(Section.AUTHORITY)) {
      if (record instanceof SOARecord soa) {
        return Math.min(soa.getTTL(), soa.getMinimum());
      }
    }
    return -1;
  }

  /** {@code 10.0.0.53:53}, {@code [::1]:53}. */
  static String describe(InetSocketAddress server) {
    String host = server.getAddress() == null ? server.getHostString() : server.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + server.getPort();
  }
}
