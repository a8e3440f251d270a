"""The render stage: report and records -> Markdown pages with inline SVG charts.

Entry point: ``pages.render_pages``; escaping in ``escape``, masking in
``privacy``, every UI string in ``i18n``.
"""
