package dev.roundabout.lb.benchmarks.peers;

import dev.roundabout.lb.Endpoint;
import java.util.List;

/** Creates a peer's picker by the name the benchmark's {@code peer} parameter gives. */
final class Peers {
  private Peers() {}

  static PeerPicker create(String name, List<Endpoint> endpoints) throws Exception {
    switch (name) {
      case "armeriaRoundRobin":
      case "armeriaWeightedRoundRobin":
      case "armeriaSticky":
        return ArmeriaPeers.create(name, endpoints);
      case "dubboRoundRobin":
      case "dubboLeastActive":
      case "dubboConsistentHash":
        return DubboPeers.create(name, endpoints);
      case "ribbonRoundRobin":
      case "ribbonBestAvailable":
        return RibbonPeers.create(name, endpoints);
      case "springRoundRobin":
        return SpringCloudPeers.create(name, endpoints);
      case "grpcRoundRobin":
      case "grpcLeastRequest":
      case "grpcLeastRequestTraced":
      case "grpcRingHash":
        return GrpcPeers.create(name, endpoints);
      default:
        throw new IllegalArgumentException("peer: " + name + " (expected: one of the PeerPickBenchmark values)");
    }
  }
}
