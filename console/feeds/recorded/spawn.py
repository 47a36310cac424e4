"""The parent's side of a reading child: starting it, taking its messages, stopping it.

The child is a plain ``python -c`` process (``console.feeds.recorded.child``)
writing pickled messages on its standard output, so it never imports the
caller's main module.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator

from console.feeds.recorded.ahead import _ahead

PROCESS_MESSAGES_AHEAD = 8
_CHILD_CODE = ("import sys, json; sys.path[:0] = json.loads(sys.argv[1]); "
               "from console.feeds.recorded.child import _child_main; _child_main()")


def start_child(settings: dict):
    """Start a reading child for ``settings`` (see ``child._read_in_child``): (process, messages, error file)."""
    # A file, not a pipe: a chatty child never blocks on it. Closed by stop_child.
    errors = tempfile.TemporaryFile()  # noqa: SIM115
    child = subprocess.Popen([sys.executable, "-c", _CHILD_CODE, json.dumps(sys.path), json.dumps(settings)],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)
    return child, _ahead(messages_from(child), depth=PROCESS_MESSAGES_AHEAD), errors


def stop_child(child, messages, errors) -> None:
    messages.close()
    if child.poll() is None:
        child.kill()
    child.wait(5)
    child.stdout.close()
    errors.close()


def messages_from(child) -> Iterator[tuple[str, object]]:
    """The pickled messages a reading child writes on its standard output, until it closes it."""
    import pickle

    while True:
        try:
            yield pickle.load(child.stdout)
        except EOFError:
            return
