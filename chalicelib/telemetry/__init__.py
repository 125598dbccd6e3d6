"""Telemetry context (5.1.1-1): MQTT batches from gateways, via the IoT rule and SQS, into evaluation."""
