"""产教融合工作台 core: domain, persistence, services, import/export and CLI. Never imports Qt."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("chanjiao")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0.1.0"

APP_NAME = "chanjiao"
APP_TITLE = "产教融合工作台"
