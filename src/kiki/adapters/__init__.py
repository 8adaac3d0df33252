"""All I/O, by technology; only ``kiki.bootstrap`` and tests pick from here."""
