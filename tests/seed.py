"""The seed tutorial's manifests (shared/seed/README.md), as learners paste them."""

SEED_DEPLOYMENT_V1BETA1 = """apiVersion: apps/v1beta1
kind: Deployment
metadata:
  name: httpd
spec:
  replicas: 2
  template:
    metadata:
      labels:
        run: httpd
    spec:
      containers:
      - name: httpd
        image: httpd
        ports:
        - containerPort: 80
"""

# the modern form: apps/v1 also requires spec.selector
SEED_DEPLOYMENT = SEED_DEPLOYMENT_V1BETA1.replace("apps/v1beta1", "apps/v1").replace(
    "  replicas: 2\n", "  replicas: 2\n  selector:\n    matchLabels:\n      run: httpd\n")

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
