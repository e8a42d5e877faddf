"""Reports and their charts (matplotlib stays here).

The strategy comparison (`comparison`), and the reports supervisors, commanders and administrators
use: each a pure function of an instance and one or more solutions returning a `Report` (tables and
a chart), written as CSV, Markdown and PNG by `write_report`.
"""

from offduty.service.reports.base import Report, ReportError, write_report
from offduty.service.reports.employers import employers_report
from offduty.service.reports.fairness import fairness_report
from offduty.service.reports.hours import hours_report
from offduty.service.reports.schedule import schedule_report
from offduty.service.reports.supervisors import supervisor_report
from offduty.service.reports.unfilled import unfilled_report

__all__ = ["Report", "ReportError", "employers_report", "fairness_report", "hours_report", "schedule_report",
           "supervisor_report", "unfilled_report", "write_report"]
