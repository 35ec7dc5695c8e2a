package dev.roundabout.lb.zookeeper;

import static java.util.Objects.requireNonNull;

/**
 * Checks of the service names and base paths a source is built with, by ZooKeeper's rules for node
 * names (no {@code /}, not {@code .} or {@code ..}, none of the characters ZooKeeper refuses), with
 * the project's message style. Stateless.
 */
final class ZooKeeperNames {
  private ZooKeeperNames() {}

  static String checkService(String service) {
    requireNonNull(service, "service");
    if (service.isBlank()) {
      throw new IllegalArgumentException("service: " + quote(service) + " (expected: a non-blank service name)");
    }
    if (!isNodeName(service)) {
      throw new IllegalArgumentException(
          "service: " + quote(service) + " (expected: a ZooKeeper node name: no /, not . or .., no control characters)");
    }
    return service;
  }

  static String checkBasePath(String basePath) {
    requireNonNull(basePath, "basePath");
    if (!basePath.startsWith("/")) {
      throw new IllegalArgumentException(
          "basePath: " + quote(basePath) + " (expected: a ZooKeeper path starting with /)");
    }
    if (basePath.equals("/")) {
      return basePath;
    }
    for (String name : basePath.substring(1).split("/", -1)) {
      if (!isNodeName(name)) {
        throw new IllegalArgumentException("basePath: " + quote(basePath)
            + " (expected: a ZooKeeper path of /-separated node names, such as /services)");
      }
    }
    return basePath;
  }

  private static boolean isNodeName(String name) {
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c <= '\u001f' || (c >= '\u007f' && c <= '\u009f') || (c >= '\ud800' && c <= '\uf8ff')
          || c >= '\ufff0') {
        return false; // the characters ZooKeeper's PathUtils refuses
      }
    }
    return true;
  }

  private static String quote(String value) {
    return '"' + value + '"';
  }
}
