"""finfix: finfix.codemods for scientific and financial Python, with a differential harness."""

__version__ = "0.1.0"
