"""The printed page shown as an image: Kitty or Sixel graphics where the terminal has them, half-block cells
where it does not (textual-image picks; `mode="halfcell"` forces the fallback, as the snapshots do)."""

from __future__ import annotations

from typing import Any, Literal

from PIL import Image as PILImage
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual_image.widget import HalfcellImage
from textual_image.widget import Image as AutoImage  # imported before the app starts: it asks the terminal

ImageMode = Literal["auto", "halfcell"]


class PageImage(VerticalScroll):
    """A scrollable page image; `show` puts a rendered page in and scrolls to the cited box."""

    def __init__(self, mode: ImageMode = "auto", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mode = mode
        self.image: PILImage.Image | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="image-note")
        yield (HalfcellImage if self.mode == "halfcell" else AutoImage)(id="page-image")

    def show(self, image: PILImage.Image | None, note: str, fraction: float = 0.0) -> None:
        self.image = image
        self.query_one("#image-note", Static).update(note)
        picture = self.query_one("#page-image")
        picture.image = image  # type: ignore[attr-defined]
        picture.display = image is not None
        self.call_after_refresh(self._scroll_to_box, fraction, 3)

    def _scroll_to_box(self, fraction: float, again: int = 0) -> None:
        """Scroll the cited box a third of the way down; again after the next layouts (the image sizes late)."""
        picture = self.query_one("#page-image")
        y = picture.virtual_region.y + fraction * picture.virtual_region.height - self.size.height / 3
        self.scroll_to(y=max(0, y), animate=False, immediate=True)
        if again:
            self.call_after_refresh(self._scroll_to_box, fraction, again - 1)
