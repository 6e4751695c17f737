"""What kube-apiserver does: decode, default, validate and store objects, allocate addresses, apply patches.

Reading order: `store` (objects, versions, the change feed) → `server` (the write path: create, update, patch,
delete) → `decoding`, `defaults`, `validation` (what happens to a body on the way in) → `merge` (patches) →
`allocators` (ClusterIPs, NodePorts, pod CIDRs).
"""
