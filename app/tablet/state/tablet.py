"""The tablet with no Flet in it: the session and one state object per scene, wired to the
one gateway they read and write through. Views read these and call their actions; this
object only builds them, moves between them and ends a session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from app.qr.images import decode_one
from app.tablet.gateway import Gateway
from app.tablet.state.appointments import AppointmentsScene
from app.tablet.state.basket import BasketScene
from app.tablet.state.client_book import ClientBookScene
from app.tablet.state.customer import CustomerScene
from app.tablet.state.enrolment import EnrolScene
from app.tablet.state.home import HomeScene
from app.tablet.state.login import LoginScene
from app.tablet.state.look import LookScene
from app.tablet.state.manager import ManagerScene
from app.tablet.state.order import OrderScene
from app.tablet.state.prepare import PrepareScene
from app.tablet.state.product import ProductScene
from app.tablet.state.returns import ReturnsScene
from app.tablet.state.returns_exchange import ExchangeScene
from app.tablet.state.session import Session, guard_actions
from app.tablet.state.settings import SettingsScene
from app.tablet.state.sync import SyncScene
from app.tablet.state.tasks import TasksScene
from app.tablet.state.team import TeamScene
from app.tablet.state.till import TillScene
from app.tablet.state.transfers import TransfersScene


class Tablet:
    def __init__(
        self,
        gateway: Gateway,
        *,
        device_id: str = "",
        device_secret: str = "",
        lang: str = "tr",
        remember: Callable[[str, str], None] | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.gateway = gateway
        self.session = Session(device_id=device_id, device_secret=device_secret, lang=lang)
        if remember is not None:
            self.session.remember = remember
        if today is not None:
            self.session.today = today
        self.session.end = self.log_out
        if not self.session.enrolled:
            self.session.screen = "enrol"
        g, s = gateway, self.session
        # Kept across log-outs: the store code typed here, the API address.
        self.login = LoginScene(g, s)
        self.enrolment = EnrolScene(g, s, login=self.login)
        self.settings = SettingsScene(g, s)
        self._new_shift()

    def _new_shift(self) -> None:
        """The scenes that hold what one associate did with their customers: made new at every
        log-out, so nothing of one session's customers is left for the next on a shared
        tablet."""
        g, s = self.gateway, self.session
        self.customer = CustomerScene(g, s)
        self.basket = BasketScene(g, s, customer=self.customer)
        self.transfers = TransfersScene(g, s)
        self.product = ProductScene(
            g, s, customer=self.customer, basket=self.basket, transfers=self.transfers
        )
        self.till = TillScene(g, s, customer=self.customer)
        self.home = HomeScene(g, s, customer=self.customer, product=self.product, till=self.till)
        self.customer.consented = self.home.forget_results
        self.look = LookScene(g, s, customer=self.customer)
        # The customer's looks are read as they are opened: the customer scene lists them.
        self.customer.opened = self.look.load_history
        self.order = OrderScene(g, s)
        self.prepare = PrepareScene(g, s)
        self.returns = ReturnsScene(g, s)
        self.exchange = ExchangeScene(g, s, returns=self.returns)
        self.manager = ManagerScene(g, s)
        self.team = TeamScene(g, s)
        self.sync = SyncScene(g, s, customer=self.customer)
        self.client_book = ClientBookScene(g, s, customer=self.customer)
        self.tasks = TasksScene(g, s, customer=self.customer)
        self.appointments = AppointmentsScene(g, s, customer=self.customer)
        # The home scene's "Today" card: read as the associate logs in.
        self.login.signed_in = self._load_today

    def _load_today(self) -> None:
        """What the home scene's "Today" card lists: tasks due and today's appointments."""
        self.tasks.load_today()
        self.appointments.load_today()

    # What every view reads first.
    @property
    def lang(self) -> str:
        return self.session.lang

    @property
    def screen(self) -> str:
        return self.session.screen

    def picture(self, url: str) -> bytes | None:
        """A product picture for a view: kept on the tablet once shown; None (the view draws
        a placeholder) when it is neither kept nor reachable now."""
        return self.gateway.picture(url)

    def set_language(self, lang: str) -> None:
        self.session.lang = lang if lang in ("tr", "en") else "tr"
        self.session.remember("lang", self.session.lang)
        self.session.changed()

    def go_home(self) -> None:
        self.session.show("home" if self.session.who else "login")
        self.session.say(None)
        if self.session.who is not None:
            self._load_today()  # the "Today" card as it is now
        self.session.changed()

    def log_out(self) -> None:
        self.gateway.log_out()
        s = self.session
        s.who, s.offline_session = None, False
        s.show("login")
        s.say(None)  # the last person's messages are not the next one's
        self.login.forget()
        self._new_shift()
        s.changed()

    # -- a code read off the camera or a photo: the till takes it at the till -------------

    @staticmethod
    def read_code(image: bytes) -> str | None:
        """The code in a camera frame or a photo (QR, EAN-13 or Code 128), if one is readable."""
        try:
            found = decode_one(image)
        except ValueError:
            return None  # not a picture at all
        return found.text if found is not None else None

    def take_code(self, text: str) -> None:
        if self.session.screen == "till":
            self.till.scan(text)
        elif self.session.screen == "prepare":
            self.prepare.scan(text)
        elif self.session.screen == "transfers":
            self.transfers.scan(text)
        elif self.session.screen == "returns":
            self.returns.scan(text)
        elif self.session.screen == "look":
            self.look.scan(text)
        else:
            self.home.submit_scan(text)

    def scan_image(self, image: bytes) -> bool:
        text = self.read_code(image)
        if text is None:
            return False
        self.take_code(text)
        return True

    def image_without_code(self) -> None:
        self.session.say("no_code_in_image", error=True)
        self.session.changed()


guard_actions(Tablet)
