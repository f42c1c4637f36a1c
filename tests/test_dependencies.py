"""pyproject.toml and environment.yml declare the same dependencies."""

import re
import tomllib

import yaml

from analysis import config

# Conda-only entries with no pip counterpart.
CONDA_ONLY = {"python", "pip"}


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(spec: str) -> str:
    return spec.replace(" ", "").lower()


def test_environment_yml_and_pyproject_agree():
    project = tomllib.loads((config.ROOT / "pyproject.toml").read_text())["project"]
    pip = project["dependencies"] + [
        d for ds in project["optional-dependencies"].values() for d in ds
    ]
    env = yaml.safe_load((config.ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda = [d for d in env["dependencies"] if isinstance(d, str) and _name(d) not in CONDA_ONLY]
    conda += [d for d in pip_section if not d.startswith("-e")]
    assert {_name(d): _spec(d) for d in pip} == {_name(d): _spec(d) for d in conda}
    assert "-e ." in pip_section


def test_environment_python_matches_requires_python():
    project = tomllib.loads((config.ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((config.ROOT / "environment.yml").read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and _name(d) == "python")
    assert python.removeprefix("python") == project["requires-python"]


def test_constraints_pin_every_dependency_within_its_declared_range():
    from packaging.requirements import Requirement

    project = tomllib.loads((config.ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + [
        d for ds in project["optional-dependencies"].values() for d in ds
    ]
    pins = {}
    for line in (config.ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[_name(name)] = version
    for spec in declared:
        req = Requirement(spec)
        pinned = pins.get(_name(req.name))
        assert pinned is not None, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pinned), f"{req.name}=={pinned} is outside {req.specifier}"


def test_nbformat_imports_without_compiling_iri_grammars():
    # jsonschema 4.25+ imports rfc3987-syntax, whose import costs 2-3 s in every process that
    # imports nbformat (the runner, papermill): the pin keeps it out of the environment.
    import subprocess
    import sys

    code = "import sys, nbformat; print('rfc3987_syntax' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
