"""The `kstt` command: Django's management commands with KSTT's settings preset.

Commands may be spelled with hyphens as in the interchange contract (`kstt load-units`);
they map to Django's underscore names (`load_units`). `kstt serve` is not Django's: it runs gunicorn
(kstt/serve.py).
"""

from __future__ import annotations

import os
import sys
import warnings

#: The warning quiet_known_warnings silences (regular expressions, as warnings.filterwarnings takes them).
DSA_MESSAGE = "DSA is deprecated"
DSA_MODULE = r"pyhanko\.sign\.signers\.pdf_cms$"


def quiet_known_warnings() -> None:
    """Silence the one dependency warning KSTT cannot fix, exactly that one, from exactly where it comes.

    cryptography 51 deprecates DSA (pyca/cryptography#15597, "Deprecate DSA"): reading any name of its
    ``dsa`` module warns. pyHanko 0.38.0, the latest release, imports ``DSAPrivateKey`` at the top of
    ``pyhanko/sign/signers/pdf_cms.py``, so every command that loads the URLs printed a
    CryptographyDeprecationWarning it has no say in. No pinned upgrade removes it (pyHanko has no newer
    release; an older cryptography would trade security fixes for silence). Validating a document
    actually signed with DSA still warns: that comes from pyhanko_certvalidator, not from this import.
    Remove this filter once a pyHanko release stops importing the DSA names.
    """
    from cryptography.utils import CryptographyDeprecationWarning

    warnings.filterwarnings("ignore", message=DSA_MESSAGE, category=CryptographyDeprecationWarning, module=DSA_MODULE)


def main(argv: list[str] | None = None) -> None:
    quiet_known_warnings()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstt.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "serve":
        from kstt import serve

        serve.main(args[1:])
        return
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["kstt", *args])


if __name__ == "__main__":
    main()
