"""How KSTT writes and reads dates and times, whatever the language (settings.FORMAT_MODULE_PATH).

Every instant is shown in the province's zone (the middleware activates it) as ``dd/mm/yyyy HH:MM``
and every date as ``dd/mm/yyyy``, in Vietnamese and in English alike: an English interface is still
read by Vietnamese officials, and ``03/04/2021`` must mean 3 April on every page. Dates are typed
the same way (kstt.formats.widgets), so a browser's own language never changes what a date means.
"""

from __future__ import annotations

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "d/m"
YEAR_MONTH_FORMAT = "m/Y"
FIRST_DAY_OF_WEEK = 1  # Monday
#: Day first; ISO (yyyy-mm-dd) still accepted for links and files. Never month first.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
#: What a date or date-and-time field shows when empty.
DATE_PLACEHOLDER = "dd/mm/yyyy"
DATETIME_PLACEHOLDER = "dd/mm/yyyy HH:MM"
