"""The site stage: MkDocs configuration, the MkDocs run, the offline check, atomic publish.

Entry point: ``build_site(root, site_dir, records, report, problems, as_of, commit)``.
"""

from generator.site.build import SiteBuildError, build_site, generated_dir, monthly_reports

__all__ = ["SiteBuildError", "build_site", "generated_dir", "monthly_reports"]
