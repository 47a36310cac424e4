"""The one-map duty console.

The domain (everything outside ``console.ui``) is importable without Qt.
"""

__version__ = "0.1.0"


class ConsoleWarning(UserWarning):
    """A warning the console raises about its own state or input (errors in tests)."""
