package dev.roundabout.lb.okhttp;

/** Which {@code Host} header a balanced request carries. */
public enum HostHeader {
  /**
   * The logical service name of the request's URL ({@code orders}, with its port when it is not
   * the scheme's default): what virtual hosts and routing on the backends usually expect.
   */
  LOGICAL,
  /** The picked endpoint's {@code host:port}, as OkHttp would write it for the rewritten URL. */
  BACKEND
}
