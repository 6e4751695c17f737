"""The vocabulary every part of the cluster shares (k8s.io/apimachinery): kinds and their API coordinates,
label selectors, Status and field errors, and Kubernetes' timestamps."""
