"""The simulated cluster as a Django app: persistence, runtime, websockets, kubectl, the Kubernetes API."""
