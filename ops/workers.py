"""gunicorn's threaded worker, taking a new connection only while it has a thread free for it.

All workers accept from one shared socket. gunicorn's own threaded worker accepts whenever it wakes first, up
to `worker_connections` (1,000), so a few long-lived connections (a load balancer's or a proxy's kept-alive
upstream connections, a load generator's) can all land on one worker, which then serves them from one core
under Python's global lock while the other cores idle: `make bench` saw runs at 40-60 % of their rate with
the cores 40 % idle, 3 in 24 runs. This worker stops accepting while all its threads are busy, so a new
connection waits in the kernel's queue until some worker has a thread for it: 16 runs with it had 4
connections on each worker and no such dip (bench/README).
"""

from gunicorn.workers.gthread import ThreadWorker


class BalancedThreadWorker(ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.busy = 0  # requests handed to the thread pool and not finished; only the main loop changes it

    def enqueue_req(self, conn):
        self.busy += 1
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        self.busy -= 1
        super().finish_request(conn, fs)
        self.accept_while_idle()

    def accept(self, listener):
        super().accept(listener)
        self.accept_while_idle()

    def set_accept_enabled(self, enabled):
        super().set_accept_enabled(enabled and self.busy < self.cfg.threads)

    def accept_while_idle(self):
        if self.alive:
            self.set_accept_enabled(self.nr_conns < self.worker_connections)
