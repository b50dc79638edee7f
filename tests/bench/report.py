"""The results: a table on the console, bench-results/latest.json and bench-results/latest.md."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.server import ROOT

RESULTS_DIR = ROOT / "bench-results"
KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    value: Callable[[dict[str, Any]], Any]
    target: tuple[str, float] | None = None

    def met(self, value: Any) -> bool | None:
        if self.target is None or not isinstance(value, int | float):
            return None
        op, limit = self.target
        return value <= limit if op == "<=" else value >= limit


def _status_count(r: dict[str, Any], status: str) -> int:
    return int(r["orders"]["statuses"].get(status, 0))


METRICS = [
    Metric("seed_s", "seed the bench data set (s)", lambda r: r["seed"]["seconds"], ("<=", 120)),
    Metric(
        "availability_server_p50_ms",
        "availability, 1 SKU × 200 locations: server p50 (ms)",
        lambda r: r["availability"]["server_p50_ms"],
    ),
    Metric(
        "availability_server_p95_ms",
        "availability, 1 SKU × 200 locations: server p95 (ms)",
        lambda r: r["availability"]["server_p95_ms"],
        ("<=", 5),
    ),
    Metric(
        "availability_client_p50_ms",
        "availability: client-observed p50 (ms)",
        lambda r: r["availability"]["client_p50_ms"],
    ),
    Metric(
        "availability_client_p95_ms",
        "availability: client-observed p95 (ms)",
        lambda r: r["availability"]["client_p95_ms"],
    ),
    Metric(
        "session_remembered_server_p50_ms",
        "availability, session check remembered 5 s: server p50 of 5 rounds (ms)",
        lambda r: r["session_gate"]["remembered"]["server_p50_ms"],
    ),
    Metric(
        "session_every_request_server_p50_ms",
        "availability, session asked of the database every request: server p50 (ms)",
        lambda r: r["session_gate"]["every_request"]["server_p50_ms"],
    ),
    Metric(
        "session_every_request_vs_remembered",
        "asking every request ÷ remembering (server p50)",
        lambda r: r["session_gate"]["every_request_vs_remembered"],
    ),
    Metric(
        "customer_view_server_p50_ms",
        "single customer view, 200 orders: server p50 (ms)",
        lambda r: r["customer_view"]["server_p50_ms"],
    ),
    Metric(
        "customer_view_server_p95_ms",
        "single customer view, 200 orders: server p95 (ms)",
        lambda r: r["customer_view"]["server_p95_ms"],
        ("<=", 30),
    ),
    Metric(
        "customer_view_client_p95_ms",
        "single customer view: client-observed p95 (ms)",
        lambda r: r["customer_view"]["client_p95_ms"],
    ),
    Metric("bare_rps", "bare FastAPI endpoint (req/s)", lambda r: r["bare_throughput"]["rps"]),
    Metric(
        "availability_rps",
        "availability endpoint (req/s)",
        lambda r: r["availability_throughput"]["rps"],
    ),
    Metric(
        "availability_vs_bare",
        "availability ÷ bare throughput",
        lambda r: r["availability_vs_bare_ratio"],
        (">=", 0.5),
    ),
    Metric(
        "availability_loaded_server_p95_ms",
        "availability under load: server p95 (ms)",
        lambda r: r["availability_throughput"]["server_p95_ms"],
    ),
    Metric(
        "orders_per_s",
        "orders placed with reservation (orders/s)",
        lambda r: r["orders"]["rps"],
        (">=", 200),
    ),
    Metric(
        "orders_p50_ms", "order placement: client p50 (ms)", lambda r: r["orders"]["client_p50_ms"]
    ),
    Metric(
        "orders_p95_ms", "order placement: client p95 (ms)", lambda r: r["orders"]["client_p95_ms"]
    ),
    Metric(
        "orders_server_p50_ms",
        "order placement: server p50 (ms)",
        lambda r: r["orders"]["server_p50_ms"],
    ),
    Metric(
        "order_alone_server_p50_ms",
        "one order at a time: server p50 (ms)",
        lambda r: r["order_alone"]["server_p50_ms"],
    ),
    Metric(
        "orders_non_201",
        "order responses other than 201 (of which 409)",
        lambda r: f"{r['orders']['not_ok']} ({_status_count(r, '409')})",
    ),
]


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return str(value)


def _target(metric: Metric) -> str:
    if metric.target is None:
        return ""
    op, limit = metric.target
    return f"{'≤' if op == '<=' else '≥'} {limit:g}"


def _met(metric: Metric, verdicts: dict[str, bool | None]) -> str:
    known = {k: v for k, v in verdicts.items() if v is not None}
    if not known:
        return ""
    if len(set(known.values())) == 1:
        return "yes" if next(iter(known.values())) else "**no**"
    return ", ".join(f"{KINDS[k]} {'yes' if v else '**no**'}" for k, v in known.items())


def table(results: dict[str, Any]) -> list[list[str]]:
    dbs = results["databases"]
    rows = [["metric", *KINDS.values(), "target", "met?"]]
    for metric in METRICS:
        cells, verdicts = [], {}
        for kind in KINDS:
            r = dbs.get(kind)
            if r is None or "skipped" in r:
                cells.append("skipped" if r else "not run")
                continue
            try:
                value = metric.value(r)
            except (KeyError, TypeError):
                value = None
            cells.append(_cell(value))
            verdicts[kind] = metric.met(value)
        rows.append([metric.label, *cells, _target(metric), _met(metric, verdicts)])
    return rows


def _notes(results: dict[str, Any]) -> list[str]:
    m, s = results["machine"], results["settings"]
    notes = [
        f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores), {m['os']}, "
        f"Python {m['python']}.",
        f"Load generator on the same machine, competing with the server for the 2 cores: "
        f"{s['processes']} processes × {s['threads']} threads = {s['connections']} keep-alive "
        f"httpx connections; throughput runs {s['duration_s']:g} s after {s['warmup_s']:g} s "
        f"of warm-up; latency samples one request at a time ({s['samples']} per metric).",
    ]
    for kind, name in KINDS.items():
        r = results["databases"].get(kind)
        if r is None:
            continue
        if "skipped" in r:
            notes.append(f"{name}: skipped ({r['skipped']}).")
            continue
        seed = r["seed"]
        when = (
            "seeded in this run"
            if seed["seeded_now"]
            else f"seed time recorded when it was seeded ({seed['at']})"
            if seed["seconds"] is not None
            else "already seeded, no recorded seed time (run with --reseed)"
        )
        notes.append(
            f"{name}: {r['version']}, {r['api_processes']} API process(es) and the same number "
            f"for the bare app; {when}; customer 1 view shows "
            f"{r['customer_check']['orders_in_view']} orders "
            f"(clienteling consent {r['customer_check']['consent']})."
        )
        if r.get("data_problems"):
            notes.append(f"{name}: not the bench data set: {'; '.join(r['data_problems'])}.")
    offline = results.get("offline") or {}
    if "apply" in offline and "search" in offline:
        a, q = offline["apply"], offline["search"]

        def made(b: dict[str, Any]) -> str:
            return f"built {'in this run' if b['built_now'] else 'on ' + b['at']} in {b['seconds']:g} s"

        notes.append(
            "Offline cache: the first sync (each run followed by a bare executemany of as many "
            "rows; medians of the runs) and the outbox drain run over each database's API after "
            "its other figures; one change and search run in process, each interleaved with "
            f"its baseline, on synthetic caches kept in var/bench/offline: {q['products']:,} "
            f"products with {q['built']['variants']:,} variants ({made(q['built'])}) and "
            f"{a['stock_rows']:,} stock rows ({made(a['built'])}). Queries: {q['queries']}, "
            f"{q['with_turkish_letters']} with Turkish letters, {q['two_terms']} of two terms."
        )
    figures = results.get("recommendations") or {}
    if figures:
        took = ", ".join(f"{RECOMMENDATION_SETS[k]} {f['seconds']:g} s" for k, f in figures.items())
        notes.append(
            "Recommendations: each data set generated in memory (no database), its orders "
            "without the cancelled ones in the order placed; learnt on the first 80%, and on "
            "each held-out order of two products or more the last product hidden, the same one "
            "for both recommenders. Complete the look is filled up with the most popular "
            "products to k. The control is the demo data set generated with no outfits. "
            f"Built and measured in: {took}"
            + ("." if "bench" in figures else "; the bench data set not measured (--quick).")
        )
    return notes


def qr_table(results: dict[str, Any]) -> list[list[str]]:
    qr = results.get("qr")
    if not qr:
        return []
    d, v = qr["decode"], qr["verify"]
    rows = [
        ["QR codes", "p50 / median", "p95", "baseline, same run", "ratio"],
        [
            "decode a 1280x720 JPEG camera frame (ms)",
            _cell(d["jpeg_frame"]["p50_ms"]),
            _cell(d["jpeg_frame"]["p95_ms"]),
            "",
            "",
        ],
        [
            "decode the same frame, already greyscale (ms)",
            _cell(d["grey_frame"]["p50_ms"]),
            _cell(d["grey_frame"]["p95_ms"]),
            "",
            "",
        ],
    ]
    names = {"identity": "Ed25519", "coupon": "Ed25519", "shelf": "HMAC", "pay_link": "HMAC"}
    base = v["baseline_per_s"]
    for kind, rate in v["per_s"].items():
        raw = base["ed25519_verify"] if names[kind] == "Ed25519" else base["hmac_sha256"]
        rows.append(
            [
                f"verify one {kind.replace('_', ' ')} code (per s)",
                _cell(float(rate)),
                "",
                f"bare {names[kind]}: {_cell(float(raw))}/s",
                _cell(v["ratio_to_baseline"][kind]),
            ]
        )
    return rows


def _verdict(value: float, op: str, limit: float) -> str:
    ok = value < limit if op == "<" else value >= limit
    return "yes" if ok else "**no**"


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else _cell(float(value))


def offline_table(results: dict[str, Any]) -> list[list[str]]:
    """The tablet's offline cache (tests/bench/offline_cache.py): the first sync and the
    outbox over each database's API, one change and search in process. Ratios: rates to
    rates, p95 to p95 (one change: p50 to p50)."""
    local = results.get("offline") or {}
    remote = {
        kind: r["offline"]
        for kind, r in results.get("databases", {}).items()
        if isinstance(r, dict) and "offline" in r
    }
    if not local and not remote:
        return []
    rows = [
        ["offline cache", "p50 / median", "p95", "baseline, same run", "ratio", "target", "met?"]
    ]
    for kind, o in remote.items():
        s, m = o["sync"], o["sync"]["median"]
        rows.append(
            [
                f"first sync over the {KINDS[kind]} API: rows applied per s ({s['rows']:,} = "
                f"products + variants + stock at {len(s['locations'])} locations; median of "
                f"{s['runs']})",
                _cell(float(m["rows_per_s"])),
                "",
                f"bare executemany: {_cell(float(s['bare_executemany_rows_per_s']))}/s",
                _cell(s["ratio_to_bare"]),
                "≥ 50,000",
                _verdict(m["rows_per_s"], ">=", 50_000),
            ]
        )
        rows.append(
            [
                f"… its {m['seconds']:.2f} s: HTTP (of it inside the API) / JSON into models / "
                "cache transactions (of them in SQLite)",
                f"{m['http_s']:.2f} ({m['inside_api_s']:.2f}) / {m['json_to_models_s']:.2f} / "
                f"{m['cache_writes_s']:.2f} ({m['cache_sqlite_s']:.2f})",
                *[""] * 5,
            ]
        )
    if "apply" in local:
        a = local["apply"]
        rows.append(
            [
                f"apply one stock change, {a['stock_rows']:,} stock rows cached (ms)",
                _ms(a["apply_change"]["p50_ms"]),
                _ms(a["apply_change"]["p95_ms"]),
                f"bare sqlite3, same statements: {_ms(a['bare_sqlite3']['p50_ms'])} / "
                f"{_ms(a['bare_sqlite3']['p95_ms'])} ms",
                _cell(a["ratio_to_bare_p50"]),
                "< 3",
                _verdict(a["apply_change"]["p95_ms"], "<", 3),
            ]
        )
        rows.append(
            [
                "… the whole Puller.step for a one-change page, stub client (ms)",
                _ms(a["puller_step"]["p50_ms"]),
                _ms(a["puller_step"]["p95_ms"]),
                *[""] * 4,
            ]
        )
    if "search" in local:
        q = local["search"]
        rows.append(
            [
                f"offline search, {q['products']:,} products, {q['queries']} Turkish queries (ms)",
                _ms(q["search"]["p50_ms"]),
                _ms(q["search"]["p95_ms"]),
                f"bare FTS5, 20 best ids by bm25 of every match: {_ms(q['bare_fts5']['p50_ms'])} / "
                f"{_ms(q['bare_fts5']['p95_ms'])} ms",
                _cell(q["ratio_to_bare_p95"]),
                "p95 < 20",
                _verdict(q["search"]["p95_ms"], "<", 20),
            ]
        )
    for kind, o in remote.items():
        b = o["outbox"]
        rows.append(
            [
                f"outbox drain, {b['commands']:,} try-ons, {KINDS[kind]} API (commands/s)",
                _cell(float(b["per_s"])),
                "",
                f"httpx alone, one connection: {_cell(float(b['httpx_per_s']))}/s",
                _cell(b["ratio_to_httpx"]),
                "",
                "",
            ]
        )
        rows.append(
            [
                f"… one command, {KINDS[kind]} API (ms)",
                _ms(b["per_command"]["p50_ms"]),
                _ms(b["per_command"]["p95_ms"]),
                f"httpx alone: {_ms(b['httpx_per_request']['p50_ms'])} / "
                f"{_ms(b['httpx_per_request']['p95_ms'])} ms",
                "",
                "",
                "",
            ]
        )
    return rows


RECOMMENDATION_SETS = {
    "demo": "demo",
    "bench": "bench",
    "demo_no_outfits": "demo with no outfits (control)",
}


def recommendations_table(results: dict[str, Any]) -> list[list[str]]:
    """Hit rates of "complete the look" and "most popular" on the last 20% of the orders
    (tests/bench/recommendations.py); hit@5 as complete the look / most popular."""
    figures = results.get("recommendations")
    if not figures:
        return []
    rows = [
        [
            "Recommendations: hit rate on held-out orders",
            "held-out orders",
            "hit@3 complete the look",
            "hit@3 most popular",
            "ratio",
            "hit@5 both (look / popular)",
            "ratio",
        ]
    ]
    for key, name in RECOMMENDATION_SETS.items():
        if key not in figures:
            continue
        f = figures[key]
        at3, at5 = f["hit_at_3"], f["hit_at_5"]
        rows.append(
            [
                f"{name}, learnt on {f['training_orders']:,} orders",
                f"{f['held_out_orders']:,}",
                _cell(at3["complete_the_look"]),
                _cell(at3["most_popular"]),
                _cell(at3["ratio"]),
                f"{_cell(at5['complete_the_look'])} / {_cell(at5['most_popular'])}",
                _cell(at5["ratio"]),
            ]
        )
    return rows


def _md(rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(rows[0]) + " |",
        "|" + "---|" * len(rows[0]),
        *("| " + " | ".join(row) + " |" for row in rows[1:]),
    ]


def write(results: dict[str, Any]) -> None:
    rows = table(results)
    results["table"] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "latest.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    )
    notes = _notes(results)
    md = _md(rows)
    qr_rows = qr_table(results)
    if qr_rows:
        md += ["", *_md(qr_rows)]
    offline_rows = offline_table(results)
    if offline_rows:
        md += ["", *_md(offline_rows)]
    recommendation_rows = recommendations_table(results)
    if recommendation_rows:
        md += ["", *_md(recommendation_rows)]
    (RESULTS_DIR / "latest.md").write_text(
        "\n".join(md) + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    )
    plain = [[cell.replace("**", "") for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in plain) for i in range(len(rows[0]))]
    print()
    for n, row in enumerate(plain):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for row in qr_rows:
        print("  ".join(row).rstrip())
    for row in offline_rows:
        print("  ".join(cell.replace("**", "") for cell in row).rstrip())
    for row in recommendation_rows:
        print("  ".join(row).rstrip())
    print()
    for note in notes:
        print(f"* {note}")
    print(f"\nwritten: {RESULTS_DIR / 'latest.json'}, {RESULTS_DIR / 'latest.md'}")
