"""The kubelet of every node: pod sandboxes and IPs, image pulls, containers, probes, back-off, termination.

`stages` is the pod lifecycle as a table a lesson can override; `kubelet` runs it.
"""

from cluster.sim.controllers.kubelet.kubelet import Kubelet

__all__ = ["Kubelet"]
