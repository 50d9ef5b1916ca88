"""CodePrep: the application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the pure core (study.codes, study.bank, study.grading) must import without Flask
    from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _configure_logging() -> None:
    """The app's own log lines (codeprep.* and study.*: account e-mails, outages, health checks) go
    to stderr at LOG_LEVEL (default INFO), beside the server's access log. Other libraries' loggers
    are left as they are (alembic configures its own)."""
    import logging

    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    for name in ("codeprep", "study"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"))
            logger.addHandler(handler)
            logger.setLevel(level)
            logger.propagate = False


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` (tests) replaces the environment-derived settings."""
    from flask import Flask

    instance_path = os.environ.get("INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=instance_path,
        template_folder="../templates",
        static_folder="../static",
    )
    from study.config import Defaults, from_environment

    app.config.from_object(Defaults)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(from_environment(app.instance_path) if config is None else config)

    if config is None:
        _configure_logging()
    _create_private_sqlite_file(app.config.get("SQLALCHEMY_DATABASE_URI", ""))
    from study import cli, errors, extensions, security, templating

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    _init_login(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    cli.init_app(app)

    from study import admin, auth, codebook, instructor, learner, main
    from study.careers.routes import bp as careers_bp

    app.register_blueprint(main.bp)
    app.register_blueprint(learner.bp)
    app.register_blueprint(codebook.bp)
    app.register_blueprint(careers_bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(instructor.bp)
    return app


def _init_login(app: Flask) -> None:
    from study.extensions import login_manager
    from study.services.users import load_session_user

    login_manager.init_app(app)
    login_manager.login_view = "auth.signin"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_session_user)


def _create_private_sqlite_file(url: str) -> None:
    """Create the SQLite database file readable by its owner only (mode 0600) before SQLite does."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix or ":memory:" in url:
        return
    path = Path(url[len(prefix) :].split("?", 1)[0])
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:  # another process created it first
        pass
