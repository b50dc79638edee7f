"""Scene 14, the client book and follow-up tasks, driven through their actions over the in-memory
gateway: the book filters (tier, birthday, back in stock, not seen for 90 days), searches, sorts
and pages, and a row opens the customer through the customer scene; offline it shows the book
of this shift as of when it was read. Tasks: today's on the home card, done (a double tap acts
once, a second device's done is refused in words), snoozed to a day from buttons, handed over
to a colleague, made by hand for the customer being served; offline a change waits in the queue
and leaves the list; the manager sees each associate's counts."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from app.domain.clienteling import TaskStatus
from app.tablet.gateway import BookQuery
from app.tablet.gateway.memory import MemoryGateway
from app.tablet.i18n import t as words
from app.tablet.state.client_book import PAGE
from app.tablet.state.tablet import Tablet
from tests.unit.conftest import TODAY, demo_tablet
from tests.unit.test_scenes import log_in, notice, open_elif


@pytest.fixture
def tablet(gw: MemoryGateway) -> Tablet:
    t = demo_tablet(gw, "en")
    log_in(t)  # Ayşe at IST01
    return t


def _names(t: Tablet) -> list[str]:
    return [f"{r.first_name} {r.last_name}" for r in t.client_book.rows]


# -- the client book ------------------------------------------------------------------------


def test_the_book_lists_my_clients_latest_visit_first(tablet: Tablet, gw: MemoryGateway) -> None:
    tablet.client_book.show()
    book = tablet.client_book
    assert tablet.screen == "client_book"
    assert book.total == len(gw.book[1]) == 13
    visits = [r.last_visit_at for r in book.rows if r.last_visit_at is not None]
    assert visits == sorted(visits, reverse=True)
    assert book.rows[-1].last_visit_at is None  # never seen in a store: last
    assert _names(tablet)[0] == "Kaan Erdem"  # in yesterday
    # Open tasks show on the row: Elif has one, after her purchase.
    elif_row = next(r for r in book.rows if r.id == 1)
    assert elif_row.open_tasks == 1


def test_filters_combine_and_search_by_name_or_phone(tablet: Tablet, gw: MemoryGateway) -> None:
    book = tablet.client_book
    book.show()
    book.toggle_tier("gold")
    assert book.rows and all(r.tier == "gold" for r in book.rows)
    gold = book.total
    book.toggle_flag("back_in_stock")
    assert book.total < gold and all(r.back_in_stock_here and r.tier == "gold" for r in book.rows)
    book.toggle_tier("gold")
    book.toggle_flag("back_in_stock")
    book.toggle_flag("lapsed")
    assert {r.first_name for r in book.rows} == {"Ozan", "Irmak", "Ece", "Cem"}
    book.toggle_flag("lapsed")
    book.toggle_flag("birthday")
    born_now = {c.id for c in gw.book[1] if c.birth_date and c.birth_date.month == TODAY.month}
    assert {r.id for r in book.rows} == born_now
    book.toggle_flag("birthday")
    book.search("ipek")  # Turkish-folded: İpek
    assert _names(tablet) == ["İpek Arslan"]
    book.search("0000205")  # phone digits
    assert _names(tablet) == ["İpek Arslan"]
    book.search("")
    assert book.total == 13


def test_sort_by_spend_and_by_name(tablet: Tablet) -> None:
    book = tablet.client_book
    book.show()
    book.set_sort("spend")
    spend = [r.spend_12m_kurus for r in book.rows]
    assert spend == sorted(spend, reverse=True) and book.rows[0].first_name == "Zehra"
    book.set_sort("name")
    names = _names(tablet)
    # Turkish order: Irmak (ı) before İpek (i).
    assert names.index("Irmak Yıldız") < names.index("İpek Arslan")
    assert names[0] == "Burak Şahin"


def test_more_pages_on_without_repeating_a_client(
    tablet: Tablet, gw: MemoryGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.tablet.state.client_book.PAGE", 5)
    book = tablet.client_book
    book.show()
    assert len(book.rows) == 5 and book.more
    book.load_more()
    book.load_more()
    assert len(book.rows) == 13 and not book.more
    assert len({r.id for r in book.rows}) == 13
    assert PAGE == 25  # the module's own page, untouched outside this test


def test_a_row_opens_the_customer_through_the_customer_scene(tablet: Tablet) -> None:
    tablet.client_book.show()
    tablet.client_book.open_client(205)
    assert tablet.screen == "customer"
    assert tablet.customer.customer_id == 205
    assert tablet.customer.recent[0].id == 205


def test_a_client_without_consent_is_not_shown_by_a_row(tablet: Tablet, gw: MemoryGateway) -> None:
    """The book is the API's word, but the customer is opened through the usual way in: one
    whose consent went meanwhile stays masked behind the consent panel."""
    tablet.client_book.show()
    view = gw.customers[205]
    view.profile.consents.clienteling.given = False
    tablet.client_book.open_client(205)
    assert tablet.customer.view is None
    assert notice(tablet) == "consent_needed"


def test_offline_the_book_of_this_shift_is_shown_as_of_when_it_was_read(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    book = tablet.client_book
    book.show()
    gw.online = False
    book.toggle_tier("gold")
    assert book.offline and book.as_of is not None
    assert book.rows and all(r.tier == "gold" for r in book.rows)
    book.set_sort("name")
    assert _names(tablet) == sorted(_names(tablet), key=lambda n: n.replace("İ", "I"))
    assert not book.more  # everything kept is on screen
    gw.online = True
    book.toggle_tier("gold")
    assert not book.offline and book.total == 13


def test_offline_with_nothing_read_yet_says_offline(tablet: Tablet, gw: MemoryGateway) -> None:
    gw.online = False
    tablet.client_book.show()
    assert notice(tablet) == "offline" and tablet.client_book.rows == []


def test_the_book_is_gone_at_log_out(tablet: Tablet) -> None:
    tablet.client_book.show()
    tablet.log_out()
    assert tablet.client_book.rows == [] and tablet.tasks.today_items == []


def test_gateway_book_query_pages(gw: MemoryGateway, tablet: Tablet) -> None:
    page = gw.client_book(BookQuery(sort="name", offset=10, limit=5))
    assert page.total == 13 and len(page.items) == 3 and page.offset == 10


# -- tasks ----------------------------------------------------------------------------------


def test_home_shows_todays_and_overdue_tasks_after_log_in(tablet: Tablet) -> None:
    rows = tablet.tasks.home_rows
    assert {r.kind for r in rows} == {"after_purchase", "birthday", "back_in_stock"}
    assert tablet.tasks.today_count == 3
    overdue = next(r for r in rows if r.kind == "birthday")
    assert overdue.overdue and overdue.customer_name == "Deniz Aydın"
    tablet.tasks.open_customer(overdue.customer_id)
    assert tablet.screen == "customer" and tablet.customer.customer_id == 201


def test_the_three_tabs(tablet: Tablet) -> None:
    tasks = tablet.tasks
    tasks.show()
    assert tablet.screen == "tasks" and len(tasks.items) == 3
    tasks.load("open")
    assert {x.kind for x in tasks.items} == {
        "after_purchase",
        "birthday",
        "back_in_stock",
        "lapsed",
    }
    tasks.load("overdue")
    assert [x.kind for x in tasks.items] == ["birthday"]


def test_done_leaves_the_list_and_a_double_tap_acts_once(tablet: Tablet, gw: MemoryGateway) -> None:
    tasks = tablet.tasks
    tasks.show()
    task = tasks.items[0]
    sent: list[str] = []
    real = gw.task_done

    def counted(*a: object, **kw: object):  # type: ignore[no-untyped-def]
        sent.append(str(kw["key"]))
        return real(*a, **kw)  # type: ignore[arg-type]

    gw.task_done = counted  # type: ignore[method-assign]
    tasks.done(task.id)
    tasks.done(task.id)  # the second tap finds it gone
    assert len(sent) == 1
    assert task.id not in {x.id for x in tasks.items}
    assert task.id not in {x.id for x in tasks.home_rows}
    assert gw.follow_ups[task.id].status is TaskStatus.DONE
    assert tablet.session.toast is not None and tablet.session.toast.key == "task_done"


def test_two_taps_at_once_act_once(tablet: Tablet, gw: MemoryGateway) -> None:
    tasks = tablet.tasks
    tasks.show()
    task = tasks.items[0]
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []
    real = gw.task_done

    def slow(*a: object, **kw: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        started.set()
        release.wait(5)
        return real(*a, **kw)  # type: ignore[arg-type]

    gw.task_done = slow  # type: ignore[method-assign]
    first = threading.Thread(target=tasks.done, args=(task.id,))
    first.start()
    assert started.wait(5)
    tasks.done(task.id)  # while the first is on its way
    release.set()
    first.join(5)
    assert calls == [1]


def test_done_on_another_tablet_first_is_refused_in_words(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    tasks = tablet.tasks
    tasks.show()
    task = tasks.items[0]
    gw.follow_ups[task.id].status = TaskStatus.DONE  # a colleague's tablet, a moment ago
    tasks.done(task.id)
    assert notice(tablet) == "problem"
    assert tablet.session.notice is not None
    text = str(tablet.session.notice.values["text"])
    assert text and "task-already-done" not in text
    assert task.id not in {x.id for x in tasks.items}  # the list as it is now


def test_snooze_to_tomorrow_or_next_week(tablet: Tablet, gw: MemoryGateway) -> None:
    tasks = tablet.tasks
    tasks.show()
    first, second = tasks.items[0].id, tasks.items[1].id
    tasks.open_panel("snooze", first)
    assert tasks.panel == ("snooze", first)
    tasks.snooze(first, 1)
    tasks.snooze(second, 7)
    today = tasks.today
    assert gw.follow_ups[first].snoozed_until == today + timedelta(days=1)
    assert gw.follow_ups[second].snoozed_until == today + timedelta(days=7)
    assert {first, second}.isdisjoint({x.id for x in tasks.items})
    tasks.snooze(tasks.items[0].id, 3)  # no such button: nothing happens
    assert len(tasks.items) == 1
    tasks.load("open")
    snoozed = next(x for x in tasks.items if x.id == first)
    assert snoozed.status == "snoozed" and snoozed.due == today + timedelta(days=1)


def test_hand_over_to_a_colleague_of_this_store(tablet: Tablet, gw: MemoryGateway) -> None:
    tasks = tablet.tasks
    tasks.show()
    task = tasks.items[0]
    tasks.open_panel("hand_over", task.id)
    names = [c.name for c in tasks.hand_over_choices(task)]
    assert names == ["Kemal Öz", "Mert Ak"]  # not Ayşe herself, not Zeynep of IST02
    kemal = next(c for c in tasks.colleagues if c.name == "Kemal Öz")
    tasks.hand_over(task.id, kemal.id)
    assert gw.follow_ups[task.id].associate_id == kemal.id
    assert gw.follow_ups[task.id].handed_from == 1
    assert task.id not in {x.id for x in tasks.items}
    assert tablet.session.toast is not None and tablet.session.toast.values == {"name": "Kemal Öz"}


def test_hand_over_to_someone_of_another_store_is_refused(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    tasks = tablet.tasks
    tasks.show()
    task = tasks.items[0]
    tasks.hand_over(task.id, 4)  # Zeynep, IST02
    assert notice(tablet) == "problem"
    assert gw.follow_ups[task.id].associate_id == 1


def test_a_new_task_for_the_customer_being_served(tablet: Tablet, gw: MemoryGateway) -> None:
    open_elif(tablet)
    tasks = tablet.tasks
    tasks.show("open")
    assert tasks.serving == (1, "Elif Yılmaz")
    tasks.start_new()
    tasks.set_new_due(7)
    tasks.save_new("Ask how the shirt fits")
    tasks.save_new("Ask how the shirt fits")  # a second tap: the form is closed already
    made = [x for x in gw.follow_ups.values() if x.kind == "manual"]
    assert len(made) == 1 and made[0].note == "Ask how the shirt fits"
    assert made[0].due_on == tasks.today + timedelta(days=7)
    assert any(x.id == made[0].id for x in tasks.items)
    assert tablet.session.toast is not None and tablet.session.toast.key == "task_added"


def test_offline_a_change_waits_in_the_queue_and_leaves_the_list(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    tasks = tablet.tasks
    tasks.show()
    task = tasks.items[0]
    gw.online = False
    tasks.load("today")
    assert tasks.offline and tasks.as_of is not None and len(tasks.items) == 3
    tasks.done(task.id)
    assert notice(tablet) == "task_queued"
    assert task.id not in {x.id for x in tasks.items}
    assert gw.follow_ups[task.id].status is TaskStatus.OPEN
    assert [w.kind for w in gw.waiting()] == ["task"]
    tasks.load("today")  # still offline: what was changed here stays off the list
    assert task.id not in {x.id for x in tasks.items}
    gw.online = True
    gw.sync(1, till_rules=False)
    assert gw.follow_ups[task.id].status is TaskStatus.DONE
    tasks.load("today")
    assert not tasks.offline and task.id not in {x.id for x in tasks.items}


def test_the_manager_sees_each_associates_counts(gw: MemoryGateway) -> None:
    t = demo_tablet(gw, "en")
    log_in(t, "mert", "3456")
    t.manager.show()
    team = t.manager.team_tasks
    assert team is not None
    ayse = next(c for c in team if c.name == "Ayşe Kaya")
    assert (ayse.open, ayse.overdue) == (4, 1)
    unheld = next(c for c in team if c.associate_id is None)
    assert unheld.open == 1
    # And the manager's own list holds the task nobody holds.
    t.tasks.show()
    assert [x.kind for x in t.tasks.items] == ["abandoned_cart"]


def test_every_word_in_both_languages() -> None:
    from app.tablet.i18n import words_clienteling

    assert words_clienteling.TR.keys() == words_clienteling.EN.keys()
    for key in ("task_kind_after_purchase", "book_offline", "home_today"):
        assert words("tr", key) != words("en", key)


# -- the views, built as the app builds them -------------------------------------------------


@pytest.mark.parametrize("lang", ["tr", "en"])
def test_the_views_build_in_both_languages(gw: MemoryGateway, lang: str) -> None:
    from app.tablet.views import client_book, home, manager, tasks
    from tests.unit.test_scene_store_side import tagged, texts

    t = demo_tablet(gw, lang)
    log_in(t)
    marks = tagged(home.build(t))
    assert "today-card" in marks and "today-count" in marks
    assert words(lang, "home_today") in texts(home.build(t))
    t.client_book.show()
    t.client_book.toggle_flag("back_in_stock")
    marks = tagged(client_book.build(t))
    assert "client-201" in marks and "client-201-back" in marks and "book-flag-lapsed" in marks
    open_elif(t)
    t.tasks.show()
    t.tasks.start_new()
    first = t.tasks.items[0].id
    t.tasks.open_panel("hand_over", first)
    marks = tagged(tasks.build(t))
    assert {f"task-{first}-done", "task-new-panel", "tasks-scope-overdue"} <= marks.keys()
    assert any(k.startswith(f"task-{first}-to-") for k in marks)
    t.log_out()
    log_in(t, "mert", "3456")
    t.manager.show()
    marks = tagged(manager.build(t))
    assert "team-tasks-table" in marks and "outreach-table" in marks
    table = marks["team-tasks-table"].controls[0]  # type: ignore[attr-defined]
    names = [row.cells[0].content.value for row in table.rows]
    assert "Ayşe Kaya" in names and words(lang, "task_unheld") in names
