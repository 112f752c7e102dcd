"""The exceptions ctparse raises.

Every error names the input it concerns (a path, an NCT id, a URL) so that the
command line can print one line that tells the user what to fix::

    CtparseError                 base; `.input` names the thing at fault
     ├── InputError              a REF that cannot be used at all
     │    ├── MissingInputError  a path that does not exist / cannot be read
     │    └── BadReferenceError  not a path, not `-`, not a valid NCT id
     ├── ReadError               a record that cannot be parsed (malformed,
     │                           wrong shape, unsafe XML, unknown CSV header)
     ├── RegistryError           the registry API failed after retries
     │    └── StudyNotFoundError no such study (HTTP 404)
     ├── OfflineError            a record is missing and network use is off
     ├── OutputError             an output that cannot be written (a folder that
     │                           is a file, no permission, disk full)
     ├── ResourceError           a data file under models/ is invalid
     ├── PipelineError           a spaCy pipeline that misses a stage
     └── GoldError               a gold file for `ctparse eval` is malformed

The library raises; only the CLI prints (``ctparse: error: <input>: <what>``
on stderr, exit code 2).
"""

from __future__ import annotations

# An input longer than any file name (255 bytes on common file systems) is
# text typed where a REF was expected; echo only its start.
LONG_INPUT = 255
SHOWN_CHARS = 60


def shorten(text: str, *, limit: int = SHOWN_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters and ``…`` if longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rstrip() + "…"


class CtparseError(Exception):
    """Base of all ctparse errors.

    Args:
        input: the path, NCT id, URL or other input the error concerns.
        message: what is wrong with it, as one sentence without a trailing dot.
    """

    def __init__(self, input: str | None, message: str) -> None:
        self.input = input
        self.message = message
        super().__init__(self.one_line())

    def __reduce__(self) -> tuple[object, ...]:
        # Picklable whole: an error raised in a worker process reaches the main
        # process (and its one-line message) as the same error.
        return (_restore, (type(self), self.input, self.message, dict(self.__dict__)))

    def one_line(self) -> str:
        """The error as a single line: ``input: message`` (newlines flattened,
        a very long input cut to its first 60 characters)."""
        shown = self.input
        if shown and len(shown) > LONG_INPUT:
            shown = shorten(shown)
        text = f"{shown}: {self.message}" if shown else self.message
        return " ".join(text.split())


def _restore(
    cls: type[CtparseError], input: str | None, message: str, state: dict[str, object]
) -> CtparseError:
    error = cls.__new__(cls)
    CtparseError.__init__(error, input, message)
    error.__dict__.update(state)
    return error


class InputError(CtparseError):
    """A reference that cannot be used at all."""


class MissingInputError(InputError):
    """A path that does not exist or cannot be read."""


class BadReferenceError(InputError):
    """Neither a readable path, nor ``-``, nor a well-formed NCT id."""


class ReadError(CtparseError):
    """A record that cannot be parsed into a Study."""


class RegistryError(CtparseError):
    """The registry API failed (after retries); ``input`` is the URL."""

    def __init__(self, input: str | None, message: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(input, message)


class StudyNotFoundError(RegistryError):
    """The registry has no study with this NCT id."""


class OfflineError(CtparseError):
    """A record is not in the corpus and network access is forbidden."""


class OutputError(CtparseError):
    """An output file or folder that cannot be written; ``input`` is its path."""


class ResourceError(CtparseError):
    """A rule/lexicon file under ``models/`` failed validation."""


class GoldError(CtparseError):
    """A gold annotation file for ``ctparse eval`` is malformed."""


class PipelineError(CtparseError):
    """A spaCy pipeline that cannot give ctparse's results: a stage is missing
    or out of order (``input`` names the component that found it)."""
