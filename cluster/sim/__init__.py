"""The simulated Kubernetes v1.32 cluster: a pure, deterministic engine.

Standard library and pyyaml only. Time, the seed and cluster settings are passed in; the same seed and
inputs give the same names, IPs and routing. Objects are Kubernetes-shaped JSON dicts.
"""
