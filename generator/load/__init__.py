"""The load stage: bytes of a records file -> text -> YAML values with positions.

``source.decode`` turns a file's bytes into text (size limit, BOM, line ends,
encoding problems); ``yamlsafe.parse`` reads that text into ``Mapping``,
``Sequence``, ``str`` and ``None`` values that remember their line and column.
"""

from generator.load.source import SourceError, decode
from generator.load.yamlsafe import Limits, Mapping, Sequence, YamlError, parse

__all__ = ["Limits", "Mapping", "Sequence", "SourceError", "YamlError", "decode", "parse"]
