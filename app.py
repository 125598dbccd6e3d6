"""Chalice app: middleware and one Blueprint per bounded context. No logic lives here."""

from chalice import Chalice

from chalicelib.audit.routes import bp as audit_routes
from chalicelib.core.http import http_middleware
from chalicelib.core.observability import lambda_middleware
from chalicelib.system.routes import bp as system_routes
from chalicelib.telemetry.handlers import bp as telemetry_handlers

app = Chalice(app_name="chempark")
app.register_middleware(lambda_middleware, "all")
app.register_middleware(http_middleware, "http")

app.register_blueprint(system_routes)
app.register_blueprint(audit_routes)
app.register_blueprint(telemetry_handlers)
