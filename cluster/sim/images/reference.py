"""Image references as github.com/distribution/reference reads them: `nginx` is docker.io/library/nginx:latest."""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*" \
          r"(?::[0-9]+)?"
_REFERENCE = re.compile(rf"^(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*(?::[\w][\w.-]{{0,127}})?"
                        r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$")
DEFAULT_DOMAIN = "docker.io"
DEFAULT_TAG = "latest"


@dataclass(frozen=True)
class Reference:
    """A parsed image reference: repository `docker.io/library/nginx`, tag `1.27` ("" with only a digest), digest."""

    repository: str
    tag: str
    digest: str

    @property
    def full(self) -> str:
        """What containerd pulls: repository@digest, else repository:tag."""
        if self.digest:
            return f"{self.repository}@{self.digest}"
        return f"{self.repository}:{self.tag}"

    @property
    def tagged(self) -> str:
        """repository:tag, `latest` for a digest-only reference (containerStatuses.image, the node's image names)."""
        return f"{self.repository}:{self.tag or DEFAULT_TAG}"


def split_docker_domain(name: str) -> tuple[str, str]:
    """mirrors splitDockerDomain: the first component is a registry if it has '.' or ':' or is localhost."""
    first, sep, rest = name.partition("/")
    if not sep or ("." not in first and ":" not in first and first != "localhost" and first.lower() == first):
        domain, remainder = DEFAULT_DOMAIN, name
    else:
        domain, remainder = first, rest
    if domain == "index.docker.io":
        domain = DEFAULT_DOMAIN
    if domain == DEFAULT_DOMAIN and "/" not in remainder:
        remainder = "library/" + remainder
    return domain, remainder


def parse_normalized_named(image: str) -> Reference | str:
    """mirrors ParseNormalizedNamed (+ ParseDockerRef's default tag): the reference, or the error's text."""
    domain, remainder = split_docker_domain(image)
    remote = remainder.split("@")[0]
    remote = remote[:remote.index(":")] if ":" in remote else remote
    if remote.lower() != remote:
        return f"invalid reference format: repository name ({remote}) must be lowercase"
    if not image or not _REFERENCE.match(f"{domain}/{remainder}"):
        return "invalid reference format"
    name, _, digest = f"{domain}/{remainder}".partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = ""
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
    if not tag and not digest:
        tag = DEFAULT_TAG
    return Reference(name, tag, digest)
