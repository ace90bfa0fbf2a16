"""Run the command line with ``python -m eventdesk``."""

from eventdesk.cli import main

main()
