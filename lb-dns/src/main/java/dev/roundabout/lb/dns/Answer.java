package dev.roundabout.lb.dns;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Record;

/**
 * What DNS said to one question (a name and a record type): records, an authoritative "nothing",
 * or a failure. Immutable.
 */
final class Answer {
  /** The three kinds of answer. */
  enum Kind {
    /** Records of the type asked for (after any CNAMEs in the answer). */
    RECORDS,
    /** The name does not exist, or has no records of the type, and the server says so with authority. */
    NOTHING,
    /** No usable answer: an error code, a timeout, a network error, garbage, an empty answer without authority. */
    FAILED
  }

  private final Kind kind;
  private final List<Record> records;
  private final long ttlSeconds;
  private final @Nullable String failure;

  private Answer(Kind kind, List<Record> records, long ttlSeconds, @Nullable String failure) {
    this.kind = kind;
    this.records = records;
    this.ttlSeconds = ttlSeconds;
    this.failure = failure;
  }

  /** Records of the type asked for, to be asked again after {@code ttlSeconds}. */
  static Answer records(List<Record> records, long ttlSeconds) {
    return new Answer(Kind.RECORDS, List.copyOf(records), ttlSeconds, null);
  }

  /** An authoritative "nothing", to be asked again after {@code ttlSeconds} (0: unknown). */
  static Answer nothing(long ttlSeconds) {
    return new Answer(Kind.NOTHING, List.of(), ttlSeconds, null);
  }

  /** No usable answer, because of {@code reason}. */
  static Answer failed(String reason) {
    return new Answer(Kind.FAILED, List.of(), 0, reason);
  }

  Kind kind() {
    return kind;
  }

  /** The records (empty unless {@link Kind#RECORDS}). */
  List<Record> records() {
    return records;
  }

  /** How long the answer holds, in seconds; 0 when the server did not say. */
  long ttlSeconds() {
    return ttlSeconds;
  }

  /** Why there is no usable answer; {@code ""} unless {@link Kind#FAILED}. */
  String failure() {
    return failure == null ? "" : failure;
  }

  @Override
  public String toString() {
    return kind == Kind.FAILED ? "failed: " + failure : kind + " " + records + " ttl " + ttlSeconds;
  }
}
