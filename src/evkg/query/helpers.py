"""Query helpers generated from ``queries/**/*.rq``: one Python function per SPARQL file.

Each ``.rq`` file starts with a grlc-style header of ``#+`` comment lines holding YAML::

    #+ summary: Agreements signed by an organisation, with counter-parties and dates.
    #+ kind: select
    #+ cq: CQ-01
    #+ question: Which agreements has an organisation signed, with whom and when?
    #+ params:
    #+   - name: org
    #+     type: iri
    #+     required: true
    #+     example: https://w3id.org/evkg/id/organization/jsrm
    #+ returns: [agreement, agreementLabel, party, partyLabel, signed]

The file stays valid SPARQL 1.1 (the header is comments). :func:`discover` finds the files by glob
(no hand-kept list), and :class:`QueryHelpers` turns each one into a helper
``kg.queries.<name>(**params)`` with a typed :class:`inspect.Signature` and a docstring built from
the header. Parameter values are checked against their declared type and built as RDF terms (an IRI
is validated, a literal escaped by construction); the engine binds them (pyoxigraph
``substitutions``, rdflib ``initBindings``, or a ``VALUES`` block of N-Triples terms for a remote
endpoint): the query text is never formatted with a value. Every execution is logged (logger
``evkg.query.helpers``) with the query name, the bindings and the elapsed time.

>>> spec = parse_query_text('''#+ summary: Say hello.
... #+ kind: select
... #+ params:
... #+   - {name: who, type: string, required: true, example: world}
... #+ returns: [greeting]
... SELECT ?greeting WHERE { BIND(CONCAT("hello ", ?who) AS ?greeting) }''', "hello.rq")
>>> spec.name, [p.name for p in spec.params], spec.returns
('hello', ['who'], ('greeting',))
>>> str(spec.bind({"who": 'x" } ; DROP ALL'})["who"])
'x" } ; DROP ALL'
"""

from __future__ import annotations

import datetime as dt
import difflib
import inspect
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from evkg.data import layout
from evkg.data.prefixes import Prefixes, registry
from evkg.errors import EvkgError, UsageError, did_you_mean
from evkg.query.results import Result
from evkg.query.text_index import INDEXES, index_for, narrowed
from evkg.rdf.terms import to_oxigraph, to_rdflib

log = logging.getLogger(__name__)

#: Query kinds a header may declare, and the SPARQL query form each must use.
KINDS = {"select": "SELECT", "ask": "ASK", "construct": "CONSTRUCT", "violation": "SELECT"}

#: Keys a header must carry.
REQUIRED_KEYS = ("summary", "kind", "params", "returns")


class QueryHeaderError(EvkgError):
    """A ``.rq`` file's ``#+`` header is missing, not YAML, or inconsistent with the query."""

    exit_code = 2


class QueryParameterError(UsageError):
    """A helper was called with an unknown, missing or ill-typed parameter."""


# --- parameter types ------------------------------------------------------------------------------
_LANGTAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*):([^/\s][^\s]*)?$")
#: IRI schemes a parameter may be written in without being taken for a CURIE with an unknown prefix
_SCHEMES = frozenset({"urn", "mailto", "tag", "data", "file", "info", "doi", "isbn", "geo", "tel"})


def _iri(value: Any, prefixes: Prefixes | None) -> Identifier:
    if isinstance(value, ox.NamedNode):
        value = value.value
    if not isinstance(value, str):
        raise TypeError("an IRI (str or rdflib URIRef)")
    text = str(value)
    m = _CURIE.match(text)
    if m and prefixes is not None and m.group(1) in prefixes and "//" not in text:
        text = prefixes[m.group(1)] + (m.group(2) or "")
    elif m and prefixes is not None and m.group(1).lower() not in _SCHEMES:
        name = m.group(1)
        raise TypeError(f"a known CURIE: unknown prefix {name}:{did_you_mean(name, prefixes.mapping, suffix=':')}")
    try:
        ox.NamedNode(text)  # validates: absolute IRI, no spaces, no <>"{}|^`\ characters
    except ValueError as exc:
        raise TypeError(f"a valid absolute IRI ({exc})") from None
    return URIRef(text)


def _string(value: Any, prefixes: Prefixes | None) -> Identifier:
    if not isinstance(value, str):
        raise TypeError("a string")
    return Literal(str(value), datatype=XSD.string)


def _langtag(value: Any, prefixes: Prefixes | None) -> Identifier:
    if not isinstance(value, str) or not _LANGTAG.fullmatch(value):
        raise TypeError("a language tag such as en, ja or en-GB")
    return Literal(value.lower(), datatype=XSD.string)


def _integer(value: Any, prefixes: Prefixes | None) -> Identifier:
    if isinstance(value, bool):
        raise TypeError("an integer")
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
        value = int(value)
    if not isinstance(value, int):
        raise TypeError("an integer")
    return Literal(value, datatype=XSD.integer)


def _decimal(value: Any, prefixes: Prefixes | None) -> Identifier:
    if isinstance(value, bool):
        raise TypeError("a decimal number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise TypeError("a decimal number") from None
    if not number.is_finite():
        raise TypeError("a finite decimal number")
    return Literal(number, datatype=XSD.decimal)


def _date(value: Any, prefixes: Prefixes | None) -> Identifier:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise TypeError("a date YYYY-MM-DD") from None
    if not isinstance(value, dt.date):
        raise TypeError("a date YYYY-MM-DD")
    return Literal(value.isoformat(), datatype=XSD.date)


def _boolean(value: Any, prefixes: Prefixes | None) -> Identifier:
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
        value = value.strip().lower() in ("true", "1", "yes")
    if not isinstance(value, bool):
        raise TypeError("true or false")
    return Literal(value, datatype=XSD.boolean)


#: type name → (Python annotation shown in signatures, converter to an RDF term)
PARAM_TYPES: dict[str, tuple[Any, Callable[[Any, Prefixes | None], Identifier]]] = {
    "iri": (str | URIRef, _iri),
    "string": (str, _string),
    "langtag": (str, _langtag),
    "integer": (int, _integer),
    "decimal": (Decimal | float | str, _decimal),
    "date": (dt.date | str, _date),
    "boolean": (bool, _boolean),
}


@dataclass(frozen=True)
class Param:
    """One declared parameter: its SPARQL variable name, RDF term type, and whether it is required."""

    name: str
    type: str
    required: bool = False
    example: Any = None
    default: Any = None
    description: str = ""

    @property
    def annotation(self) -> Any:
        return PARAM_TYPES[self.type][0]

    def term(self, value: Any, prefixes: Prefixes | None = None, *, query: str = "") -> Identifier:
        """``value`` as an RDF term of this parameter's type; :class:`QueryParameterError` if it is not one."""
        if isinstance(value, Identifier) and not isinstance(value, URIRef):
            value = str(value)  # a Literal is re-checked as its lexical form
        try:
            return PARAM_TYPES[self.type][1](value, prefixes)
        except TypeError as exc:
            where = f"{query}: " if query else ""
            shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
            if self.type == "iri" and isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_][\w.\-]*", value):
                # a bare name ("secretome"): say which CURIE was probably meant
                example = prefixes.curie(str(self.example)) if prefixes is not None and self.example else None
                prefix = example.partition(":")[0] if example else "prefix"
                raise QueryParameterError(
                    f"{where}parameter {self.name}={shown} is not an IRI: write {self.name}={prefix}:{value} "
                    "(a CURIE of the prefix registry) or a full IRI"
                ) from None
            raise QueryParameterError(f"{where}parameter {self.name}={shown} is not {exc}") from None


# --- query files and their headers ------------------------------------------------------------------
_HELPER_PREFIX = re.compile(r"^(?:cq|qc)\d+_")


def helper_name(path: Path) -> str:
    """The helper name of a query file: its stem without a ``cqNN_`` prefix, ``-`` as ``_``.

    >>> helper_name(Path("queries/cq/cq03_mous_of_organization.rq"))
    'mous_of_organization'
    >>> helper_name(Path("queries/qc/missing_label-violation.rq"))
    'missing_label_violation'
    """
    return _HELPER_PREFIX.sub("", path.stem).replace("-", "_").replace(".", "_")


@dataclass(frozen=True)
class QuerySpec:
    """One ``.rq`` file: its header (summary, kind, params, returns, ...) and its SPARQL text."""

    name: str
    path: Path
    text: str
    summary: str
    kind: str
    params: tuple[Param, ...]
    returns: tuple[str, ...]
    description: str = ""
    cq: str = ""
    question: str = ""
    tags: tuple[str, ...] = ()
    area: str = ""
    header: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    #: ``index: {name, param, binds}``: an index of :mod:`evkg.query.text_index` that narrows the variables
    #: ``binds`` from the parameter ``param`` before the query runs (on embedded read-only stores)
    index: Mapping[str, Any] | None = None

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def ordered(self) -> bool:
        """Whether the query has an ORDER BY (results compare as lists, else as multisets)."""
        body = "\n".join(
            line.split("#", 1)[0] if not line.lstrip().startswith("#") else "" for line in self.text.splitlines()
        )
        return re.search(r"\bORDER\s+BY\b", body, re.IGNORECASE) is not None

    @property
    def form(self) -> str:
        """The SPARQL query form the kind requires (``SELECT``, ``ASK``, ``CONSTRUCT``)."""
        return KINDS[self.kind]

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def bind(self, values: Mapping[str, Any], prefixes: Prefixes | None = None) -> dict[str, Identifier]:
        """Check ``values`` against the declared params; return ``{variable: RDF term}``.

        Defaults fill in optional parameters not given; ``None`` leaves an optional one unbound.

        Raises:
            QueryParameterError: unknown or missing parameter, or a value of the wrong type. The
                message lists the valid parameters.
        """
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryParameterError(
                f"{self.name}: unknown parameter {', '.join(unknown)}{_suggest(unknown[0], known)}; "
                f"valid: {self.param_list()}"
            )
        bound: dict[str, Identifier] = {}
        for p in self.params:
            value = values.get(p.name, p.default)
            if value is None:
                if p.required:
                    raise QueryParameterError(
                        f"{self.name}: missing required parameter {p.name} ({p.type}); valid: {self.param_list()}"
                    )
                continue
            bound[p.name] = p.term(value, prefixes, query=self.name)
        return bound

    def param_list(self) -> str:
        if not self.params:
            return "(none)"
        return ", ".join(f"{p.name}: {p.type}{'' if p.required else ' (optional)'}" for p in self.params)

    def example_bindings(self) -> dict[str, Any]:
        """The header's example values (the params that have one)."""
        return {p.name: p.example for p in self.params if p.example is not None}

    def docstring(self) -> str:
        """Google-style docstring: summary, question, description, Args and Returns."""
        lines = [self.summary.strip()]
        if self.question:
            lines += ["", f"Competency question{f' {self.cq}' if self.cq else ''}: {self.question.strip()}"]
        if self.description:
            lines += ["", self.description.strip()]
        if self.params:
            lines += ["", "Args:"]
            for p in self.params:
                bits = [p.type, "required" if p.required else "optional"]
                if p.default is not None:
                    bits.append(f"default {p.default!r}")
                text = f"    {p.name} ({', '.join(bits)}): {p.description.strip()}".rstrip()
                if p.example is not None:
                    text += f" Example: {p.example}"
                lines.append(text)
        lines += ["", "Returns:"]
        if self.kind == "ask":
            lines.append("    Result with .boolean set (true or false).")
        else:
            lines.append(f"    Result: rows with fields {', '.join(self.returns)} (rdflib terms or None).")
        lines += ["", f"Source: queries/{self.area + '/' if self.area else ''}{self.path.name}"]
        return "\n".join(lines) + "\n"

    def signature(self) -> inspect.Signature:
        """Keyword-only parameters: required ones first, then optional ones with their default."""
        ordered = sorted(self.params, key=lambda p: not p.required)
        parameters = [
            inspect.Parameter(
                p.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=inspect.Parameter.empty if p.required else p.default,
                annotation=p.annotation if p.required else p.annotation | None,
            )
            for p in ordered
        ]
        return inspect.Signature(parameters, return_annotation=Result)


def _suggest(word: str, choices: Mapping[str, Any] | Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def split_header(text: str) -> tuple[list[tuple[int, str]], str]:
    """The ``#+`` lines at the top of ``text`` (with their 1-based line numbers) and the rest."""
    header: list[tuple[int, str]] = []
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (lines[i].startswith("#+") or not lines[i].strip()):
        if lines[i].startswith("#+"):
            header.append((i + 1, lines[i].rstrip("\r\n")[2:]))
        i += 1
    return header, "".join(lines[i:])


def _header_yaml(header: list[tuple[int, str]]) -> str:
    body = [line for _, line in header]
    if all(not line or line.startswith(" ") for line in body):
        body = [line[1:] for line in body]
    return "\n".join(body) + "\n"


def parse_query_text(text: str, path: str | Path, area: str = "") -> QuerySpec:
    """Parse one query file's text (header and SPARQL). Raises :class:`QueryHeaderError`."""
    path = Path(path)
    where = layout.display_path(path)
    header_lines, _ = split_header(text)
    if not header_lines:
        raise QueryHeaderError(f"{where}:1: no '#+' header (need {', '.join(REQUIRED_KEYS)})")
    try:
        header = yaml.safe_load(_header_yaml(header_lines))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = header_lines[min(mark.line, len(header_lines) - 1)][0] if mark is not None else header_lines[0][0]
        problem = getattr(exc, "problem", None) or str(exc)
        raise QueryHeaderError(f"{where}:{line}: header is not valid YAML ({problem})") from None
    if not isinstance(header, dict):
        raise QueryHeaderError(f"{where}:1: header must be YAML 'key: value' lines")
    first = header_lines[0][0]
    missing = [k for k in REQUIRED_KEYS if k not in header]
    if missing:
        raise QueryHeaderError(f"{where}:{first}: header lacks {', '.join(missing)}")
    kind = str(header["kind"]).strip().lower()
    if kind not in KINDS:
        raise QueryHeaderError(f"{where}:{first}: kind {kind!r} is not one of {', '.join(KINDS)}")
    params = _params(header.get("params"), where, first)
    returns = header.get("returns") or []
    if isinstance(returns, str):
        returns = [r.strip() for r in returns.strip("[]").split(",") if r.strip()]
    if not isinstance(returns, list) or not all(isinstance(r, str) for r in returns):
        raise QueryHeaderError(f"{where}:{first}: returns must be a list of variable names")
    tags = header.get("tags") or []
    index = _index(header.get("index"), params, text, where, first)
    return QuerySpec(
        name=helper_name(path),
        path=path,
        text=text,
        summary=str(header["summary"]).strip(),
        kind=kind,
        params=params,
        returns=tuple(r.lstrip("?$") for r in returns),
        description=str(header.get("description") or "").strip(),
        cq=str(header.get("cq") or "").strip(),
        question=str(header.get("question") or "").strip(),
        tags=tuple(str(t) for t in (tags if isinstance(tags, list) else [tags])),
        area=area,
        header=header,
        index=index,
    )


def _index(raw: Any, params: tuple[Param, ...], text: str, where: str, line: int) -> dict[str, Any] | None:
    """The header's ``index: {name: labels, param: text, binds: [resource, labelProperty, matched]}``, checked."""
    if raw is None:
        return None

    keys = {"name", "param", "binds"}
    binds = raw.get("binds") if isinstance(raw, dict) else None
    if isinstance(binds, str):
        binds = [binds]
    if (
        not isinstance(raw, dict)
        or set(raw) != keys
        or not isinstance(raw["name"], str)
        or not isinstance(raw["param"], str)
        or not isinstance(binds, list)
        or not binds
        or not all(isinstance(b, str) for b in binds)
    ):
        raise QueryHeaderError(f"{where}:{line}: index must be {{name: …, param: …, binds: [variables]}}")
    if raw["name"] not in INDEXES:
        raise QueryHeaderError(f"{where}:{line}: index {raw['name']!r} is not one of {', '.join(INDEXES)}")
    if raw["param"] not in {p.name for p in params}:
        raise QueryHeaderError(f"{where}:{line}: index param {raw['param']!r} is not a parameter")
    body = split_header(text)[1]
    for name in binds:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or not re.search(rf"[?$]{name}\b", body):
            raise QueryHeaderError(f"{where}:{line}: index binds ?{name}, which the query does not use")
    return {"name": raw["name"], "param": raw["param"], "binds": tuple(binds)}


def _params(raw: Any, where: str, line: int) -> tuple[Param, ...]:
    if raw in (None, [], {}):
        return ()
    if not isinstance(raw, list):
        raise QueryHeaderError(f"{where}:{line}: params must be a list of {{name, type, required, example}}")
    out: list[Param] = []
    for item in raw:
        if not isinstance(item, dict) or "name" not in item or "type" not in item:
            raise QueryHeaderError(f"{where}:{line}: each param needs a name and a type, got {item!r}")
        name, ptype = str(item["name"]).lstrip("?$"), str(item["type"]).strip().lower()
        if ptype not in PARAM_TYPES:
            raise QueryHeaderError(
                f"{where}:{line}: param {name}: type {ptype!r} is not one of {', '.join(PARAM_TYPES)}"
            )
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or name in {p.name for p in out}:
            raise QueryHeaderError(f"{where}:{line}: param name {name!r} is not a valid, unique variable name")
        p = Param(
            name=name,
            type=ptype,
            required=bool(item.get("required", False)),
            example=item.get("example"),
            default=item.get("default"),
            description=str(item.get("description") or ""),
        )
        for label, value in (("example", p.example), ("default", p.default)):
            if value is not None:
                try:
                    p.term(value)
                except QueryParameterError as exc:
                    raise QueryHeaderError(f"{where}:{line}: {label} of {exc}") from None
        if p.required and p.default is not None:
            raise QueryHeaderError(f"{where}:{line}: param {name} is required and has a default")
        out.append(p)
    return tuple(out)


def read_query(path: Path, queries_dir: Path | None = None) -> QuerySpec:
    """Read and parse one ``.rq`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryHeaderError(f"{layout.display_path(path)}: cannot read ({exc})") from None
    area = ""
    if queries_dir is not None:
        try:
            area = path.parent.relative_to(queries_dir).as_posix()
        except ValueError:
            area = ""
    return parse_query_text(text, path, "" if area == "." else area)


def discover(data_dir: str | Path | None = None) -> list[QuerySpec]:
    """Every query of a data folder (``queries/**/*.rq``, sorted by path).

    Raises:
        QueryHeaderError: a header is broken, or two files would give the same helper name.
    """
    data = layout.resolve(data_dir)
    specs = [read_query(p, data.queries_dir) for p in data.query_files()]
    seen: dict[str, Path] = {}
    for spec in specs:
        if spec.name in seen:
            raise QueryHeaderError(
                f"{layout.display_path(spec.path)}: helper name {spec.name} is already used by "
                f"{layout.display_path(seen[spec.name])}"
            )
        seen[spec.name] = spec.path
    return specs


# --- running ------------------------------------------------------------------------------------------
def run(
    engine: Any,
    spec: QuerySpec,
    bindings: Mapping[str, Identifier],
    terms: Mapping[str, Any] | None = None,
    text: str | None = None,
) -> Result:
    """Run ``spec`` on ``engine`` (an :class:`evkg.query.engine.Engine`) with ``bindings``; log and time it.

    ``terms`` are the same bindings already converted to pyoxigraph terms (helpers keep them); ``text`` is
    the query narrowed by the header's index (:mod:`evkg.query.text_index`), else the file's.
    """
    started = time.perf_counter()
    if terms is None:
        terms = {k: to_oxigraph(v) for k, v in bindings.items()}
    raw = engine.query(spec.text if text is None else text, terms)
    if isinstance(raw, ox.QueryBoolean):
        result = Result.ask(bool(raw))
    elif isinstance(raw, ox.QuerySolutions):
        # The query also projects its parameters (pyoxigraph substitutes only projected variables);
        # the result keeps the columns the header declares under ``returns``.
        variables, rows = _rows(raw, spec.returns)
        result = Result.select(variables, rows)
    else:
        raise EvkgError(f"{spec.name}: kind {spec.kind} queries are not supported by helpers")
    if log.isEnabledFor(logging.INFO):  # the arguments cost more than small queries themselves
        log.info(
            "query %s on %s: %s in %.1f ms (%s)",
            spec.name,
            getattr(engine, "name", type(engine).__name__),
            {k: str(v) for k, v in bindings.items()},
            (time.perf_counter() - started) * 1000,
            f"{len(result)} rows" if result.boolean is None else result.boolean,
        )
    return result


def _rows(raw: ox.QuerySolutions, returns: Sequence[str]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The ``returns`` columns of each solution as rdflib terms (by position: faster than by name)."""
    projected = [v.value for v in raw.variables]
    variables = [v for v in returns if v in projected] if returns else projected
    index = [projected.index(v) for v in variables]
    rows = []
    for solution in raw:
        cells = tuple(solution)
        rows.append(tuple(None if (t := cells[i]) is None else to_rdflib(t) for i in index))
    return variables, rows


class QueryHelpers:
    """``kg.queries``: one helper per query file, by name (attribute or ``[name]``).

    >>> import evkg
    >>> kg = evkg.load()
    >>> "organization_profile" in kg.queries
    True
    """

    def __init__(self, engine: Any, specs: Sequence[QuerySpec], prefixes: Prefixes | None = None) -> None:
        self._engine = engine
        self._prefixes = prefixes
        self._specs = {s.name: s for s in specs}
        self._by_stem = {s.stem: s.name for s in specs}
        self._helpers: dict[str, Callable[..., Result]] = {}

    @classmethod
    def from_data(cls, engine: Any, data_dir: str | Path | None = None) -> QueryHelpers:
        return cls(engine, discover(data_dir), registry(data_dir))

    def __contains__(self, name: object) -> bool:
        return name in self._specs or name in self._by_stem

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._specs))

    def __len__(self) -> int:
        return len(self._specs)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._specs))

    def specs(self) -> list[QuerySpec]:
        """Every query, sorted by helper name."""
        return [self._specs[n] for n in sorted(self._specs)]

    def spec(self, name: str) -> QuerySpec:
        """The query called ``name`` (helper name or file stem). Raises :class:`QueryParameterError`."""
        key = self._by_stem.get(name, name)
        if key not in self._specs:
            raise QueryParameterError(
                f"unknown query {name!r}{_suggest(name, list(self._specs))}; valid: {', '.join(sorted(self._specs))}"
            )
        return self._specs[key]

    def __getitem__(self, name: str) -> Callable[..., Result]:
        spec = self.spec(name)
        if spec.name not in self._helpers:
            self._helpers[spec.name] = self._make(spec)
        return self._helpers[spec.name]

    def __getattr__(self, name: str) -> Callable[..., Result]:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except QueryParameterError as exc:
            raise AttributeError(str(exc)) from None

    def call(self, name: str, **params: Any) -> Result:
        return self[name](**params)

    def _make(self, spec: QuerySpec) -> Callable[..., Result]:
        engine, prefixes = self._engine, self._prefixes
        # checked and converted parameters by call arguments: a repeated call (the same organisation,
        # the same language) skips building rdflib and pyoxigraph terms again
        # (the key holds each value's type: True == 1 == 1.0, but only one of them is a valid boolean)
        bound: dict[tuple[tuple[str, type, Any], ...], tuple[dict[str, Identifier], dict[str, Any]]] = {}

        def helper(**params: Any) -> Result:
            try:
                key: tuple[tuple[str, type, Any], ...] | None = tuple(
                    sorted((k, type(v), v) for k, v in params.items())
                )
                cached = bound.get(key)  # type: ignore[arg-type]
            except TypeError:  # an unhashable or unorderable argument: convert it every time
                key, cached = None, None
            if cached is None:
                bindings = spec.bind(params, prefixes)
                cached = (bindings, {k: to_oxigraph(v) for k, v in bindings.items()})
                if key is not None and len(bound) < 256:
                    bound[key] = cached
            if spec.index is not None:
                index = index_for(engine, spec.index["name"])
                value = cached[1].get(spec.index["param"])
                values = None if index is None or value is None else index.candidates(value)
                if values is not None:
                    return run(engine, spec, *cached, text=narrowed(spec.text, spec.index["binds"], values))
            return run(engine, spec, *cached)

        helper.__name__ = helper.__qualname__ = spec.name
        helper.__doc__ = spec.docstring()
        helper.__signature__ = spec.signature()  # type: ignore[attr-defined]
        helper.__annotations__ = {p.name: p.annotation for p in spec.params} | {"return": Result}
        helper.spec = spec  # type: ignore[attr-defined]
        return helper


__all__ = [
    "KINDS",
    "QueryHeaderError",
    "QueryHelpers",
    "QueryParameterError",
    "QuerySpec",
    "discover",
    "parse_query_text",
    "read_query",
    "run",
    "split_header",
]
