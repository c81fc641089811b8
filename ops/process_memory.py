"""What each process keeps in memory between requests, listed in one place and forgotten by one call.

Several modules keep answers for the process's life, because asking again on every request would cost a query
or a round trip: the content generation read last, the site's structure, pages served last, the milestones
recorded, Redis breakers and rate-limit counters when Redis is away, webhook endpoints. Each registers here how
to forget what it keeps (`register`); `forget_all` forgets all of it at once. Tests call it between tests, so
that no test sees what another left in memory; nothing in production needs to (each kept thing knows when it
is out of date).
"""

import threading

_forgetters = {}
_lock = threading.Lock()


def register(name, forget):
    """Name something this process keeps, with the function (no arguments) that forgets it. Registering a
    name again replaces its function (a module reloaded)."""
    with _lock:
        _forgetters[name] = forget


def remembered(name, kept):
    """Register `kept` (a dict or anything with a `clear()` method) under `name`, and return it."""
    register(name, kept.clear)
    return kept


def names():
    """The names of everything registered, sorted."""
    return sorted(_forgetters)


def forget_all():
    """Forget everything every module keeps in this process's memory."""
    with _lock:
        forgetters = list(_forgetters.values())
    for forget in forgetters:
        forget()
