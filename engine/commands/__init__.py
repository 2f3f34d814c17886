"""Sub-commands of `python -m engine`; see `engine.cli`."""
