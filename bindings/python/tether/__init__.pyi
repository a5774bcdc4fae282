from ._tether import *  # noqa: F403

__version__: str
