"""Routes under /k8s/<sandbox>/: the Kubernetes API paths kubectl uses, and the kubeconfig download.

kubectl sends its bearer token only over HTTPS (client-go reads a kubeconfig's credentials only for TLS
servers), so for a Podium served over plain HTTP the same API is also reachable with the token as part of
the server URL: /k8s/<sandbox>/token/<token>/…
"""

from django.urls import include, path, re_path

from cluster.kubeapi import handlers, health, views

HEALTH = tuple(health.CHECKS)  # healthz, livez, readyz

api_patterns = [
    path("version", handlers.version),
    *[path(endpoint, handlers.health, {"endpoint": endpoint}) for endpoint in HEALTH],
    *[path(f"{endpoint}/<path:check>", handlers.health, {"endpoint": endpoint}) for endpoint in HEALTH],
    path("api", handlers.core_group),
    path("apis", handlers.named_groups),
    path("api/<str:version>", handlers.resource_list),
    path("apis/<str:group>", handlers.named_group),
    path("apis/<str:group>/<str:version>", handlers.resource_list),
    path("openapi/v2", handlers.openapi_v2),
    path("openapi/v3", handlers.openapi_v3_index),
    path("openapi/v3/<path:gv>", handlers.openapi_v3),
    path("api/<str:version>/<path:rest>", handlers.resources),
    path("apis/<str:group>/<str:version>/<path:rest>", handlers.resources),
    path("<path:rest>", handlers.unknown_path),
]

# the health endpoints at the server's root, where `kubectl get --raw /readyz` asks
root_patterns = [
    *[path(endpoint, handlers.public_health, {"endpoint": endpoint}) for endpoint in HEALTH],
    *[path(f"{endpoint}/<path:check>", handlers.public_health, {"endpoint": endpoint}) for endpoint in HEALTH],
]

urlpatterns = [
    path("<slug:sandbox>/kubeconfig", views.kubeconfig_download, name="kubeconfig-download"),
    path("<slug:sandbox>/token/<str:token>/", include(api_patterns)),
    path("<slug:sandbox>/", include(api_patterns)),
    re_path(r"^(?P<rest>.*)$", handlers.no_such_sandbox),  # never Django's HTML 404 for an API client
]
