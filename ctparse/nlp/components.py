"""spaCy components of the ctparse pipeline, in order, with what each assigns
and requires:

=====================  ===================  ===========================================
factory                assigns              requires
=====================  ===================  ===========================================
``ctparse_sections``   ``doc._.sections``   (nothing)
``ctparse_segmenter``  ``doc._.criteria``   ``doc._.sections``
``ctparse_thresholds`` ``doc._.thresholds`` ``doc._.criteria``
``ctparse_windows``    ``doc._.windows``    ``doc._.criteria``, ``doc._.thresholds``
``ctparse_entities``   ``doc._.entities``   ``doc._.criteria``, ``doc._.thresholds``,
                                            ``doc._.windows``
``ctparse_status``     ``doc._.status``     ``doc._.criteria``, ``doc._.thresholds``,
                                            ``doc._.windows``
=====================  ===================  ===========================================

``ctparse_entities`` is the one stage that may be left out (``ctparse.nlp.load(
entities=False)``, ``--no-entities``): it runs the trained recognizer of
``models/entities`` on every criterion and turns its spans into entities with
concepts, assertions and requirements; the status stage counts them when present.

The declarations are spaCy's own (``nlp.analyze_pipes()`` reports a missing
stage) and each component checks them on every document too: a pipeline that
misses or reorders a stage raises :class:`~ctparse.errors.PipelineError`
instead of giving wrong answers ("Age >= 18 years" read as a window because
no threshold stage ran). Each component is a thin class over pure functions
of the text, so that the rules are tested without spaCy.

Rules travel with the pipeline: ``nlp.to_disk(dir)`` writes every rule file
and the manifest into each component's folder, and ``spacy.load(dir)`` reads
them back from there (validated at once), so a saved pipeline keeps giving
the answers it gave when it was saved.

>>> import ctparse.nlp
>>> doc = ctparse.nlp.load()("Inclusion Criteria:\\n* ECOG 0-1")
>>> [(c.id, c.status) for c in doc._.criteria]
[('inc-1', 'parsed')]
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from spacy.language import Language
from spacy.tokens import Doc

from ..errors import PipelineError
from ..resources import MANIFEST, models_dir, using_models, validate_models
from .extensions import MESH_KEY, doc_text, register_extensions, section_hint, stages_done


class Stage:
    """What every ctparse component shares: the stage check, the rules folder,
    ``to_disk`` / ``from_disk``."""

    factory: ClassVar[str]
    assigns: ClassVar[tuple[str, ...]]
    requires: ClassVar[tuple[str, ...]] = ()

    def __init__(self, nlp: Language | None = None, name: str | None = None) -> None:
        register_extensions()
        self.name = name or self.factory
        self.models: Path | None = None  # None: the shipped rules

    def __call__(self, doc: Doc) -> Doc:
        self._require(doc)
        done = stages_done(doc)
        if self.models is None:
            self.process(doc)
        else:
            with using_models(self.models):
                self.process(doc)
        done.extend(attr for attr in self.assigns if attr not in done)
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def _require(self, doc: Doc) -> None:
        done = stages_done(doc)
        missing = [attr for attr in self.requires if attr not in done]
        if missing:
            raise PipelineError(
                self.name,
                f"needs {', '.join(missing)}, which no earlier component assigned "
                f"(add {', '.join(_PROVIDER[m] for m in missing)} before it)",
            )

    def process(self, doc: Doc) -> None:  # pragma: no cover - every stage defines it
        raise NotImplementedError

    # -- serialization: the rules travel with the component

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        source = self.models or models_dir()
        target = Path(path)
        target.mkdir(parents=True, exist_ok=True)
        for name in (MANIFEST, *validate_models(source)):
            shutil.copyfile(source / name, target / name)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Stage:
        folder = Path(path).resolve()
        validate_models(folder)
        self.models = folder
        return self


class SectionsComponent(Stage):
    """Finds section headers (inclusion / exclusion) in ``doc.text``."""

    factory = "ctparse_sections"
    assigns = ("doc._.sections",)

    def process(self, doc: Doc) -> None:
        from .sections import find_sections

        doc._.sections = find_sections(doc_text(doc))


class SegmenterComponent(Stage):
    """Splits ``doc.text`` into atomic criteria within the sections found."""

    factory = "ctparse_segmenter"
    assigns = ("doc._.criteria",)
    requires = ("doc._.sections",)

    def process(self, doc: Doc) -> None:
        from .segment import segment

        doc._.criteria = segment(doc_text(doc), sections=doc._.sections, default=section_hint(doc))


class ThresholdsComponent(Stage):
    """Adds thresholds to every criterion of ``doc._.criteria``."""

    factory = "ctparse_thresholds"
    assigns = ("doc._.thresholds",)
    requires = ("doc._.criteria",)

    def process(self, doc: Doc) -> None:
        from .extract import add_thresholds

        text = doc_text(doc)
        doc._.criteria = [add_thresholds(c, text) for c in doc._.criteria]


class WindowsComponent(Stage):
    """Adds time windows to every criterion (the spans thresholds took are not windows)."""

    factory = "ctparse_windows"
    assigns = ("doc._.windows",)
    requires = ("doc._.criteria", "doc._.thresholds")

    def process(self, doc: Doc) -> None:
        from .windows import add_windows

        text = doc_text(doc)
        doc._.criteria = [add_windows(c, text) for c in doc._.criteria]


class EntitiesComponent(Stage):
    """Finds the conditions, drugs, procedures and measurements of every atomic
    criterion (``models/entities``), with concepts, assertions and requirements, and
    points the criterion's thresholds and windows at them.

    The recognizer runs over a batch of documents at once (``nlp.pipe``); the
    record's MeSH indexing, when the document carries it
    (``doc.user_data["ctparse_mesh"]``), grounds the entities it names.
    """

    factory = "ctparse_entities"
    assigns = ("doc._.entities",)
    requires = ("doc._.criteria", "doc._.thresholds", "doc._.windows")

    def process(self, doc: Doc) -> None:
        self._run([doc])

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 64) -> Iterable[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._checked(batch)
                batch = []
        if batch:
            yield from self._checked(batch)

    def _checked(self, docs: list[Doc]) -> list[Doc]:
        for doc in docs:
            self._require(doc)
        if self.models is None:
            self._run(docs)
        else:
            with using_models(self.models):
                self._run(docs)
        for doc in docs:
            stages_done(doc).extend(a for a in self.assigns if a not in stages_done(doc))
        return docs

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """The rules, and the trained model beside them (``entities/``)."""
        super().to_disk(path, exclude=exclude)
        source = (self.models or models_dir()) / "entities"
        target = Path(path) / "entities"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target)

    def _run(self, docs: list[Doc]) -> None:
        from ..schema import MeshTerm
        from .entity_facts import with_entities
        from .recognizer import recognize

        criteria = [tuple(doc._.criteria) for doc in docs]
        texts = [c.text for group in criteria for c in group]
        found = iter(recognize(texts))
        for doc, group in zip(docs, criteria, strict=True):
            spans = [next(found) for _ in group]
            mesh = tuple(MeshTerm(*term) for term in doc.user_data.get(MESH_KEY) or ())
            doc._.criteria = with_entities(group, spans, mesh=mesh)


class StatusComponent(Stage):
    """Sets each criterion's parse status and reports each limit once (the last stage)."""

    factory = "ctparse_status"
    assigns = ("doc._.status",)
    requires = ("doc._.criteria", "doc._.thresholds", "doc._.windows")

    def process(self, doc: Doc) -> None:
        from .status import finish

        doc._.criteria = finish(doc._.criteria)


COMPONENTS: tuple[type[Stage], ...] = (
    SectionsComponent,
    SegmenterComponent,
    ThresholdsComponent,
    WindowsComponent,
    EntitiesComponent,
    StatusComponent,
)
_PROVIDER = {attr: cls.factory for cls in COMPONENTS for attr in cls.assigns}


def _register(cls: type[Stage]) -> Any:
    def make(nlp: Language, name: str) -> Stage:
        return cls(nlp, name)

    make.__name__ = "make_" + cls.factory.removeprefix("ctparse_")
    make.__doc__ = cls.__doc__
    return Language.factory(
        cls.factory,
        assigns=list(cls.assigns),
        requires=list(cls.requires),
        retokenizes=False,
        func=make,
    )


make_sections = _register(SectionsComponent)
make_segmenter = _register(SegmenterComponent)
make_thresholds = _register(ThresholdsComponent)
make_windows = _register(WindowsComponent)
make_entities = _register(EntitiesComponent)
make_status = _register(StatusComponent)
