"""Several consoles on one alarm state: a shared PostgreSQL journal and one alarm service.

The alarm service (``console serve --journal postgresql://...``) is the only
writer of the alarm tables: it runs the rules and the book, writes every
transition and operator action as an event with a gap-free sequence number, and
applies the consoles' commands (``commands``). Consoles read events by sequence
after the last one they have (``client``), woken by LISTEN/NOTIFY and polling as
a backstop, and queue their operators' actions in a local outbox.

``url`` connects (and says clearly why it could not), ``schema`` holds the
tables and their version, ``writer`` turns the book's records into rows,
``actions`` applies a command to the book, ``restore`` rebuilds a book on
takeover, ``service`` is the active/standby loop (``serve``: the command's
branch), ``outbox`` the console's queue, ``mirror`` the console's copy of the
state, ``client`` its threads, ``view`` the table and book a window's views read,
and ``cli`` the shell's ``alarms`` and ``act`` (``python -m console.shared``).
No Qt here; the window's link is ``console/ui/shared_link.py``.
"""

from console.shared.url import SharedStateError, is_postgres_url

__all__ = ["SharedStateError", "is_postgres_url"]
