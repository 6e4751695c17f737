"""Controllers, each named after its Kubernetes counterpart, run in this order by `Cluster.settle`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cluster.sim.cluster import Cluster, Controller


def build_controllers(cluster: Cluster) -> list[Controller]:
    from cluster.sim.controllers.deployment import DeploymentController
    from cluster.sim.controllers.endpoints import EndpointsController
    from cluster.sim.controllers.endpointslice import EndpointSliceController
    from cluster.sim.controllers.garbagecollector import GarbageCollector
    from cluster.sim.controllers.kubelet.kubelet import Kubelet
    from cluster.sim.controllers.replicaset import ReplicaSetController
    from cluster.sim.controllers.rootcacertpublisher import RootCACertPublisher
    from cluster.sim.controllers.scheduler import Scheduler

    return [
        DeploymentController(cluster),
        ReplicaSetController(cluster),
        GarbageCollector(cluster),
        Scheduler(cluster),
        Kubelet(cluster),
        EndpointsController(cluster),
        EndpointSliceController(cluster),
        RootCACertPublisher(cluster),
    ]
