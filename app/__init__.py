"""Đối thoại với Nhân dân: the product core, usable without Qt from a Python shell."""

__version__ = "0.1.0"
APP_NAME = "Đối thoại với Nhân dân"
APP_ID = "DoiThoai"
