"""The Quart (trio) application: routes that translate HTTP, SSE and WebSocket into actor messages."""

from __future__ import annotations

from importlib import metadata
from typing import Any

from quart import Response
from quart_schema import HttpSecurityScheme, Info, QuartSchema
from quart_trio import QuartTrio

from mentor.http import problems
from mentor.http.openapi_doc import MentorOpenAPI
from mentor.http.requests import check_token_holder
from mentor.http.routes import (
    ask,
    auth,
    console,
    devices,
    knowledge,
    reports,
    resumes,
    sessions,
    shares,
    speakers,
    streams,
)
from mentor.http.routes.internal import bp as internal_bp
from mentor.http.routes.metrics import bp as metrics_bp
from mentor.http.uploads import MULTIPART_SLACK
from mentor.runtime import Runtime


def create_app(rt: Runtime) -> QuartTrio:
    app = QuartTrio("mentor", static_folder=None)  # the console blueprint serves /static
    # The transport-level cap fits file uploads (plus multipart framing); JSON routes enforce the smaller
    # max_body_bytes themselves (requests.json_body).
    app.config["MAX_CONTENT_LENGTH"] = rt.settings.upload_max_bytes + MULTIPART_SLACK
    app.config["BODY_TIMEOUT"] = rt.settings.body_timeout_s
    app.extensions["mentor"] = rt
    QuartSchema(
        app,
        info=Info(title="Mentor", version="0.1.0",
                  description="Live interview sessions: captions in, questions and answers out. "
                              "See docs/protocol.md for events and WebSocket messages."),
        security_schemes={"bearer": HttpSecurityScheme(scheme="bearer", bearer_format="JWT")},
        security=[{"bearer": []}],
        swagger_ui_path=None, redoc_ui_path=None, scalar_ui_path=None,  # no CDN assets on an offline box
        openapi_provider_class=MentorOpenAPI,  # declares the problem responses every route can give
    )
    problems.install(app)
    for module in (auth, sessions, speakers, streams, resumes, knowledge, ask, console):
        app.register_blueprint(module.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(internal_bp)  # peers forward commands here (PostgreSQL; 404 otherwise)
    app.register_blueprint(metrics_bp)  # Prometheus, behind metrics_token (404 when unset)
    app.register_blueprint(devices.bp)
    app.register_blueprint(shares.bp)

    version = metadata.version("mentor")

    @app.get("/health")
    async def health() -> dict[str, Any]:
        # "service" lets a client tell a Mentor server from another service at the same address
        return {"service": "mentor", "version": version, "status": "closing" if rt.supervisor.closing else "ok",
                "live_sessions": rt.supervisor.live_sessions, "live_streams": rt.supervisor.live_subscribers,
                "actor_restarts": rt.supervisor.restarts,
                "transactions": rt.writer.transactions, "write_batches": rt.writer.batches}

    app.before_request(check_token_holder)  # tokens of deleted users and revoked logins: 401
    app.before_websocket(check_token_holder)

    @app.after_request
    async def no_sniff(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    return app
