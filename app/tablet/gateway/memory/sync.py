"""The in-memory gateway's queue and sync: what waits or failed, dismissing, sending it."""

from __future__ import annotations

from app.tablet.gateway import Progress, QueuedWork
from app.tablet.gateway.memory.base import MemoryBase, utcnow
from app.tablet.problem import ApiProblem


class MemorySync(MemoryBase):
    @property
    def queued(self) -> int:
        return sum(w.status == "pending" for w in self._queue)

    @property
    def failed(self) -> int:
        return sum(w.status == "failed" for w in self._queue)

    def waiting(self) -> list[QueuedWork]:
        return [QueuedWork(id=w.id, kind=w.kind, label=w.label, associate_code=w.by.associate_code, customer_id=w.customer_id, status=w.status, error_kind=w.problem.kind if w.problem else None, error_detail=w.problem.detail if w.problem else None, created_at=w.created_at) for w in self._queue]  # fmt: skip

    def dismiss(self, command_id: int) -> None:
        self._queue = [w for w in self._queue if not (w.id == command_id and w.status == "failed")]  # fmt: skip

    def sync(self, store_id: int, *, till_rules: bool, progress: Progress | None = None) -> None:
        if not self.online:
            return  # never raises for a network that is gone
        for w in [w for w in self._queue if w.status == "pending"]:
            try:
                w.send()
            except ApiProblem as exc:
                w.status, w.problem = "failed", exc
            else:
                self._queue.remove(w)
        self._synced = True
        for cid in list(self._cached):  # the cached customers, as the API has them now
            try:
                self._cached[cid] = self._visible(cid)
            except ApiProblem:
                del self._cached[cid]
        if progress is not None:
            progress("done", len(self.products))
        self.last_sync = utcnow().isoformat()
