"""chiso: running a government's digital transformation by the numbers."""

__version__ = "0.1.0"
