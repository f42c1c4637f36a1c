"""Notebook parameters: read each notebook's defaults and check user values before any run."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from analysis import config
from analysis.errors import UsageError

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


class CliValue(str):
    """A value typed on the command line: text, converted to its default's type when checked."""


class Expression(str):
    """A default that is not a literal (e.g. a call): its type is unknown, its text is kept."""


def notebook_parameters(path: Path, cache_dir: Path | None = None) -> dict[str, Any]:
    """The defaults in a notebook's `parameters` cell, as Python values (papermill's inspection).

    With cache_dir, papermill's answer is kept there under the SHA-256 of the notebook's bytes
    and papermill's version, so a later run need not import papermill just to ask again.
    """
    return {name: _literal(text) for name, text in _inspect(Path(path), cache_dir).items()}


def _inspect(path: Path, cache_dir: Path | None) -> dict[str, Any]:
    """papermill.inspect_notebook's defaults (as text), read from or written to cache_dir."""
    import hashlib
    import json
    from importlib import metadata

    stored = None
    if cache_dir is not None:
        digest = hashlib.sha256(path.read_bytes())
        digest.update(b"\0papermill " + metadata.version("papermill").encode())
        stored = cache_dir / "parameters" / f"{digest.hexdigest()}.json"
        try:
            found = json.loads(stored.read_text(encoding="utf-8"))
            if isinstance(found, dict):
                return found
        except (OSError, ValueError):
            pass
    from papermill import inspect_notebook

    found = {name: info.get("default") for name, info in inspect_notebook(str(path)).items()}
    if stored is not None:
        from analysis.atomic import write_text

        write_text(stored, json.dumps(found, sort_keys=True))
    return found


def _literal(text: Any) -> Any:
    """A default's value when it is a literal; otherwise its text, marked as of unknown type."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return Expression(str(text))


def load_params_file(path: Path) -> dict[str, Any]:
    """A YAML mapping of parameter name -> value."""
    import yaml

    path = config.resolve(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read parameters file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"parameters file {path} is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise UsageError(f"parameters file {path} must be a mapping of name: value")
    return data


def convert(name: str, value: Any, default: Any, from_cli: bool) -> Any:
    """`value` as the type of `default`; raise UsageError when it cannot be that type."""
    if isinstance(default, Expression) or default is None:
        return _yaml_scalar(value) if from_cli else value
    kind = type(default)
    if from_cli:
        text = str(value)
        if kind is str:
            return text
        if kind is bool:
            if text.lower() in _TRUE | _FALSE:
                return text.lower() in _TRUE
        elif kind in (int, float):
            try:
                return kind(text)
            except ValueError:
                pass
        else:
            parsed = _yaml_scalar(text)
            if isinstance(parsed, kind):
                return parsed
        raise UsageError(_type_message(name, text, default))
    # From YAML the value is already typed: accept it only if it is the default's type. An int
    # is fine where a float is expected; a bool is never a number here.
    ok = isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not ok:
        raise UsageError(_type_message(name, value, default))
    return value


def _yaml_scalar(text: str) -> Any:
    """Text read as a YAML scalar or collection, or kept as text if it is not valid YAML."""
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _type_message(name: str, value: Any, default: Any) -> str:
    """The message for a value of the wrong type."""
    return (
        f"parameter {name!r} expects {type(default).__name__} (default {default!r}), "
        f"got {type(value).__name__} {value!r}"
    )


def check_parameters(
    notebooks: Iterable[Path],
    given: Mapping[str, Any],
    fixed: Mapping[str, Any],
    cache_dir: Path | None = None,
) -> dict[Path, dict[str, Any]]:
    """Per notebook, the parameters to pass: the user's (checked) that it declares, plus `fixed`.

    Every problem is reported at once: an unknown name, or a value whose type does not match the
    default in a notebook that declares it.
    """
    declared = {path: notebook_parameters(path, cache_dir) for path in notebooks}
    known = sorted({name for params in declared.values() for name in params})
    problems: dict[str, list[str]] = {}
    for name in given:
        if name not in known:
            problems[f"unknown parameter {name!r}; the notebooks take: {', '.join(known)}"] = []
    result: dict[Path, dict[str, Any]] = {}
    for path, defaults in declared.items():
        values = {}
        for name, value in given.items():
            if name not in defaults:
                continue
            try:
                values[name] = convert(name, value, defaults[name], from_cli=_is_cli(value))
            except Exception as exc:
                problems.setdefault(str(exc), []).append(path.stem)
        values.update({k: v for k, v in fixed.items() if k in defaults})
        # In the notebook's own order, whatever the order given: the same run, the same bytes.
        result[path] = {k: values[k] for k in defaults if k in values}
    if problems:
        lines = [
            f"{msg} (in {', '.join(where)})" if where else msg for msg, where in problems.items()
        ]
        count = len(lines)
        head = f"{count} parameter problem{'s' if count != 1 else ''}, no notebook was run:"
        raise UsageError("\n  ".join([head, *lines]))
    return result


def _is_cli(value: Any) -> bool:
    """Values typed on the command line are text still to be converted."""
    return isinstance(value, CliValue)
