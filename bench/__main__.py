"""`make bench`: every benchmark, figures to bench/results/*.json, summary on stdout."""

from __future__ import annotations

import json

from bench import cold_start, console, telemetry


def main() -> None:
    results = {"cold_start": cold_start.run(), "telemetry": telemetry.run(), "console": console.run()}
    c, t = results["cold_start"], results["telemetry"]
    print(
        json.dumps(
            {
                "cold_start": {k: c[k] for k in ("import_app_ms", "import_boto3_ms", "ratio", "target_ratio")},
                "telemetry": {
                    k: t[k]
                    for k in (
                        "cpu_ratio_vs_orjson",
                        "ddb_writes_per_million_readings",
                        "alarms_per_million_readings",
                        "usd_per_million_readings",
                        "alarm_latency_ms",
                        "batching_window_s",
                    )
                },
                "live_alarm_server_ms": {k: results["console"][k] for k in ("p50", "p95", "max", "target_ms")},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
