"""Flet entry point (what `flet run` and `flet build` start): the tablet app against the API
named by REYON_API_URL."""

from __future__ import annotations

import os

import flet as ft

from app.tablet.app import make_main

main = make_main(os.environ.get("REYON_API_URL", "http://127.0.0.1:8000"))

if __name__ == "__main__":
    ft.run(main)
