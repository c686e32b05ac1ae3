"""Server passwords in the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service).

Never in a file of ours. When the machine has no usable keyring (keyring's "fail" backend, no
D-Bus session, the package missing) every call degrades to "not stored" and the program asks
for the password each time instead.
"""

from __future__ import annotations

import logging
from typing import Any

from app import APP_ID
from app.storage.urls import Target

log = logging.getLogger(__name__)
SERVICE = f"{APP_ID}-postgresql"


def _keyring() -> Any | None:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken backend configuration must not stop the program
        log.warning("keyring unusable: %s", type(exc).__name__)
        return None
    if isinstance(backend, fail.Keyring):
        return None
    return keyring


def keyring_available() -> bool:
    return _keyring() is not None


def get_password(target: Target) -> str | None:
    keyring = _keyring()
    if keyring is None or not target.is_server:
        return None
    try:
        value = keyring.get_password(SERVICE, target.keyring_key())
    except Exception as exc:  # locked keyring, D-Bus gone: ask instead
        log.warning("keyring read failed: %s", type(exc).__name__)
        return None
    return value if isinstance(value, str) and value else None


def store_password(target: Target, password: str) -> bool:
    """Keep ``password`` in the keyring; False when there is no keyring (ask each time then)."""
    keyring = _keyring()
    if keyring is None or not target.is_server:
        return False
    try:
        keyring.set_password(SERVICE, target.keyring_key(), password)
    except Exception as exc:
        log.warning("keyring write failed: %s", type(exc).__name__)
        return False
    return True


def forget_password(target: Target) -> None:
    keyring = _keyring()
    if keyring is None or not target.is_server:
        return
    try:
        keyring.delete_password(SERVICE, target.keyring_key())
    except Exception as exc:  # nothing stored is fine
        log.info("keyring delete: %s", type(exc).__name__)
