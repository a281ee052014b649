#!/usr/bin/env python
"""Developer entry point; the same as the `kstt` command."""

from kstt.cli import main

if __name__ == "__main__":
    main()
