"""Load scenarios from TOML: built-ins by name, files by path, ``extends`` and overrides.

This module is the only one that knows about TOML. Every failure becomes a
:class:`ScenarioError` naming the file, the field path and what was expected.

Rules:
- ``extends = "NAME-or-PATH"`` deep-merges this file over the one it names
  (tables merge, lists and values replace). A relative path resolves against
  the extending file's folder.
- ``[leader] profile = "..."`` fills every leader field from that preset; fields
  written beside it override the preset. A file that sets ``profile`` drops the
  leader fields inherited from the file it extends: a new profile is a new leader.
- ``overrides`` (``{"coercer.demand": 0.4}``) apply last, with the same rule.

Limits (each a clear error, never a traceback): tables nest at most :data:`MAX_DEPTH`
deep, an ``extends`` chain is at most :data:`MAX_EXTENDS` long, a file is at most
:data:`MAX_BYTES`. :func:`load_upload` reads text from an untrusted client (the page):
it may extend only built-ins, so it never opens a server path.
"""

from __future__ import annotations

import copy
import difflib
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from compellence.scenario.profiles import PROFILES
from compellence.scenario.schema import Scenario

BUILTIN_PACKAGE = "compellence.scenario.builtin"
#: Deepest nesting of tables and arrays a scenario may use (the schema needs 4: a
#: distribution in coercer.pressure; 16 leaves room and stops recursion bombs).
MAX_DEPTH = 16
#: Longest ``extends`` chain (built-ins use 2; a longer chain is a mistake or an attack).
MAX_EXTENDS = 32
#: Largest scenario file read (the biggest built-in is ~5 kB).
MAX_BYTES = 1_000_000


class ScenarioError(Exception):
    """A scenario could not be read: names the source, the field and what was expected."""

    def __init__(self, source: str, field: str, expected: str) -> None:
        self.source, self.field, self.expected = source, field, expected
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"field '{self.field}'" if self.field else "file"
        return f"{self.source}: {where}: {self.expected}"


def builtin_names() -> list[str]:
    """Names of the scenarios shipped inside the package."""
    files = resources.files(BUILTIN_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def _depth_ok(data: Any, source: str) -> None:
    """Refuse tables or arrays nested deeper than MAX_DEPTH (checked without recursion)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ScenarioError(source, "", f"tables or arrays nested more than {MAX_DEPTH} "
                                "deep (a scenario needs at most 4)")
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))


def _read_toml(text: str, source: str) -> dict[str, Any]:
    if len(text) > MAX_BYTES:
        raise ScenarioError(source, "", f"file larger than {MAX_BYTES:,} characters "
                            "(a scenario is a few kB)")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, "", f"malformed TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(source, "", f"tables or arrays nested more than {MAX_DEPTH} "
                            "deep (a scenario needs at most 4)") from None
    _depth_ok(data, source)
    check_schema_version(data, source)
    return data


def check_schema_version(data: dict[str, Any], source: str) -> None:
    """A file may say which scenario format it was written for; refuse ones we cannot read."""
    from compellence.provenance import SCENARIO_SCHEMA_VERSION as current

    version = data.get("schema_version")
    if version is None:
        return
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ScenarioError(source, "schema_version", f"expected a positive integer "
                            f"(this compellence writes {current}), got {version!r}")
    if version > current:
        raise ScenarioError(source, "schema_version", f"written for scenario format "
                            f"{version}, this compellence reads format {current}: upgrade "
                            "compellence")
    if version < current:  # pragma: no cover - no older format exists yet
        raise ScenarioError(source, "schema_version", f"scenario format {version} is no "
                            f"longer read (current {current})")


def _locate(ref: str, base_dir: Path | None) -> tuple[str, str, Path | None]:
    """Find a scenario's text: returns (text, source label, folder for relative extends)."""
    if ref in builtin_names():
        text = resources.files(BUILTIN_PACKAGE).joinpath(f"{ref}.toml").read_text("utf-8")
        return text, f"built-in '{ref}'", None
    path = Path(ref)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if path.is_file():
        path = path.resolve()  # one label per file, so a `../` cycle is seen as a cycle
        if path.stat().st_size > MAX_BYTES:
            raise ScenarioError(str(path), "", f"file larger than {MAX_BYTES:,} bytes "
                                "(a scenario is a few kB)")
        try:
            return path.read_text("utf-8"), str(path), path.parent
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(str(path), "", f"cannot read the file: {exc}") from None
    if path.exists():
        raise ScenarioError(str(path), "", "not a regular file (expected a TOML scenario "
                            "file)")
    looks_like_path = ref.endswith(".toml") or "/" in ref or "\\" in ref
    if looks_like_path:
        raise ScenarioError(str(path), "", "no such file (expected a TOML scenario file)")
    hint = difflib.get_close_matches(ref, builtin_names(), n=1)
    did = f"; did you mean '{hint[0]}'?" if hint else ""
    raise ScenarioError(
        ref, "", f"not a built-in scenario nor a file{did} (see `compellence scenarios`)"
    )


def merge(parent: dict[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge child over parent; a child leader with a profile replaces the parent's."""
    out = copy.deepcopy(parent)
    for key, value in child.items():
        if key == "leader" and isinstance(value, Mapping) and "profile" in value:
            out[key] = copy.deepcopy(dict(value))
        elif isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _raw(ref: str, base_dir: Path | None, seen: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    text, source, folder = _locate(ref, base_dir)
    if source in seen:
        raise ScenarioError(source, "extends", "extends itself (cycle: " + " -> ".join(seen) + ")")
    return _extend(_read_toml(text, source), source, folder, seen, builtin_only=False)


def _extend(data: dict[str, Any], source: str, folder: Path | None, seen: tuple[str, ...],
            builtin_only: bool) -> tuple[dict[str, Any], str]:
    """Merge a parsed file over the one its ``extends`` names (if any)."""
    parent_ref = data.get("extends")
    if parent_ref is None:
        return data, source
    if not isinstance(parent_ref, str):
        raise ScenarioError(source, "extends", "expected a built-in name or a path (a string)")
    if len(seen) >= MAX_EXTENDS:
        raise ScenarioError(source, "extends", f"an extends chain longer than {MAX_EXTENDS} "
                            f"files (started at {seen[0]})")
    if builtin_only and parent_ref not in builtin_names():
        raise ScenarioError(source, "extends", "an uploaded scenario may extend only a "
                            "built-in scenario (" + ", ".join(builtin_names()) + "), not a "
                            "path")
    parent, _ = _raw(parent_ref, folder, (*seen, source))
    parent.pop("name", None)
    parent.pop("title", None)
    return merge(parent, data), source


def load_upload(text: str, filename: str) -> tuple[dict[str, Any], str]:
    """The merged raw dict of a scenario sent by a client: it may extend only built-ins,
    so no server path is ever opened for it (size and nesting are bounded as for files)."""
    source = f"uploaded '{filename}'"
    return _extend(_read_toml(text, source), source, None, (), builtin_only=True)


def set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ScenarioError("overrides", dotted, f"'{part}' is not a table")
    if parts == ["leader", "profile"]:
        data["leader"] = {"profile": value}
    else:
        node[parts[-1]] = value


def apply_overrides(data: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a raw scenario with dotted-path overrides applied; ``leader.profile`` goes
    first, so that leader fields set beside it override the new profile's preset."""
    out = copy.deepcopy(dict(data))
    ordered = sorted(overrides.items(), key=lambda kv: kv[0] != "leader.profile")
    for key, value in ordered:
        set_dotted(out, key, value)
    return out


def _apply_profile(data: dict[str, Any], source: str) -> None:
    leader = data.get("leader")
    if leader is None:
        return
    if not isinstance(leader, dict):
        raise ScenarioError(source, "leader", "expected a table")
    profile = leader.get("profile", "identity-committed")
    if isinstance(profile, str) and profile in PROFILES:
        data["leader"] = {**PROFILES[profile], **leader}


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the field at loc[:-1] (for did-you-mean hints)."""
    cls: type[BaseModel] = Scenario
    for part in loc:
        field = cls.model_fields.get(str(part))
        if field is None:
            return None
        candidates = [field.annotation, *get_args(field.annotation)]
        nxt = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)),
                   None)
        if nxt is None:
            return None
        cls = nxt
    return cls


def _describe(err: Mapping[str, Any]) -> tuple[str, str]:
    loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
    field = ".".join(str(p) for p in loc)
    if err["type"] == "extra_forbidden":
        owner = _model_at(loc[:-1])
        names = list(owner.model_fields) if owner else []
        hint = difflib.get_close_matches(str(loc[-1]), names, n=1)
        did = f"; did you mean '{hint[0]}'?" if hint else ""
        return field, f"unknown field{did}"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] in ("float_type", "float_parsing"):
        msg = ("expected a number, or a distribution table such as "
               "{dist = \"uniform\", low = 0.2, high = 0.8}")
    if err["type"] == "missing":
        msg = "required field is missing"
    if err["type"] == "union_tag_invalid":
        msg = "unknown distribution; expected dist = one of " + str(err["ctx"]["expected_tags"])
    if "got" not in msg and err["type"] != "missing":
        msg += f" (got {err['input']!r})"
    return field, msg


_UNION_TAGS = {"float", "int", "bool", "str", "Schedule", "uniform", "normal", "beta",
               "triangular", "choice", "list[int]", "none"}


def _is_union_tag(part: Any) -> bool:
    """Pydantic puts a union member's name into an error's location; drop it."""
    return isinstance(part, str) and (part in _UNION_TAGS or "[" in part or "(" in part)


def validate(data: dict[str, Any], source: str) -> Scenario:
    """Validate a raw scenario dict, turning pydantic errors into one ScenarioError."""
    data = copy.deepcopy(data)
    _apply_profile(data, source)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        best = _pick(errors)
        field, msg = _describe(best)
        more = len({e["loc"][:2] for e in errors}) - 1
        if more > 0:
            msg += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ScenarioError(source, field, msg) from None


def _pick(errors: list[Any]) -> Any:
    """Of a union's alternatives, report the one the user meant: a table with ``dist`` is a
    distribution, one with ``schedule`` a schedule; else the most specific error."""
    first = errors[0]
    same = [e for e in errors if e["loc"][:2] == first["loc"][:2]]
    raw = next((e["input"] for e in same if e["type"] == "float_type"), None)
    if isinstance(raw, dict):
        if "schedule" in raw:
            meant = [e for e in same if "Schedule" in e["loc"]]
        else:
            meant = [e for e in same if "Schedule" not in e["loc"] and
                     e["type"] != "float_type"]
        same = meant or same
    non_float = [e for e in same if e["type"] not in ("float_type", "float_parsing",
                                                      "model_type", "model_attributes_type")]
    pool = non_float or same
    return max(pool, key=lambda e: (e["type"] == "extra_forbidden", len(e["loc"])))


def load_scenario(ref: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load a built-in scenario by name or a TOML file by path, then apply overrides."""
    data, source = _raw(str(ref), None, ())
    data = apply_overrides(data, overrides or {})
    if overrides:
        source += " with overrides"
    return validate(data, source)


def load_raw(ref: str | Path) -> tuple[dict[str, Any], str]:
    """The merged raw dict of a scenario (after extends), and its source label."""
    return _raw(str(ref), None, ())
