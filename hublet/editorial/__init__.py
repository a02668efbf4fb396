"""Editorial tools behind the ``flask`` commands: importers, export, day-to-day switches."""
