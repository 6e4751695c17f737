"""The seed tutorial's manifests (shared/seed/README.md), as learners paste them: the one copy benches and tests use.

Two `run: httpd` pods behind `httpd-svc` (port 8080 → 80). The tutorial's own manifest says `apps/v1beta1`,
which a v1.32 cluster refuses; the apps/v1 form adds the selector apps/v1 requires.
"""

from __future__ import annotations


def httpd_deployment(name: str = "httpd", replicas: int = 2, api_version: str = "apps/v1") -> str:
    """The tutorial's httpd Deployment (its pods labelled `run: NAME`); apps/v1 adds the selector it requires."""
    selector = "" if api_version == "apps/v1beta1" else f"  selector:\n    matchLabels:\n      run: {name}\n"
    return f"""apiVersion: {api_version}
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
{selector}  template:
    metadata:
      labels:
        run: {name}
    spec:
      containers:
      - name: httpd
        image: httpd
        ports:
        - containerPort: 80
"""


SEED_DEPLOYMENT_V1BETA1 = httpd_deployment(api_version="apps/v1beta1")
SEED_DEPLOYMENT = httpd_deployment()
SEED_SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: httpd-svc
spec:
  selector:
    run: httpd
  ports:
  - protocol: TCP
    port: 8080
    targetPort: 80
"""
