// The live channel (Contract C): MQTT over WebSocket with what GET /live/connection returns (the embedded
// broker's WebSocket listener locally, AWS IoT Core over WSS in AWS: one code path). When the channel is down
// every view's refresh runs on a timer instead and a banner says so; when it comes back the timer stops.
import mqtt, { type MqttClient } from "mqtt";
import { api } from "./api";

export interface LiveMessage {
  type: "alarm" | "risk" | "warning" | "incident" | string;
  op: string;
  id: string;
  enterprise_id?: string | null;
  at: string;
  data: Record<string, any>;
}

interface Connection {
  url: string;
  client_id: string;
  username?: string;
  password?: string;
  topics: string[];
  expires_at?: string;
}

type Handler = (m: LiveMessage) => void;
export type LiveStatus = "connecting" | "live" | "polling";

const POLL_MS = 5000;

class Live {
  status: LiveStatus = "connecting";
  private client: MqttClient | null = null;
  private handlers = new Map<string, Set<Handler>>();
  private refreshers = new Set<() => unknown>();
  private pollTimer = 0;
  private renewTimer = 0;
  private retryTimer = 0;
  private listeners = new Set<(s: LiveStatus) => void>();
  received = 0;

  on(type: string, fn: Handler): () => void {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type)!.add(fn);
    return () => this.handlers.get(type)?.delete(fn);
  }

  /** A view's REST reload, run on a timer while the channel is down. */
  refresh(fn: () => unknown): () => void {
    this.refreshers.add(fn);
    return () => this.refreshers.delete(fn);
  }

  onStatus(fn: (s: LiveStatus) => void): void {
    this.listeners.add(fn);
    fn(this.status);
  }

  async start(): Promise<void> {
    this.stop();
    this.setStatus("connecting");
    let conn: Connection;
    try {
      conn = await api<Connection>("/live/connection");
    } catch {
      this.fallBack();
      return;
    }
    const client = mqtt.connect(conn.url, {
      clientId: conn.client_id,
      username: conn.username,
      password: conn.password,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 3000,
      connectTimeout: 5000,
    });
    this.client = client;
    client.on("connect", () => {
      client.subscribe(conn.topics, { qos: 0 }, (err) => {
        if (err) this.fallBack();
        else {
          this.setStatus("live");
          this.catchUp(); // whatever changed while the channel was down
        }
      });
    });
    client.on("message", (_topic, payload) => this.dispatch(payload));
    const down = () => this.client === client && this.fallBack();
    client.on("close", down);
    client.on("offline", down);
    client.on("error", down);
    if (conn.expires_at) {
      // Credentials expire: reconnect with fresh ones a minute before.
      const inMs = Date.parse(conn.expires_at) - Date.now() - 60_000;
      this.renewTimer = window.setTimeout(() => void this.start(), Math.max(inMs, 30_000));
    }
  }

  stop(): void {
    window.clearTimeout(this.renewTimer);
    window.clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = null;
    c?.end(true);
  }

  private dispatch(payload: Uint8Array): void {
    let m: LiveMessage;
    try {
      m = JSON.parse(new TextDecoder().decode(payload)) as LiveMessage;
    } catch {
      return;
    }
    this.received++;
    for (const fn of [...(this.handlers.get(m.type) ?? []), ...(this.handlers.get("*") ?? [])]) fn(m);
  }

  private catchUp(): void {
    for (const fn of this.refreshers) void fn();
  }

  private fallBack(): void {
    if (this.status !== "polling") this.setStatus("polling");
    if (!this.client) {
      // No channel at all (route missing or refused): ask again now and then.
      window.clearTimeout(this.retryTimer);
      this.retryTimer = window.setTimeout(() => void this.start(), 30_000);
    }
  }

  private setStatus(s: LiveStatus): void {
    this.status = s;
    window.clearInterval(this.pollTimer);
    if (s === "polling") this.pollTimer = window.setInterval(() => this.catchUp(), POLL_MS);
    for (const fn of this.listeners) fn(s);
  }
}

export const live = new Live();
