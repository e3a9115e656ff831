"""RDF terms between rdflib and pyoxigraph: :func:`to_rdflib` and :func:`to_oxigraph`."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TypeAlias, cast

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier, Node

from evkg.errors import EvkgError, UsageError

OxTerm: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
#: Any term a pyoxigraph quad holds (RDF-star triple terms too, which evkg refuses where it meets them).
QuadTerm: TypeAlias = OxTerm | ox.Triple
Binding: TypeAlias = OxTerm | Identifier


# --- rdflib <-> pyoxigraph terms -----------------------------------------------------------------------
_XSD_STRING = str(XSD.string)


def to_rdflib(term: QuadTerm) -> Identifier:
    """A pyoxigraph term as an rdflib term (blank nodes keep their label).

    Literals keep their lexical form (``normalize=False``): rdflib would otherwise rewrite
    ``"2026-11-21T10:30:00Z"^^xsd:dateTime`` as ``"...+00:00"``, a different RDF term.
    """
    if isinstance(term, ox.NamedNode):
        # pyoxigraph only holds valid IRIs: skip rdflib's IRI check (a third of the cost of a result cell)
        return str.__new__(URIRef, term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        return _literal(term)
    raise EvkgError(f"cannot convert {term!r} to rdflib (RDF-star triple terms are not supported)")


def ordered(nodes: Iterable[Node]) -> list[Identifier]:
    """rdflib terms in rdflib's own order: blank nodes, IRIs, then literals, each kind by its text.

    rdflib's ``Graph.subjects()``/``objects()`` are typed as yielding ``Node``, which has no order; every
    node they yield is an :class:`~rdflib.term.Identifier`, which has one.

    >>> ordered([URIRef("http://b"), Literal("a"), URIRef("http://a")])
    [rdflib.term.URIRef('http://a'), rdflib.term.URIRef('http://b'), rdflib.term.Literal('a')]
    """
    return sorted(cast(Iterable[Identifier], nodes))


@functools.lru_cache(maxsize=65536)
def _literal(term: ox.Literal) -> Literal:
    """rdflib Literal of a pyoxigraph one, memoised: rdflib parses the lexical form at every creation
    (10-35 µs), and result rows repeat the same labels, dates and numbers (both types are immutable)."""
    if term.language:
        return Literal(term.value, lang=term.language, normalize=False)
    if term.datatype.value == _XSD_STRING:  # rdflib spells xsd:string literals without datatype
        return Literal(term.value, normalize=False)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def to_oxigraph(term: Binding) -> OxTerm:
    """An rdflib (or pyoxigraph) term as a pyoxigraph term; anything else is refused."""
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = str(term.datatype) if term.datatype else _XSD_STRING
        return ox.Literal(str(term), datatype=ox.NamedNode(datatype))
    raise UsageError(f"cannot bind {term!r}: pass an RDF term (rdflib URIRef/Literal or pyoxigraph NamedNode/Literal)")


__all__ = ["Binding", "OxTerm", "QuadTerm", "ordered", "to_oxigraph", "to_rdflib"]
