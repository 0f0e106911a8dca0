"""Where the project's files are: the questionnaires, the translations and the project root.

A module of its own (no Flask, no database) so that what only needs a path does not import
the web application (`survey/__init__.py`) for it.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES_DIR = PROJECT_ROOT / "questionnaires"
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"

__all__ = ["PROJECT_ROOT", "QUESTIONNAIRES_DIR", "TRANSLATIONS_DIR"]
