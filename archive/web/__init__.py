"""The county server's pages (`minzheng serve`): a Flask app over the archive's package APIs, served
by waitress. Flask and waitress are imported only when an app is made or served."""
from archive.common.lazy import lazy_exports

_EXPORTS = {"create_app": "archive.web.app", "serve": "archive.web.server", "check_bind": "archive.web.server"}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
