"""What the report services tell the apps above them, without importing them.

Notifications sits above reports in the layers (a reminder reads what the reports owe), so the report
services never call it: after the commit of a submission, an acceptance or a return they send
``version_changed`` and notifications tells the people concerned (kstt.notifications.report_events).
"""

from django.dispatch import Signal

#: Sent after the commit, with ``kind`` ("submitted" | "accepted" | "returned"), ``instance`` (the
#: ReportInstance) and ``version`` (the ReportVersion submitted or reviewed); ``unit_name``, when the service
#: had it: the unit's name at the end of the period's window (otherwise the receiver reads it).
version_changed = Signal()
