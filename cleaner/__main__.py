"""Run the command line as ``python -m cleaner``."""

from cleaner.cli import main

main()
