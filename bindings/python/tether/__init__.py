"""tether: a healthy Restate invocation stream, over libtether's C API.

The extension module ``tether._tether`` holds everything; this package re-exports it.
Exceptions are generated from the C status table at import time: ``TetherError``, one
class per family (``BackpressureError``, ``LimitError``, ``ProtocolError``,
``UsageError``, ``ResourceError``) and one subclass per status code (``WouldBlock``,
``MessageTooLarge``, ``StreamFailed``...), each with ``code``, ``status_name``,
``retryable`` and ``fatal``.
"""

from . import _tether
from ._tether import *  # noqa: F401,F403  (the module defines no private names to hide)

__version__ = _tether.VERSION
__all__ = [name for name in dir(_tether) if not name.startswith("_")]
