"""Manifests as kubectl 1.32 reads them: YAML and JSON streams into documents, with Go's error texts.

Reading order: `loader` (the pipeline: split, decode, expand Lists, check apiVersion/kind) → `document` (what it
yields: documents with the line of every field, errors, limits) → `goyaml` (YAML as gopkg.in/yaml.v2 and
sigs.k8s.io/yaml read it) → `gojson` (JSON streams as encoding/json reads them) → `hints` (Podium's help below
kubectl's errors).
"""
