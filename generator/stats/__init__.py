"""Statistics: pure functions over validated records (generator.model.Records).

Entry points: ``periods.parse_period`` / ``default_period`` / ``resolve_as_of``,
``report.build_report`` (the JSON-able report, documented in ``contract``) and
``text.format_text`` (the terminal summary of ``csi stats``).
"""
