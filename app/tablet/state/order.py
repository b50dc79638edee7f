"""An order opened from the customer's history or just placed: its lines with where each
ships from and until when it is held, where it goes and when, its status history, and the
amount with discount and KDV. The associate goes back to where they came from."""

from __future__ import annotations

from dataclasses import dataclass

from app.contracts.media import product_image_url
from app.contracts.orders import OrderLineOut, OrderOut, StatusEventOut
from app.tablet.problem import ApiProblem
from app.tablet.state.session import Scene


@dataclass
class OrderScene(Scene):
    order: OrderOut | None = None
    back_to: str = "customer"  # the scene the associate came from

    def open(self, order_id: int) -> None:
        if self.session.screen == "order" and self.order is not None and self.order.id == order_id:
            return  # a second tap on the same order while it opened
        try:
            order = self.gateway.order(order_id)
        except ApiProblem as exc:
            if exc.offline or exc.status == 404:
                self.session.say("order_offline" if exc.offline else "order_not_found", error=True)
                self.session.changed()
            else:
                self.refused(exc)
            return
        if self.session.screen != "order":
            self.back_to = self.session.screen
        self.order = order
        self.session.show("order")
        self.session.say(None)
        self.session.changed()

    def back(self) -> None:
        self.session.show(self.back_to)
        self.session.say(None)
        self.session.changed()

    # -- what the view reads ---------------------------------------------------------------

    @property
    def history(self) -> list[StatusEventOut]:
        """The status changes, the latest first (a timeline reads down into the past)."""
        if self.order is None:
            return []
        return sorted(self.order.history, key=lambda h: h.at, reverse=True)

    def picture_url(self, line: OrderLineOut) -> str | None:
        """The product's picture in the line's colour; None for a line from before the API
        named its product (a placeholder)."""
        if line.product_id is None:
            return None
        return product_image_url(line.product_id, line.colour, "thumb")
