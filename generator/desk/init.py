"""`csi init`: a new garage repository that validates and builds at once.

Settings and questionnaires come from ``generator/defaults`` (the same ones
the demo uses); CI, editor, hook and README files from
``generator/defaults/init``.  Files already in the folder are left alone,
so `csi init` can run in a fresh clone that already has a README.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator import __version__
from generator.demo.write import Emitter
from generator.desk import store
from generator.desk.yamlwrite import text_value
from generator.validate import schema
from generator.validate.editor_schema import SCHEMA_FILES, vscode_settings, write_schemas

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"
SCHEMA_DIR = ".csi/schemas"
# Template in defaults/init -> where it goes (names without leading dots, which packaging drops).
INIT_FILES = {
    "gitignore": ".gitignore",
    "github-site.yml": ".github/workflows/site.yml",
    "gitlab-ci.yml": ".gitlab-ci.yml",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
}


class Refused(Exception):
    """Nothing was written; the message says why."""


@dataclass
class Created:
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already there, left as they were


# garage.yaml's comments for a Chinese garage's staff, by the English text of defaults/garage.yaml
_ZH_COMMENTS = {
    'Garage settings. Every key is documented in the README ("Settings").':
        "本店设置。每一项的含义见 README（“Settings”一节）。",
    "Your staff: records refer to them by id. Replace these examples.": "本店员工：记录中用员工编号（id）指代。请替换以下示例。",
    "site language: zh (简体中文) or en": "网站语言：zh（简体中文）或 en（英文）",
    "default period of reports: month or quarter": "报表默认统计期：month（月）或 quarter（季度）",
    "days after hand-over within which the follow-up call is due": "交车后多少天内须完成回访",
    "first contact with a complaining customer within": "收到投诉后多少小时内须首次联系客户",
    "resolution within, unless a promised date says otherwise": "投诉须在多少天内解决（另有承诺日期的以承诺为准）",
    "a repair back within this many days counts as a comeback": "维修后多少天内因同一问题返修计为返修",
    "care reminders look this far ahead": "关怀提醒提前多少天列出",
    "no visit for longer: at risk": "超过多少天未到店：有流失风险",
    "no visit for longer: presumed lost": "超过多少天未到店：视为流失",
    'fewer answers than this: "too few", never ranked': "答卷少于此数：样本不足，不参与排名",
    "strength: no bottom answers and at least this share of 9-10": "优势项目：无不满意答卷，且 9-10 分占比至少为此值",
    "weakness: at most this share of 9-10 ...": "劣势项目：9-10 分占比至多为此值……",
    "... and at least this share of 1-4": "……且 1-4 分占比至少为此值",
    "or a significant fall of the 9-10 share by at least this": "或 9-10 分占比显著下降至少此值",
}


def garage_settings(name: str, language: str) -> str:
    """The demo's commented garage.yaml with this garage's name and language, and today not pinned;
    its comments in Chinese for a Chinese garage."""
    text = (DEFAULTS / "garage.yaml").read_text(encoding="utf-8")
    quoted = Emitter().scalar(text_value(name))  # (not plain when it reads as null: name: null is no name)
    text = re.sub(r"^name:.*$", lambda _: f"name: {quoted}", text, count=1, flags=re.MULTILINE)
    text = re.sub(r"^language: *\w+", f"language: {language}", text, count=1, flags=re.MULTILINE)
    text = re.sub(r"^as_of:.*\n", "", text, count=1, flags=re.MULTILINE)
    text = re.sub(r"^staff:\n", "# Your staff: records refer to them by id. Replace these examples.\nstaff:\n",
                  text, count=1, flags=re.MULTILINE)
    if language == "zh":
        text = re.sub(r"(?<=# )(.+)$", lambda found: _ZH_COMMENTS.get(found[1], found[1]), text, flags=re.MULTILINE)
    return text


def mkdocs_settings(name: str, language: str) -> str:
    """The site's own MkDocs settings, pointed at the pages `csi build` writes."""
    from generator.site.config import OVERRIDES_DIR, mkdocs_config

    config = mkdocs_config(name, language, [], "site")
    config["docs_dir"] = ".csi/mkdocs/docs"
    config["theme"]["custom_dir"] = f".csi/mkdocs/{OVERRIDES_DIR}"
    del config["nav"]
    return ("# Plain MkDocs settings for the pages `csi build` writes to .csi/mkdocs/docs, so that\n"
            "# `mkdocs serve` works on them too; `csi build` and `csi serve` do not need this file.\n"
            + yaml.safe_dump(config, allow_unicode=True, sort_keys=False))


PUBLISHED = f"csi-garage=={__version__}"
# What pip may be told to install, written into the CI files: a requirement or a URL,
# nothing a shell or YAML would read as more than one word
_INSTALLABLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~=<>!@+:/#%?&,\[\]-]*(?: @ [A-Za-z0-9+.:/@#%?&=~_-]+)?")


def install_spec() -> str | None:
    """Where this csi was installed from, as the garage's CI can install it again: the git
    repository and commit pip recorded (``pip install git+https://…``), else None (from a
    package index, as ``PUBLISHED``, or from a folder on this machine, which CI has not)."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        recorded = json.loads(distribution("csi-garage").read_text("direct_url.json") or "{}")
    except (PackageNotFoundError, ValueError):
        return None
    vcs = recorded.get("vcs_info") or {}
    url = recorded.get("url", "")
    spec = f"csi-garage @ git+{url}@{vcs.get('commit_id')}"
    if vcs.get("vcs") == "git" and vcs.get("commit_id") and url.startswith(("https://", "ssh://")) \
            and install_refusal(spec) is None:  # (not a URL with ${TOKEN} in it, as pip may record one)
        return spec
    return None


def install_refusal(spec: str) -> str | None:
    if not _INSTALLABLE.fullmatch(spec):
        return (f"--install {spec!r} is not one requirement or URL pip can take (e.g. csi-garage==0.1.0, or "
                "'csi-garage @ git+https://example.com/csi.git@v0.1.0')")
    return None


def planned_files(name: str, language: str, install: str = PUBLISHED) -> dict[str, str]:
    files = {"garage.yaml": garage_settings(name, language)}
    for survey in sorted((DEFAULTS / "surveys").glob("*.yaml")):
        files[f"surveys/{survey.name}"] = survey.read_text(encoding="utf-8")
    for template, target in INIT_FILES.items():
        files[target] = (DEFAULTS / "init" / template).read_text(encoding="utf-8") \
            .replace("@CSI_INSTALL@", install).replace("@CSI_VERSION@", __version__)
    readme = (DEFAULTS / "init" / f"README.{language}.md").read_text(encoding="utf-8")
    files["README.md"] = readme.replace("@GARAGE_NAME@", name)
    for kind in schema.RECORD_KINDS.values():
        files[f"records/{kind.folder}/.gitkeep"] = ""
    files["mkdocs.yml"] = mkdocs_settings(name, language)
    applies = {file_name: pattern for file_name, (_, pattern) in SCHEMA_FILES.items()}
    files[".vscode/settings.json"] = json.dumps(vscode_settings(f"./{SCHEMA_DIR}", applies), ensure_ascii=False, indent=2) + "\n"
    return files


def init_garage(root: Path, language: str = "zh", name: str | None = None, install: str = PUBLISHED) -> Created:
    """``install``: what the CI files' pip installs (``install_spec``, or ``PUBLISHED``)."""
    refusal = install_refusal(install)
    if refusal is not None:
        raise Refused(refusal)
    if (root / "garage.yaml").exists():
        raise Refused(f"{root / 'garage.yaml'} exists: {root} is already a garage repository")
    if root.exists() and not root.is_dir():
        raise Refused(f"{root} is a file, not a folder")
    name = name or root.resolve().name
    if not name.strip() or "\n" in name.strip() or "\r" in name:
        raise Refused(f"the garage name {name!r} must be one line of text; give it with --name")
    planned = planned_files(name, language, install)
    in_the_way = sorted({str(parent) for relative in planned for parent in (root / relative).parents
                         if parent != root and root in parent.parents and parent.exists() and not parent.is_dir()})
    if in_the_way:
        raise Refused(f"{', '.join(in_the_way)}: a file where csi init puts a folder; move it away and run csi init "
                      "again (nothing was written)")
    created = Created()
    # garage.yaml last: a run stopped on the way (a full disk) can be run again, as it
    # refuses only a folder that already holds garage.yaml
    for relative, text in sorted(planned.items(), key=lambda entry: entry[0] == "garage.yaml"):
        if relative == "garage.yaml":
            write_schemas(root / SCHEMA_DIR, language)
            created.written.append(SCHEMA_DIR + "/")
        try:
            store.create_file(root / relative, text)
            created.written.append(relative)
        except store.RecordExists:
            created.kept.append(relative)
    return created
