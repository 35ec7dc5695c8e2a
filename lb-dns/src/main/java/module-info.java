/**
 * Roundabout DNS discovery: an endpoint source that follows A/AAAA or SRV records with dnsjava.
 *
 * <p>Exports {@code dev.roundabout.lb.dns} only. The core's types appear in its API (the source is
 * a {@code RegistrySource}), so the core is read by every module that reads this one; dnsjava's
 * types do not, so dnsjava is required but not re-exported.
 */
module dev.roundabout.lb.dns {
  requires transitive dev.roundabout.lb;
  requires org.dnsjava;
  requires org.slf4j;
  // Compile-time only (@NullMarked, @Nullable); no JSpecify annotation appears in an exported signature.
  requires static org.jspecify;

  exports dev.roundabout.lb.dns;
}
