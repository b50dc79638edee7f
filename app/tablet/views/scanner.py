"""Two of the three ways a code comes in (the third, a hardware scanner typing into the scan
field, needs no code of its own): the tablet's camera, read frame by frame until a code
decodes, and a photo picked from the device. Both hand the picture to the state, which
decodes it with zxing-cpp and takes the code the same way as a typed one."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

import flet as ft
import flet_camera as fc

from app.tablet.i18n import t
from app.tablet.state.tablet import Tablet
from app.tablet.views.common import button, tagged

T = TypeVar("T")
FRAME_PAUSE_S = 0.25  # between frames: decoding is ~5 ms, taking a picture far longer
GIVE_UP_S = 60.0  # a camera left open on a counter stops by itself


class CameraScan:
    """A dialog with the camera's preview; closes itself when a code has been read."""

    def __init__(self, page: ft.Page, state: Tablet) -> None:
        self.page = page
        self.state = state
        self.running = False
        self._calls = 0  # calls to the camera not answered yet
        self.closed = False
        self.status = ft.Text(t(state.lang, "camera_starting"), size=16)
        self.camera = fc.Camera(width=560, height=315, preview_enabled=True)
        self.dialog = ft.AlertDialog(
            modal=True,
            title=ft.Text(t(state.lang, "scan_with_camera")),
            content=ft.Column(
                [self.camera, tagged(self.status, "camera-status")], tight=True, spacing=12
            ),
            actions=[button(t(state.lang, "close"), self._close, "camera-close", primary=False)],
        )

    def _close(self, _: object = None) -> None:
        self.running = False
        if not self._calls:
            self._remove()
        # else: the dialog goes when the camera has answered (_ask)

    def _remove(self) -> None:
        if self.closed:
            return  # closed by the other path (a code read, the close button)
        self.closed = True
        with contextlib.suppress(Exception):
            self.page.pop_dialog()

    async def _ask(self, call: Awaitable[T]) -> T:
        """A call to the camera, answered later by the browser. The dialog, and the camera in
        it, stay until the answer is in: in Flet 1.0.5 an answer for a control already taken
        off the page ends the whole session ("Control with ID ... is not registered" stops its
        receive loop; found by the random-walk browser test tapping close at once)."""
        self._calls += 1
        try:
            return await call
        finally:
            self._calls -= 1
            if not self.running and not self._calls:
                self._remove()

    def _say(self, key: str) -> None:
        self.status.value = t(self.state.lang, key)
        with contextlib.suppress(Exception):
            self.status.update()

    async def run(self) -> None:
        self.page.show_dialog(self.dialog)
        self.running = True
        try:
            cameras = await self._ask(self.camera.get_available_cameras())
        except Exception:  # no camera permission, no camera plugin on this platform
            cameras = []
        if not cameras:
            self._say("no_camera")
            return
        back = next(
            (c for c in cameras if c.lens_direction == fc.CameraLensDirection.BACK), cameras[0]
        )
        try:
            await self._ask(
                self.camera.initialize(back, fc.ResolutionPreset.HIGH, enable_audio=False)
            )
        except Exception:
            self._say("no_camera")
            return
        self._say("camera_point")
        deadline = asyncio.get_running_loop().time() + GIVE_UP_S
        while self.running and asyncio.get_running_loop().time() < deadline:
            try:
                frame = await self._ask(self.camera.take_picture())
            except Exception:
                await asyncio.sleep(FRAME_PAUSE_S)
                continue
            # Decoding and the scan call block: off the event loop, so the preview stays live.
            if await asyncio.to_thread(self._scanned, frame):
                return
            await asyncio.sleep(FRAME_PAUSE_S)
        if self.running:
            self._say("camera_gave_up")

    def _scanned(self, frame: bytes) -> bool:
        if not self.running:
            return True
        text = self.state.read_code(frame)
        if text is None:
            return False
        self._close()
        self.state.take_code(text)
        return True


class _OneAtATime:
    """The camera dialog or photo pick open on this page, if any: taps meanwhile do nothing
    (six quick taps on "Camera" once opened six dialogs, one over the other)."""

    def __init__(self) -> None:
        self.camera: CameraScan | None = None
        self.picking = False

    @property
    def busy(self) -> bool:
        return self.picking or (self.camera is not None and not self.camera.closed)


def _one_at_a_time(page: ft.Page) -> _OneAtATime:
    gate = getattr(page, "_reyon_scanning", None)
    if gate is None:
        gate = _OneAtATime()
        setattr(page, "_reyon_scanning", gate)  # noqa: B010 (one per page, for its lifetime)
    return gate


def camera_button(page: ft.Page, state: Tablet) -> ft.Control:
    gate = _one_at_a_time(page)

    async def open_camera(_: object) -> None:
        if gate.busy:
            return
        gate.camera = CameraScan(page, state)
        await gate.camera.run()

    return button(t(state.lang, "camera"), open_camera, "scan-camera", primary=False)


def photo_button(page: ft.Page, state: Tablet, picker: ft.FilePicker) -> ft.Control:
    gate = _one_at_a_time(page)

    async def pick(_: object) -> None:
        if gate.busy:
            return
        gate.picking = True
        try:
            await _pick(_)
        finally:
            gate.picking = False

    async def _pick(_: object) -> None:
        files = await picker.pick_files(
            dialog_title=t(state.lang, "pick_photo"),
            file_type=ft.FilePickerFileType.IMAGE,
            with_data=True,
            # A slow tablet loses focus while the file is read: not a cancelled pick.
            cancel_upload_on_window_blur=False,
        )
        if not files:
            return  # the associate closed the picker
        data = files[0].bytes or b""
        if not await asyncio.to_thread(state.scan_image, data):
            state.image_without_code()

    return button(t(state.lang, "photo"), pick, "scan-photo", primary=False)
