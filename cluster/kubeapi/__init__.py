"""A subset of the Kubernetes REST API per sandbox, so a learner's real kubectl can drive the simulated cluster."""
