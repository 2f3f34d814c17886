"""Uploads stay in memory: Streamlit's server (Starlette) parses an upload with a form parser
that spools any file part over 1 MB to an anonymous temporary file on disk while the request
is read. `keep_uploads_in_memory` raises that threshold above the upload limit, so an order
file never touches the disk; the app then holds it in the session's memory only (ui/data.py).
"""
from __future__ import annotations

import logging

_LOG = logging.getLogger("karte.uploads")
MAX_UPLOAD_MB = 2000  # keep in step with server.maxUploadSize (.streamlit/config.toml)


def keep_uploads_in_memory(max_upload_mb: int = MAX_UPLOAD_MB) -> bool:
    """Make Starlette's multipart parser keep file parts in memory; False when not possible."""
    try:
        from starlette.formparsers import MultiPartParser
    except ImportError:  # another server: nothing of ours to adjust
        return False
    if not hasattr(MultiPartParser, "spool_max_size"):
        _LOG.warning("starlette changed: uploads over 1 MB may be spooled to a temporary file")
        return False
    MultiPartParser.spool_max_size = (max_upload_mb + 1) * 1024 * 1024
    return True
