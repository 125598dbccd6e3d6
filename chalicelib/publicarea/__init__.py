"""Public-area events (公共区域安全与环境风险监测, 5.1.3): reports, their event alarms and linkage."""
