"""The kubelet of every node: pod sandboxes and IPs, image pulls, containers, probes, back-off, termination."""

from cluster.sim.controllers.kubelet.kubelet import Kubelet

__all__ = ["Kubelet"]
