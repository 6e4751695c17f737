"""Controllers, each named after its Kubernetes counterpart, run in this order by `Cluster.settle`.

`base` holds what every controller is and may use; `recorder` records their events. Then one module per
controller: `deployment` (with its strategies `rolling` and `recreate`, and `deploymentutil`), `replicaset`,
`garbagecollector`, `scheduler`, `kubelet/`, `endpoints`, `endpointslice`, `rootcacertpublisher`; `podutil`
holds the pod predicates they share.
"""

from __future__ import annotations

from cluster.sim.controllers.base import ClusterContext, Controller
from cluster.sim.controllers.deployment import DeploymentController
from cluster.sim.controllers.endpoints import EndpointsController
from cluster.sim.controllers.endpointslice import EndpointSliceController
from cluster.sim.controllers.garbagecollector import GarbageCollector
from cluster.sim.controllers.kubelet import Kubelet
from cluster.sim.controllers.replicaset import ReplicaSetController
from cluster.sim.controllers.rootcacertpublisher import RootCACertPublisher
from cluster.sim.controllers.scheduler import Scheduler


def build_controllers(cluster: ClusterContext) -> list[Controller]:
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
