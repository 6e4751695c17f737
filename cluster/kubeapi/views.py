"""The lesson page's kubeconfig download: only the sandbox's owner gets its token."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from cluster.kubeconfig import kubeconfig_for
from cluster.models import Sandbox


def kubeconfig_download(request: HttpRequest, sandbox: str) -> HttpResponse:
    """The kubeconfig as an attachment; anyone but the owner sees a 404, so names do not leak."""
    row = Sandbox.objects.filter(name=sandbox).first()
    session_key = request.session.session_key if hasattr(request, "session") else None
    if row is None or not row.is_owned_by(session_key, getattr(request, "user", None)):
        raise Http404("No such sandbox")
    base = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(kubeconfig_for(row, base), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="podium-{row.name}.kubeconfig"'
    response["Cache-Control"] = "no-store"
    return response
