"""The interface's one door to the database: open it by URL, close it, and the URL it is.

The screens never import ``kupang_desk.models``; what they may do with the database is what
this module and the domain functions offer (``tests/test_layering.py`` holds them to it).
"""

from kupang_desk.models.database import DatabaseUrl, close, connect
from kupang_desk.models.seed import ensure_reference_data, missing_reference_data

__all__ = ["DatabaseUrl", "close", "connect", "ensure_reference_data", "missing_reference_data"]
