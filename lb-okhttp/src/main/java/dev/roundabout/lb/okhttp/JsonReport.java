package dev.roundabout.lb.okhttp;

import dev.roundabout.lb.LoadReport;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of {@link EndpointLoadMetrics}: one object whose values are numbers, or objects of
 * numbers for ORCA's maps ({@code named_metrics}, {@code request_cost}, {@code utilization}).
 * Only that much JSON is read; anything else (arrays, strings as values, {@code true},
 * {@code null}, text after the object) is refused with the position. Not thread-safe: one
 * instance per value.
 */
final class JsonReport {
  private final String text;
  private int at;

  private JsonReport(String text) {
    this.text = text;
  }

  static LoadReport parse(String json) {
    JsonReport reader = new JsonReport(json);
    EndpointLoadMetrics.Fields fields = new EndpointLoadMetrics.Fields();
    reader.object(fields, null);
    reader.skipSpace();
    if (reader.at < json.length()) {
      throw reader.unexpected("the end of the object");
    }
    return fields.report();
  }

  /** Reads an object into {@code fields}; {@code map} names the map it is the value of, or null at the top. */
  private void object(EndpointLoadMetrics.Fields fields, @Nullable String map) {
    expect('{');
    skipSpace();
    if (peek() == '}') {
      at++;
      return;
    }
    while (true) {
      skipSpace();
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      if (peek() == '{') {
        if (map != null) {
          throw unexpected("a number for " + map + "." + key);
        }
        object(fields, key);
      } else {
        String name = map == null ? key : map + "." + key;
        if (map != null && key.isEmpty()) {
          throw new IllegalArgumentException(map + ": a key \"\" (expected: a name)");
        }
        fields.put(name, EndpointLoadMetrics.number(name, numberText()));
      }
      skipSpace();
      char c = peek();
      at++;
      if (c == '}') {
        return;
      }
      if (c != ',') {
        at--;
        throw unexpected("',' or '}'");
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (at < text.length()) {
      char c = text.charAt(at++);
      if (c == '"') {
        return b.toString();
      }
      if (c == '\\') {
        throw new IllegalArgumentException("JSON at " + (at - 1) + ": an escape (expected: a plain key)");
      }
      b.append(c);
    }
    throw unexpected("'\"'");
  }

  private String numberText() {
    int start = at;
    while (at < text.length() && "+-.0123456789eE".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
    if (start == at) {
      throw unexpected("a number");
    }
    return text.substring(start, at);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw unexpected("'" + c + "'");
    }
    at++;
  }

  private char peek() {
    return at < text.length() ? text.charAt(at) : '\0';
  }

  private void skipSpace() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }

  private IllegalArgumentException unexpected(String expected) {
    String found = at < text.length() ? "'" + text.charAt(at) + "'" : "the end";
    return new IllegalArgumentException("JSON at " + at + ": " + found + " (expected: " + expected + ")");
  }
}
