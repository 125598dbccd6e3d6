"""Hazmat vehicle tracking (危险化学品运输车辆定位追踪与停车场管理, 5.3.1; issue 13 item 4)."""
