package dev.roundabout.lb.kubernetes;

import java.util.regex.Pattern;

/**
 * The syntax of the Kubernetes names a {@link KubernetesEndpointSource} is configured with, as the
 * API server validates them. Stateless.
 */
final class KubernetesNames {
  private static final int MAX_LABEL_LENGTH = 63;
  /** RFC 1123 label: namespaces and port names; may start with a digit. */
  private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  /** RFC 1035 label: Service names; starts with a letter. */
  private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

  private KubernetesNames() {}

  /** Whether {@code name} is a DNS-1123 label: 1-63 lower-case letters, digits and inner hyphens. */
  static boolean isDns1123Label(String name) {
    return name.length() <= MAX_LABEL_LENGTH && DNS_1123_LABEL.matcher(name).matches();
  }

  /** Whether {@code name} is a DNS-1035 label: a DNS-1123 label that starts with a letter. */
  static boolean isDns1035Label(String name) {
    return name.length() <= MAX_LABEL_LENGTH && DNS_1035_LABEL.matcher(name).matches();
  }
}
