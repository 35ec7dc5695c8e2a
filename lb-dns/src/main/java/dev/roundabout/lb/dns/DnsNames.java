package dev.roundabout.lb.dns;

import java.util.Objects;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** The DNS names a source accepts, checked and made absolute. Stateless. */
final class DnsNames {
  private static final int MAX_NAME_LENGTH = 253;
  private static final int MAX_LABEL_LENGTH = 63;

  private DnsNames() {}

  /**
   * {@code text} as an absolute name: dot-separated labels of letters, digits, hyphens and
   * underscores, 1-63 characters each that neither start nor end with a hyphen, 253 characters at
   * most (an optional final dot not counted), the last label not all digits (an IP address is no
   * name to look up).
   *
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException otherwise
   */
  static Name parse(String text) {
    Objects.requireNonNull(text, "name");
    if (!isName(text)) {
      throw invalid(text);
    }
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      IllegalArgumentException invalid = invalid(text);
      invalid.initCause(e);
      throw invalid;
    }
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("name: \"" + text + "\" (expected: a DNS name)");
  }

  private static boolean isName(String text) {
    int end = text.endsWith(".") ? text.length() - 1 : text.length();
    if (end == 0 || end > MAX_NAME_LENGTH) {
      return false;
    }
    int labelStart = 0;
    boolean allDigits = true;
    for (int i = 0; i <= end; i++) {
      char c = i == end ? '.' : text.charAt(i);
      if (c == '.') {
        int length = i - labelStart;
        if (length == 0 || length > MAX_LABEL_LENGTH || text.charAt(labelStart) == '-' || text.charAt(i - 1) == '-') {
          return false;
        }
        if (i == end && allDigits) {
          return false;
        }
        labelStart = i + 1;
        allDigits = true;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_') {
        allDigits = false;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
