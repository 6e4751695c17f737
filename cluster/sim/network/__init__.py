"""The pod network and kube-proxy: where a request from a pod, a node or outside goes, and why.

`kubeproxy` routes one request as iptables or IPVS mode would; `traffic` sends requests on a learner's behalf;
`why` explains a Service: which pods its selector picks, which endpoints are ready, and the proxy's rules.
"""
