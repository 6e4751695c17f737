"""Manifests as kubectl 1.32 reads them: YAML and JSON streams into documents, with Go's error texts."""
