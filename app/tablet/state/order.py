"""An order opened from the customer's history or just placed: its lines with where each
ships from, its status history, where it goes."""

from __future__ import annotations

from dataclasses import dataclass

from app.contracts.orders import OrderOut
from app.tablet.problem import ApiProblem
from app.tablet.state.session import Scene


@dataclass
class OrderScene(Scene):
    order: OrderOut | None = None
    back_to: str = "customer"  # the scene the associate came from

    def open(self, order_id: int) -> None:
        try:
            self.order = self.gateway.order(order_id)
        except ApiProblem as exc:
            self.refused(exc)
            return
        self.back_to = self.session.screen if self.session.screen != "order" else self.back_to
        self.session.show("order")
        self.session.say(None)
        self.session.changed()

    def back(self) -> None:
        self.session.show(self.back_to)
        self.session.changed()
