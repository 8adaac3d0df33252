"""``python -m kiki`` runs the command line."""

from kiki.cli.app import main

main()
