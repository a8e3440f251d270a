"""Compiled Jinja templates kept between builds, under ``ROOT/.csi/cache/``.

Why: every build compiles our page templates and Material's theme templates
again, about a second of each build at any size.  Jinja's bytecode cache
keys a template by its name and the checksum of its source, so an edited
template is compiled anew; the folder name adds the environment's syntax
options and Jinja's version, which the key leaves out, and what each filter
and test is passed: compiled code calls a filter that takes the context with
it, so a filter that came to take it (or stopped) must not meet code
compiled before.  Like the rest of the
cache it is safe to delete, and a cache that cannot be written or read is
only a miss.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2
from jinja2 import Environment
from jinja2.bccache import Bucket, FileSystemBytecodeCache


class TemplateCache(FileSystemBytecodeCache):
    def __init__(self, folder: Path, env: Environment) -> None:
        signature = hashlib.sha256(repr((
            jinja2.__version__, env.block_start_string, env.block_end_string, env.variable_start_string,
            env.variable_end_string, env.comment_start_string, env.comment_end_string,
            env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
            env.newline_sequence, env.keep_trailing_newline, sorted(env.extensions), env.optimized,
            _passed(env.filters), _passed(env.tests),
        )).encode()).hexdigest()[:16]
        self.folder = folder / signature
        super().__init__(str(self.folder))

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable or damaged: compile it again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:  # read-only checkout, disk full: the build goes on without it
            pass


def _passed(functions: dict) -> list[tuple[str, str]]:
    """(name, what Jinja passes it first: context, eval context, environment or nothing) of each."""
    # (the mark jinja2.pass_context and its kin set on a function)
    return sorted((name, str(getattr(function, "jinja_pass_arg", None))) for name, function in functions.items())


def use_template_cache(env: Environment, folder: Path) -> Environment:
    env.bytecode_cache = TemplateCache(folder, env)
    return env
