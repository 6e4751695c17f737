"""What Podium adds around a cluster for a learner, on top of everything else in the engine.

`traffic` sends requests on the learner's behalf (from a pod, a node or outside) and records them for the
diagram and for checks; `why` explains a Service: which pods its selector picks, which endpoints are ready,
and kube-proxy's rules.
"""
