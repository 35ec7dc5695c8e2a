/**
 * Endpoints from DNS: {@link dev.roundabout.lb.dns.DnsEndpointSource} follows the A/AAAA records
 * of a name or the SRV records of a service, and hands every change to the load balancers that
 * use it.
 */
@NullMarked
package dev.roundabout.lb.dns;

import org.jspecify.annotations.NullMarked;
