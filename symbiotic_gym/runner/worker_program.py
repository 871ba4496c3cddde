"""The worker program: ``python -m symbiotic_gym.runner.worker_program FD`` (started by
:func:`symbiotic_gym.runner.worker.start_worker`, never by hand)."""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection

from symbiotic_gym.runner.worker import output_to


def main(argv: list[str] | None = None) -> None:
    """The worker program: read the spec from the inherited connection, then serve episodes."""
    from symbiotic_gym.runner.pool import worker_main

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].isdigit():
        sys.exit("usage: python -m symbiotic_gym.runner.worker_program FD (started by the run's process pool)")
    conn = Connection(int(args[0]))
    try:
        spec = conn.recv()
    except (EOFError, OSError):
        return  # the parent went away before handing over the spec
    output_to(spec.get("log_file"))
    worker_main(conn, spec)


if __name__ == "__main__":
    main()
