"""The version of evkg (one place: the package, the store manifest, the HTTP User-Agent and the docs read it)."""

__version__ = "0.1.0"


__all__ = ["__version__"]
