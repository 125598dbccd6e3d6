"""Chalice app: middleware and one Blueprint per bounded context. No logic lives here."""

from chalice import Chalice

from chalicelib.alarms.handlers import bp as alarm_handlers
from chalicelib.alarms.routes import bp as alarm_routes
from chalicelib.audit.routes import bp as audit_routes
from chalicelib.core.http import http_middleware
from chalicelib.core.observability import lambda_middleware
from chalicelib.notify.routes import bp as notify_routes
from chalicelib.registry.routes import bp as registry_routes
from chalicelib.risk.routes import bp as risk_routes
from chalicelib.system.routes import bp as system_routes
from chalicelib.telemetry.handlers import bp as telemetry_handlers
from chalicelib.telemetry.routes import bp as telemetry_routes

app = Chalice(app_name="chempark")
app.register_middleware(lambda_middleware, "all")
app.register_middleware(http_middleware, "http")

app.register_blueprint(system_routes)
app.register_blueprint(audit_routes)
app.register_blueprint(registry_routes)
app.register_blueprint(telemetry_routes)
app.register_blueprint(telemetry_handlers)
app.register_blueprint(alarm_routes)
app.register_blueprint(alarm_handlers)
app.register_blueprint(risk_routes)
app.register_blueprint(notify_routes)
