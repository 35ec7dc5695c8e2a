/**
 * Follows a service registered with Apache Curator's service discovery in ZooKeeper:
 * {@link dev.roundabout.lb.zookeeper.ZooKeeperEndpointSource} turns its instances into endpoints,
 * and {@link dev.roundabout.lb.zookeeper.InstanceDetails} is the payload that gives an instance a
 * weight and a zone.
 */
@NullMarked
package dev.roundabout.lb.zookeeper;

import org.jspecify.annotations.NullMarked;
