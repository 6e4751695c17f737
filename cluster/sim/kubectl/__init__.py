"""The built-in kubectl: kubectl 1.32's commands over the simulated cluster, printing exactly as kubectl does.

Reading order: `cmd` (the command table and dispatch) → `session` (what every command shares) → `flags` →
one module per command family (`get`, `apply`, `workloads`, `exec`) → what they print with (`printers`,
`describe`, `tabwriter`, `jsonpath`) → the HTTP clients inside pods (`curl`).
"""

from cluster.sim.kubectl.cmd import Result, local_files, run, run_line

__all__ = ["Result", "local_files", "run", "run_line"]
