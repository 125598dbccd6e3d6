"""Chalice app: the ports wired once (chalicelib.bootstrap), middleware, one Blueprint per bounded context.
No logic lives here."""

from chalice import Chalice

from chalicelib import bootstrap
from chalicelib.access.routes import bp as access_routes
from chalicelib.alarms.handlers import bp as alarm_handlers
from chalicelib.alarms.routes import bp as alarm_routes
from chalicelib.audit.handlers import bp as audit_handlers
from chalicelib.audit.routes import bp as audit_routes
from chalicelib.changes.handlers import bp as change_handlers
from chalicelib.changes.routes import bp as change_routes
from chalicelib.core.observability import lambda_middleware
from chalicelib.core.responses import http_middleware
from chalicelib.dangers.handlers import bp as danger_handlers
from chalicelib.dangers.routes import bp as danger_routes
from chalicelib.duty.routes import bp as duty_routes
from chalicelib.emergency.routes import bp as emergency_routes
from chalicelib.incidents.handlers import bp as incident_handlers
from chalicelib.incidents.routes import bp as incident_routes
from chalicelib.linkage.handlers import bp as linkage_handlers
from chalicelib.linkage.routes import bp as linkage_routes
from chalicelib.live.routes import bp as live_routes
from chalicelib.notify.routes import bp as notify_routes
from chalicelib.onduty.handlers import bp as onduty_handlers
from chalicelib.onduty.routes import bp as onduty_routes
from chalicelib.onemap.routes import bp as map_routes
from chalicelib.patrol.handlers import bp as patrol_handlers
from chalicelib.patrol.routes import bp as patrol_routes
from chalicelib.plans.routes import bp as plan_routes
from chalicelib.prevention.handlers import bp as prevention_handlers
from chalicelib.prevention.routes import bp as prevention_routes
from chalicelib.publicarea.routes import bp as public_area_routes
from chalicelib.registry.routes import bp as registry_routes
from chalicelib.resources.handlers import bp as resource_handlers
from chalicelib.resources.routes import bp as resource_routes
from chalicelib.risk.handlers import bp as risk_handlers
from chalicelib.risk.routes import bp as risk_routes
from chalicelib.system.routes import bp as system_routes
from chalicelib.telemetry.handlers import bp as telemetry_handlers
from chalicelib.telemetry.routes import bp as telemetry_routes
from chalicelib.vehicles.handlers import bp as vehicle_handlers
from chalicelib.vehicles.routes import bp as vehicle_routes
from chalicelib.warnings.handlers import bp as warning_handlers
from chalicelib.warnings.routes import bp as warning_routes
from chalicelib.workpermits.handlers import bp as work_permit_handlers
from chalicelib.workpermits.routes import bp as work_permit_routes

bootstrap.wire()
app = Chalice(app_name="chempark", configure_logs=False)  # the logger is Powertools' (same name)
app.register_middleware(lambda_middleware, "all")
app.register_middleware(http_middleware, "http")

app.register_blueprint(system_routes)
app.register_blueprint(audit_routes)
app.register_blueprint(audit_handlers)
app.register_blueprint(registry_routes)
app.register_blueprint(telemetry_routes)
app.register_blueprint(telemetry_handlers)
app.register_blueprint(alarm_routes)
app.register_blueprint(alarm_handlers)
app.register_blueprint(risk_routes)
app.register_blueprint(risk_handlers)
app.register_blueprint(notify_routes)
app.register_blueprint(duty_routes)
app.register_blueprint(warning_routes)
app.register_blueprint(warning_handlers)
app.register_blueprint(change_routes)
app.register_blueprint(change_handlers)
app.register_blueprint(emergency_routes)
app.register_blueprint(incident_routes)
app.register_blueprint(incident_handlers)
app.register_blueprint(resource_routes)
app.register_blueprint(resource_handlers)
app.register_blueprint(plan_routes)
app.register_blueprint(linkage_routes)
app.register_blueprint(linkage_handlers)
app.register_blueprint(prevention_routes)
app.register_blueprint(prevention_handlers)
app.register_blueprint(danger_routes)
app.register_blueprint(danger_handlers)
app.register_blueprint(work_permit_routes)
app.register_blueprint(work_permit_handlers)
app.register_blueprint(onduty_routes)
app.register_blueprint(onduty_handlers)
app.register_blueprint(patrol_routes)
app.register_blueprint(patrol_handlers)
app.register_blueprint(access_routes)
app.register_blueprint(public_area_routes)
app.register_blueprint(map_routes)
app.register_blueprint(live_routes)
app.register_blueprint(vehicle_routes)
app.register_blueprint(vehicle_handlers)
