"""The size policy: how large a file the reader takes, so one file cannot hold an index run for hours.

Real disclosure reports are small: the 35 PDFs of the reference corpus are 0.1–3.7 MB and at most a few
hundred pages; a report's text is about 100 KB. The limits are one to two orders of magnitude above that,
and a file over one is refused with the limit in the message (never read partly).
"""

from __future__ import annotations

MB = 1024 * 1024
MAX_FILE_BYTES = 200 * MB  # any file
MAX_TEXT_BYTES = 5 * MB  # a plain-text report: ~50× a real one, parsed in about a second
MAX_PDF_PAGES = 2000  # ~75 s of reading at the reader's ~27 pages/s
MAX_UNPACKED_BYTES = 50 * MB  # the XML inside a .docx/.xlsx once unzipped (a zip bomb is refused)
MAX_SHEET_CELLS = 2_000_000  # the rectangle an .xlsx sheet spans (one stray cell at XFD1048576 is 17 billion)
