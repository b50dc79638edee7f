"""The live gateway's client book and follow-up tasks (issue 15, scene 14). Reads ask the API;
what a scene last read it keeps itself for offline use (the cache has no generic place for
such lists, and a book is the associate's own: it lives in memory for the shift only). A
task's changes are commands of kind "task" through the one write path, so one tapped as the
Wi-Fi drops waits in the outbox and is done once (its Idempotency-Key was made at the tap)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from app.contracts.clienteling import (
    ClientBook,
    Colleague,
    TaskCreate,
    TaskHandOver,
    TaskList,
    TaskOut,
    TaskSnooze,
)
from app.tablet.gateway import Author, BookQuery, Submitted, checked
from app.tablet.gateway.live.base import LiveBase


class _NoBody(BaseModel):
    """POST /v1/tasks/{id}/done takes no body; the outbox stores one all the same."""


def book_params(query: BookQuery) -> dict[str, Any]:
    """The query string of GET /v1/client-book: only what is asked (None is "any")."""
    params: dict[str, Any] = {"sort": query.sort, "offset": query.offset, "limit": query.limit}
    if query.q.strip():
        params["q"] = query.q.strip()[:100]
    if query.tiers:
        params["tier"] = list(query.tiers)
    if query.birth_month is not None:
        params["birth_month"] = query.birth_month
    if query.back_in_stock is not None:
        params["back_in_stock"] = str(query.back_in_stock).lower()
    if query.not_visited_days is not None:
        params["not_visited_days"] = query.not_visited_days
    return params


class LiveClienteling(LiveBase):
    def client_book(self, query: BookQuery) -> ClientBook:
        return self._read(lambda: self.client.client_book(book_params(query)), lambda _: None)

    def tasks(self, scope: str) -> TaskList:
        return self._read(lambda: self.client.tasks(scope), lambda _: None)

    def colleagues(self) -> list[Colleague]:
        return self._read(lambda: self.client.colleagues().items, lambda _: None)

    def task_done(self, by: Author, task_id: int, *, key: str, label: str) -> Submitted:
        return self._task(by, f"/v1/tasks/{task_id}/done", _NoBody(), key, label)

    def snooze_task(
        self, by: Author, task_id: int, until: date, *, key: str, label: str
    ) -> Submitted:
        body = checked(lambda: TaskSnooze(until=until))
        return self._task(by, f"/v1/tasks/{task_id}/snooze", body, key, label)

    def hand_over_task(
        self, by: Author, task_id: int, associate_id: int, *, key: str, label: str
    ) -> Submitted:
        body = checked(lambda: TaskHandOver(associate_id=associate_id))
        return self._task(by, f"/v1/tasks/{task_id}/hand-over", body, key, label)

    def add_task(self, by: Author, body: TaskCreate, *, key: str, label: str) -> Submitted:
        request = checked(lambda: TaskCreate.model_validate(body.model_dump()))
        return self._task(by, "/v1/tasks", request, key, label, request.customer_id)

    def _task(
        self,
        by: Author,
        path: str,
        body: BaseModel,
        key: str,
        label: str,
        customer_id: int | None = None,
    ) -> Submitted:
        submitted = self._write(
            by, kind="task", path=path, body=body, key=key, customer_id=customer_id, label=label
        )
        if submitted.status == "sent":
            submitted.answer = TaskOut.model_validate(submitted.answer)
        return submitted
