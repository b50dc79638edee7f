"""The tablet's typed client for the central API. Requests and answers are the same pydantic
contracts the API is built from (app/contracts/), so the two cannot drift."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from app.contracts.auth import LoginRequest, LoginResponse, StaffList
from app.contracts.catalog import LocationOut, ProductDetail, ProductPage, ProductQuery
from app.contracts.clienteling import (
    AppointmentCreate,
    AppointmentDay,
    AppointmentOut,
    ClientBook,
    ColleagueList,
    TaskList,
)
from app.contracts.customers import (
    CodeProof,
    ConsentChallengeCreate,
    ConsentChallengeOut,
    Consents,
    ConsentUpdate,
    CustomerSearchResult,
    CustomerView,
    VisitProof,
)
from app.contracts.devices import (
    DeviceCredential,
    DeviceList,
    DeviceOut,
    EnrolmentCodeCreate,
    EnrolmentCodeOut,
    EnrolRequest,
)
from app.contracts.inventory import Availability, ProductStock
from app.contracts.looks import LookList, LookOut
from app.contracts.orders import OrderOut, PayLinkOut, PayLinkSend, PayLinkSent
from app.contracts.promotions import (
    CouponValidateRequest,
    CouponValidation,
    OfflineCouponPolicy,
    RedemptionCreate,
    RedemptionOut,
)
from app.contracts.recommendations import CustomerRecommendations, ProductRecommendations
from app.contracts.reports import StoreReport
from app.contracts.scan import QrKeys, ScanRequest, ScanResult
from app.contracts.sync import CatalogSnapshotPage, ChangePage, Health, StockSnapshotPage
from app.domain.consent import TEXT_VERSION
from app.tablet.client_store_side import StoreSideCalls
from app.tablet.problem import ApiProblem

M = TypeVar("M", bound=BaseModel)


_STANDARD_MEMBERS = frozenset({"type", "title", "status", "detail", "instance"})


class ReyonClient(StoreSideCalls):
    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        self._timeout = timeout
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)
        self.token: str | None = None
        # Told True before each request and False after it: the app shows progress while a
        # call runs, whichever screen made it; not for the background sync (quietly()).
        self.on_activity: Callable[[bool], None] | None = None
        self._quiet = threading.local()

    @contextlib.contextmanager
    def quietly(self) -> Iterator[None]:
        """Requests made in this thread meanwhile show no progress: work nobody waits for."""
        self._quiet.on = True
        try:
            yield
        finally:
            self._quiet.on = False

    def _tell(self, on: bool) -> None:
        if self.on_activity is not None and not getattr(self._quiet, "on", False):
            self.on_activity(on)

    @property
    def base_url(self) -> str:
        return str(self._http.base_url).rstrip("/")

    def set_base_url(self, base_url: str) -> None:
        """Point the tablet at another API (settings); a session there starts logged out."""
        self._http.close()
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=self._timeout)
        self.token = None

    def close(self) -> None:
        self._http.close()

    def _raw(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(kw.pop("headers", {}))
        self._tell(True)
        try:
            r = self._http.request(
                method, path, headers={**headers, "Content-Type": "application/json"}, **kw
            )
        except httpx.TransportError as exc:
            raise ApiProblem(0, "offline", "No connection to the server", str(exc)) from None
        finally:
            self._tell(False)
        if r.status_code >= 400:
            try:
                problem = r.json()
            except ValueError:
                problem = {}
            if not isinstance(problem, dict):
                problem = {}
            raise ApiProblem(
                r.status_code,
                str(problem.get("type", "")).rsplit("/", 1)[-1] or "http-error",
                str(problem.get("title", r.reason_phrase)),
                problem.get("detail"),
                {k: v for k, v in problem.items() if k not in _STANDARD_MEMBERS},
            )
        return r

    def _call(
        self, method: str, path: str, model: type[M], *, body: BaseModel | None = None, **kw: Any
    ) -> M:
        content = body.model_dump_json() if body is not None else None
        r = self._raw(method, path, content=content, **kw)
        try:
            return model.model_validate_json(r.content)
        except ValidationError:
            # A hotel-style Wi-Fi login page or a proxy's redirect answered, not the API: for
            # the tablet that is the same as no connection (and the cache takes over).
            raise ApiProblem(
                0, "offline", "No connection to the server", f"unexpected answer {r.status_code}"
            ) from None

    def login(
        self, store_code: str, associate_code: str, pin: str, device_id: str, device_secret: str
    ) -> LoginResponse:
        body = LoginRequest(
            store_code=store_code,
            associate_code=associate_code,
            pin=pin,
            device_id=device_id,
            device_secret=device_secret,
        )
        answer = self._call("POST", "/v1/auth/login", LoginResponse, body=body)
        self.token = answer.access_token
        return answer

    def log_out(self) -> None:
        """Ends the session on the server too; offline, the token is only forgotten here (it
        expires on its own)."""
        try:
            if self.token is not None:
                self._raw("POST", "/v1/auth/logout")
        except ApiProblem:
            pass
        finally:
            self.token = None

    def enrol(self, code: str, name: str | None = None) -> DeviceCredential:
        return self._call(
            "POST", "/v1/devices/enrol", DeviceCredential, body=EnrolRequest(code=code, name=name)
        )

    def enrolment_code(self) -> EnrolmentCodeOut:
        return self._call(
            "POST", "/v1/devices/enrolment-codes", EnrolmentCodeOut, body=EnrolmentCodeCreate()
        )

    def devices(self) -> DeviceList:
        return self._call("GET", "/v1/devices", DeviceList)

    def revoke_device(self, device_id: str) -> DeviceOut:
        return self._call("POST", f"/v1/devices/{device_id}/revoke", DeviceOut)

    def staff(self, store_id: int) -> StaffList:
        return self._call("GET", f"/v1/stores/{store_id}/staff", StaffList)

    def unlock_associate(self, associate_id: int) -> None:
        self._raw("POST", f"/v1/associates/{associate_id}/unlock")

    def set_associate_active(self, associate_id: int, *, active: bool) -> None:
        self._raw("POST", f"/v1/associates/{associate_id}/{'activate' if active else 'deactivate'}")

    def health(self) -> Health:
        return self._call("GET", "/v1/health", Health)

    def scan(self, payload: str) -> ScanResult:
        return self._call("POST", "/v1/scan", ScanResult, body=ScanRequest(payload=payload))

    def search_customers(self, **query: str) -> CustomerSearchResult:
        return self._call("GET", "/v1/customers", CustomerSearchResult, params=query)

    def customer(self, customer_id: int) -> CustomerView:
        return self._call("GET", f"/v1/customers/{customer_id}", CustomerView)

    def pay_link(self, order_id: int) -> PayLinkOut:
        return self._call("GET", f"/v1/orders/{order_id}/pay-link", PayLinkOut)

    def validate_coupon(self, request: CouponValidateRequest) -> CouponValidation:
        return self._call("POST", "/v1/coupons/validate", CouponValidation, body=request)

    def redeem(self, request: RedemptionCreate, *, key: str) -> RedemptionOut:
        return self._call(
            "POST", "/v1/redemptions", RedemptionOut, body=request, headers={"Idempotency-Key": key}
        )

    def void_redemption(self, redemption_id: int) -> RedemptionOut:
        return self._call("POST", f"/v1/redemptions/{redemption_id}/void", RedemptionOut)

    def search_products(self, query: ProductQuery) -> ProductPage:
        params = query.model_dump(exclude_none=True)
        return self._call("GET", "/v1/products", ProductPage, params=params)

    def product_stock(self, product_id: int, near: int | None = None) -> ProductStock:
        params = {"near": near} if near is not None else {}
        return self._call("GET", f"/v1/products/{product_id}/stock", ProductStock, params=params)

    def order(self, order_id: int) -> OrderOut:
        return self._call("GET", f"/v1/orders/{order_id}", OrderOut)

    def picture(self, url: str) -> bytes:
        """A product picture by the URL the contracts give it (relative to the API)."""
        r = self._raw("GET", url)
        if not r.headers.get("content-type", "").startswith("image/"):
            raise ApiProblem(0, "offline", "No connection to the server", "not a picture")
        return r.content

    def product(self, product_id: int) -> ProductDetail:
        return self._call("GET", f"/v1/products/{product_id}", ProductDetail)

    def product_recommendations(
        self, product_id: int, size: str | None = None
    ) -> ProductRecommendations:
        params = {"size": size} if size else {}
        return self._call(
            "GET",
            f"/v1/products/{product_id}/recommendations",
            ProductRecommendations,
            params=params,
        )

    def customer_recommendations(self, customer_id: int) -> CustomerRecommendations:
        return self._call(
            "GET", f"/v1/customers/{customer_id}/recommendations", CustomerRecommendations
        )

    def availability(self, sku: str, near: int | None = None) -> Availability:
        params = {"near": near} if near is not None else {}
        return self._call("GET", f"/v1/availability/{sku}", Availability, params=params)

    def store_report(self, first_day: date, last_day: date) -> StoreReport:
        params = {"first_day": first_day.isoformat(), "last_day": last_day.isoformat()}
        return self._call("GET", "/v1/reports/store", StoreReport, params=params)

    def send_consent_code(self, customer_id: int, channel: str, lang: str) -> ConsentChallengeOut:
        """A one-time code to the customer's phone or e-mail address on file."""
        return self._call(
            "POST",
            f"/v1/customers/{customer_id}/consent-challenges",
            ConsentChallengeOut,
            body=ConsentChallengeCreate.model_validate({"channel": channel, "lang": lang}),
        )

    def record_consent(
        self,
        customer_id: int,
        *,
        proof: CodeProof | VisitProof,
        clienteling: bool = True,
        text_version: str = TEXT_VERSION,
        channels: Sequence[str] = (),
    ) -> Consents:
        """Consent the customer gives (or withdraws) here, in the store, with their proof: the
        code they received, or their QR code scanned here a moment ago. `channels`: the message
        channels (email, sms, whatsapp) they also opt into; the others are left as they are."""
        also = {c: True for c in channels if c in ("email", "sms", "whatsapp")}
        return self._call(
            "POST",
            f"/v1/customers/{customer_id}/consent",
            Consents,
            body=ConsentUpdate.model_validate(
                {
                    "clienteling": clienteling,
                    "text_version": text_version,
                    "proof": proof.model_dump(),
                    **also,
                }
            ),
        )

    def send_pay_link(self, order_id: int, channel: str, lang: str = "tr") -> PayLinkSent:
        """The order's pay link to its customer's phone or e-mail address on file."""
        return self._call(
            "POST",
            f"/v1/orders/{order_id}/pay-link/send",
            PayLinkSent,
            body=PayLinkSend.model_validate({"channel": channel, "lang": lang}),
        )

    # -- looks sent to a client ------------------------------------------------------------

    def customer_looks(self, customer_id: int) -> LookList:
        return self._call("GET", f"/v1/customers/{customer_id}/looks", LookList)

    def look(self, look_id: int) -> LookOut:
        return self._call("GET", f"/v1/looks/{look_id}", LookOut)

    # -- the client book and follow-up tasks (their writes go through `send`) -----------

    def client_book(self, params: dict[str, Any]) -> ClientBook:
        return self._call("GET", "/v1/client-book", ClientBook, params=params)

    def tasks(self, scope: str) -> TaskList:
        return self._call("GET", "/v1/tasks", TaskList, params={"scope": scope})

    def colleagues(self) -> ColleagueList:
        return self._call("GET", "/v1/colleagues", ColleagueList)

    # -- appointments: the API's word now (the associate's time is held there) -------------

    def appointment_day(self, day: date) -> AppointmentDay:
        return self._call(
            "GET", "/v1/appointments", AppointmentDay, params={"day": day.isoformat()}
        )

    def book_appointment(self, body: AppointmentCreate, *, key: str) -> AppointmentOut:
        headers = {"Idempotency-Key": key}
        return self._call("POST", "/v1/appointments", AppointmentOut, body=body, headers=headers)

    def cancel_appointment(self, appointment_id: int, *, key: str) -> AppointmentOut:
        path = f"/v1/appointments/{appointment_id}/cancel"
        return self._call("POST", path, AppointmentOut, headers={"Idempotency-Key": key})

    # -- the offline cache's sync --------------------------------------------------------

    def locations(self) -> list[LocationOut]:
        r = self._raw("GET", "/v1/locations")
        return [LocationOut.model_validate(x) for x in r.json()]

    def snapshot_catalog(self, *, after: int, limit: int) -> CatalogSnapshotPage:
        return self._call(
            "GET",
            "/v1/sync/snapshot/catalog",
            CatalogSnapshotPage,
            params={"after": after, "limit": limit},
        )

    def snapshot_stock(self, locations: list[int], *, after: int, limit: int) -> StockSnapshotPage:
        params: list[tuple[str, int]] = [("location_id", x) for x in locations]
        params += [("after", after), ("limit", limit)]
        return self._call("GET", "/v1/sync/snapshot/stock", StockSnapshotPage, params=params)

    def changes(self, since: int, locations: list[int], *, limit: int) -> ChangePage:
        params: list[tuple[str, int]] = [("location_id", x) for x in locations]
        params += [("since", since), ("limit", limit)]
        return self._call("GET", "/v1/sync/changes", ChangePage, params=params)

    def send(self, method: str, path: str, body: str, *, key: str, token: str) -> tuple[int, Any]:
        """An outbox command as it was stored: its JSON body and Idempotency-Key, sent with the
        session of the associate who made it. The answer's status and JSON; problems raise
        ApiProblem like every other call."""
        headers = {"Idempotency-Key": key, "Authorization": f"Bearer {token}"}
        r = self._raw(method, path, content=body, headers=headers)
        return r.status_code, (r.json() if r.content else None)

    def offline_coupon_policy(self, store_id: int) -> OfflineCouponPolicy:
        return self._call(
            "GET", f"/v1/stores/{store_id}/offline-coupon-policy", OfflineCouponPolicy
        )

    def qr_keys(self) -> QrKeys:
        return self._call("GET", "/v1/qr/keys", QrKeys)
