"""The pod network and kube-proxy (`kubeproxy`): where one request from a pod, a node or outside goes, and why,
as iptables or IPVS mode would route it."""
