"""What every check of :mod:`evkg.quality` is given: a :class:`Context`, and how a check looks.

A **check** is a function with one signature, :data:`Check`::

    def check_something(ctx: Context) -> list[Finding]: ...

It reads the graph (``ctx.kg``: the store, its prefixes and data folder), the options of the run
(``ctx.options``) and what earlier steps left (``ctx.closure``), and returns its findings, each
described by ``ctx.describer`` in the report's language. The built-in checks are
:func:`evkg.quality.qc.check_qc`, :func:`evkg.quality.reasoning.check_owl_rl` and
:func:`evkg.quality.shacl.check_shacl`; :mod:`evkg.quality.pipeline` composes them (a new check is
one more function in its list).

The context computes what several checks share once, on first use: the shapes and the ontology of
the data folder, the RDFS schema of the store, and the describer. The pipeline calls
:meth:`Context.prepare` before checks run side by side, so that threads find them made.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from evkg.errors import UsageError
from evkg.quality.findings import LANGUAGES, Describer, Finding, StoreView
from evkg.quality.inputs import ontology_graph, shapes_graph
from evkg.quality.shacl_compiled import Schema

if TYPE_CHECKING:
    from evkg.quality.owl2rl import Closure
    from evkg.quality.shacl_compiled import Schema
    from evkg.query.knowledge_graph import KnowledgeGraph

#: SHACL engines: the shapes compiled to SPARQL on the store (default) and pySHACL (the reference).
SHACL_ENGINES = ("fast", "pyshacl")
#: OWL 2 RL engines: rules as SPARQL on the store (default) and owlrl (the reference).
REASONERS = ("fast", "owlrl")
#: What SHACL infers before validating: nothing but SHACL's own rdfs:subClassOf* (``none``), or RDFS.
INFERENCES = ("none", "rdfs")


@dataclass(frozen=True)
class Options:
    """How a run checks: the report's language and which engine does what.

    Attributes:
        lang: language of messages and labels (``en`` or ``ja``).
        shacl_engine: ``fast`` (compiled; falls back to pySHACL for what it does not compile) or ``pyshacl``.
        reasoner: OWL 2 RL engine of :func:`~evkg.quality.reasoning.check_owl_rl` (``fast`` or ``owlrl``).
        shacl_on_closure: SHACL validates the data together with the OWL 2 RL closure of an earlier step.
        cache: a persisted store keeps the SHACL findings beside it (for :mod:`evkg.quality.incremental`).
        inference: ``rdfs`` (the data and the ontology under RDFS entailment, as pySHACL's
            ``inference="rdfs"``: evkg's own shapes are written for it) or ``none`` (SHACL alone).
    """

    lang: str = "en"
    shacl_engine: str = "fast"
    reasoner: str = "fast"
    shacl_on_closure: bool = False
    cache: bool = False
    inference: str = "rdfs"

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise UsageError(f"unknown language {self.lang!r}: choose one of {', '.join(LANGUAGES)}")
        if self.shacl_engine not in SHACL_ENGINES:
            raise UsageError(f"unknown SHACL engine {self.shacl_engine!r}: choose one of {', '.join(SHACL_ENGINES)}")
        if self.inference not in INFERENCES:
            raise UsageError(f"unknown inference {self.inference!r}: choose {' or '.join(INFERENCES)}")
        if self.reasoner not in REASONERS:
            raise UsageError(f"unknown reasoning engine {self.reasoner!r}: choose {' or '.join(REASONERS)}")


@dataclass
class Context:
    """The one argument of every check: the graph, the options, and what the steps leave for each other.

    Attributes:
        kg: the knowledge graph checked (its embedded store, prefixes and data folder).
        options: see :class:`Options`.
        closure: the OWL 2 RL closure, once :func:`~evkg.quality.reasoning.check_owl_rl` has run.
        shacl_report: the SHACL validation report graph, once :func:`~evkg.quality.shacl.check_shacl` has run.
        triples: how many triples SHACL checked (0 until it has run).
        seconds: what each step took, by step name.
        source_triples: the data as written (literals untouched), for the reference engine, when the
            store may have rewritten literals and cannot give them back; None: the store's union.
        rewritten: the predicates of the literals the store rewrote (empty: none; None: ask the store's loader).
        archive_folders: where else than the data folder's ``graph/_sources/`` archived copies are looked for
            (``_sources/`` beside each curator file validated with the graph).
    """

    kg: KnowledgeGraph
    options: Options = field(default_factory=Options)
    closure: Closure | None = None
    shacl_report: Graph | None = None
    triples: int = 0
    seconds: dict[str, Any] = field(default_factory=dict)
    source_triples: Callable[[], Iterable[tuple[Any, Any, Any]]] | None = None
    rewritten: frozenset[str] | None = None
    archive_folders: tuple[Path, ...] = ()

    @functools.cached_property
    def shapes(self) -> Graph:
        """The SHACL shapes of the data folder (``ontology/shapes/*.ttl``)."""
        return shapes_graph(self.kg.data)

    @functools.cached_property
    def ontology(self) -> Graph:
        """The ontology of the data folder (``ontology/evkg.ttl``), mixed in for RDFS inference."""
        return ontology_graph(self.kg.data)

    @functools.cached_property
    def schema(self) -> Schema:
        """The RDFS schema of the store as asserted (sub-classes and sub-properties, domains, ranges)."""
        return Schema.of(self.kg.store, self.options.inference)

    @functools.cached_property
    def describer(self) -> Describer:
        """Names, labels (through sub-properties, as pySHACL's RDFS data graph has them) and graphs of nodes."""
        view = StoreView(self.kg.store, self.schema.subprops)
        return Describer(view, self.kg.prefixes, self.options.lang, self.kg.store)  # type: ignore[arg-type]

    def prepare(self) -> None:
        """Make what the checks share now (the schema and describer), before any check changes the store."""
        self.describer  # noqa: B018 (computed for its side effect: the cached value)


#: A check: reads the context, returns its findings (see the module doc).
Check = Callable[[Context], list[Finding]]

__all__ = ["INFERENCES", "REASONERS", "SHACL_ENGINES", "Check", "Context", "Options"]
