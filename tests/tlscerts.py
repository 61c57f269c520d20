"""A throwaway certificate authority for TLS tests (trustme), and a server context it signed."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import trustme

__all__ = ["Authority", "make_ca"]


@dataclass(frozen=True)
class Authority:
    server_context: ssl.SSLContext
    """For a loopback server whose certificate (127.0.0.1, localhost) the CA signed."""
    ca_file: Path
    """The CA's certificate as PEM: what `verify=` or `SSL_CERT_FILE` must name."""


def make_ca(directory: Path) -> Authority:
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
    ca_file = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Authority(server_context, ca_file)
