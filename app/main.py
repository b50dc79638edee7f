"""Flet entry point: the tablet app as one module-level `main`, against the API named by
REYON_API_URL (default http://127.0.0.1:8000).

It exists because `flet run` and `flet build` start a module, not a function with arguments
(`reyon tablet --api URL` serves the same app as a web server). `flet build` wants that module
at the root of the folder it packages, so build_scripts/stage_tablet.py writes a root main.py
that bakes in the build's API address and imports `main` from here. Importing this module
starts nothing.
"""

from __future__ import annotations

import flet as ft

from app.settings import TabletSettings
from app.tablet.app import make_main

_settings = TabletSettings()
DEFAULT_API_URL = TabletSettings.model_fields["api_url"].default

main = make_main(
    _settings.api_url,
    data_dir=_settings.data_dir,
    sync_seconds=_settings.sync_seconds,
    customer_keep_days=_settings.customer_keep_days,
)

if __name__ == "__main__":
    ft.run(main)
