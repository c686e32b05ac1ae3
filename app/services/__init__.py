"""One function per user action; each takes a Session."""

# The minutes lock guards every unit of work (a before_flush hook), whichever service runs first.
from app.services import locking as _locking  # noqa: F401
from app.services import text_guard as _text_guard  # noqa: F401  (NFC, no lone surrogates)
