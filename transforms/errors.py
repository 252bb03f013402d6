"""The project's exception hierarchy: every message says what is wrong and what to do."""

from __future__ import annotations


class SyndicateError(Exception):
    """Base of every error Syndicate raises on purpose; the CLI prints these without a traceback."""


class InputError(SyndicateError):
    """An input file, URL or event could not be turned into an article."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class ConfigError(SyndicateError):
    """The configuration file or an environment override is invalid."""


class OutputError(SyndicateError):
    """A channel could not render or write its output."""


class DeliveryError(OutputError):
    """Sending or uploading failed; `transient` says whether a retry may help."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        self.transient = transient
        super().__init__(message)
