"""Live channel contracts: what `GET /live/connection` answers (contract C)."""

from __future__ import annotations

from pydantic import AwareDatetime, ConfigDict, Field

from chalicelib.core.schemas import Schema


class ConnectionOut(Schema):
    url: str = Field(description="MQTT over WebSocket 地址（本地 ws://；AWS 为已签名的 IoT Core wss:// 地址）")
    client_id: str = Field(description="MQTT 客户端标识")
    username: str = Field(description="MQTT 用户名（AWS 为空）")
    password: str = Field(description="MQTT 密码：本地为当前用户的令牌（AWS 为空，凭证在已签名地址中）")
    topics: list[str] = Field(description="可订阅的主题（第一个为通配订阅）")
    expires_at: AwareDatetime = Field(description="连接凭证到期时间（到期前重新获取）")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "url": "ws://127.0.0.1:9001/mqtt",
                    "client_id": "web-duty-1-3f2a9c1e",
                    "username": "duty-1",
                    "password": "<bearer token>",
                    "topics": ["live/park/park/#", "live/park/park/alarm", "live/park/park/risk"],
                    "expires_at": "2026-12-03T20:00:00+00:00",
                }
            ]
        },
        defer_build=True,
    )
