"""The survey package's errors; all derive from `weighting.errors.WijkprofielError`."""

from weighting.errors import InputError, WijkprofielError

__all__ = ["InputError", "WijkprofielError", "ConfigError", "QuestionnaireError"]


class ConfigError(WijkprofielError):
    """A setting has a value the application cannot use."""


class QuestionnaireError(InputError):
    """A questionnaire file breaks the schema or its own references."""
