// 一张图: MapLibre GL JS on a blank style (no tiles, no glyphs, no sprite: nothing leaves the park's own API),
// drawing the GeoJSON layers GET /map/layers lists. Names go in DOM popups, never in symbol layers, so no glyph
// PBF is ever requested; CJK text would render locally through localIdeographFontFamily anyway.
import { Map as MapLibre, Popup, setWorkerUrl, type GeoJSONSource, type MapLayerMouseEvent } from "maplibre-gl";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import "maplibre-gl/dist/maplibre-gl.css";
import { api } from "./api";
import { h, PRIORITY, RISK, RISK_HEX } from "./ui";

setWorkerUrl(workerUrl);

export interface LayerInfo {
  id: string;
  title: string;
  url: string;
}

type FC = { type: "FeatureCollection"; features: any[] };
const EMPTY: FC = { type: "FeatureCollection", features: [] };

const STATE_HEX: Record<string, string> = {
  normal: "#2e9d57",
  alarm: "#d7263d",
  fault: "#8a5a00",
  offline: "#8d99a6",
};
// Incident zones as emergency computes them: initial isolation circle, then AEGL-3/2/1 footprints.
const ZONE_HEX = ["match", ["get", "zone"], "lethal", "#d7263d", "injury", "#f28c18", "discomfort", "#f2d518", "isolation", "#7d3c98", "#7fa7d9"];

/** Paint per layer id: circles for points, fill + outline for areas. */
function styleFor(id: string): any[] {
  const src = id;
  switch (id) {
    case "boundary":
      return [
        { id: `${id}-fill`, type: "fill", source: src, paint: { "fill-color": "#dfe6ec", "fill-opacity": 0.5 } },
        { id, type: "line", source: src, paint: { "line-color": "#34495e", "line-width": 2, "line-dasharray": [3, 2] } },
      ];
    case "zones":
      return [
        { id: `${id}-fill`, type: "fill", source: src, paint: { "fill-color": "#9fb8cf", "fill-opacity": 0.25 } },
        { id, type: "line", source: src, paint: { "line-color": "#5b7a99", "line-width": 1 } },
      ];
    case "installations":
      return [
        {
          id,
          type: "circle",
          source: src,
          paint: {
            "circle-radius": 11,
            "circle-color": ["match", ["get", "risk_colour"], "red", RISK_HEX.red, "orange", RISK_HEX.orange, "yellow", RISK_HEX.yellow, "blue", RISK_HEX.blue, "#999999"],
            "circle-stroke-color": "#ffffff",
            "circle-stroke-width": 2,
          },
        },
      ];
    case "sensors":
      return [
        {
          id,
          type: "circle",
          source: src,
          paint: {
            "circle-radius": 4,
            "circle-color": ["match", ["get", "state"], "normal", STATE_HEX.normal, "alarm", STATE_HEX.alarm, "fault", STATE_HEX.fault, "offline", STATE_HEX.offline, "#5d6d7e"],
            "circle-stroke-color": "#ffffff",
            "circle-stroke-width": 1,
          },
        },
      ];
    case "alarms":
      return [
        {
          id,
          type: "circle",
          source: src,
          paint: {
            "circle-radius": 16,
            "circle-color": "rgba(0,0,0,0)",
            "circle-stroke-color": ["match", ["get", "priority"], "urgent", "#b0001e", "high", "#d7263d", "medium", "#c2185b", "#8e44ad"],
            "circle-stroke-width": 3,
          },
        },
      ];
    case "incident-zones":
      return [
        { id: `${id}-fill`, type: "fill", source: src, paint: { "fill-color": ZONE_HEX, "fill-opacity": ["match", ["get", "zone"], "isolation", 0.1, 0.35] } },
        { id, type: "line", source: src, paint: { "line-color": ZONE_HEX, "line-width": 2 } },
      ];
    default: {
      const colour: Record<string, string> = {
        cameras: "#6c3fb5",
        resources: "#1e8449",
        "work-permits": "#c0392b",
        vehicles: "#117a8b",
      };
      return [
        {
          id,
          type: "circle",
          source: src,
          paint: {
            "circle-radius": 5,
            "circle-color": colour[id] ?? "#34495e",
            "circle-stroke-color": "#ffffff",
            "circle-stroke-width": 1,
          },
        },
      ];
    }
  }
}

// Areas under points: the order layers are drawn in, whatever order /map/layers lists them.
const ORDER = ["boundary", "zones", "incident-zones", "work-permits", "resources", "cameras", "vehicles", "sensors", "installations", "alarms"];

function legend(): HTMLElement {
  const dot = (colour: string, ring = false) =>
    h("i", { class: ring ? "ring" : "dot", style: ring ? `border-color:${colour}` : `background:${colour}` });
  return h(
    "div",
    { class: "legend" },
    ...Object.entries(RISK).map(([k, label]) => h("span", {}, dot(RISK_HEX[k]), `${label}风险`)),
    h("span", {}, dot(STATE_HEX.normal), "测点正常"),
    h("span", {}, dot(STATE_HEX.alarm), "测点报警"),
    h("span", {}, dot("#d7263d", true), "报警"),
    h("span", {}, dot("#6c3fb5"), "摄像机"),
    h("span", {}, dot("#1e8449"), "应急资源"),
  );
}

export interface ParkMapOptions {
  onAlarm?: (alarmId: string) => void;
  center?: [number, number];
}

export class ParkMap {
  map: MapLibre;
  layers: LayerInfo[] = [];
  data = new Map<string, FC>();
  private ready: Promise<void>;
  private fitted = false;

  constructor(
    public container: HTMLElement,
    private options: ParkMapOptions = {},
  ) {
    this.map = new MapLibre({
      container,
      style: { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": "#f3f5f7" } }] },
      center: options.center ?? [120.905, 31.951],
      zoom: 14,
      attributionControl: false,
      localIdeographFontFamily: "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', sans-serif",
      canvasContextAttributes: { preserveDrawingBuffer: true }, // screenshots and pixel checks of the canvas
    });
    this.ready = new Promise((resolve) => this.map.once("load", () => resolve()));
    container.dataset.map = "loading";
    container.append(legend());
  }

  /** Learn the layers, add every source and paint, fetch their data. */
  async load(): Promise<void> {
    await this.ready;
    try {
      this.layers = (await api<{ layers: LayerInfo[] }>("/map/layers")).layers;
    } catch {
      this.container.dataset.map = "unavailable";
      this.container.append(h("div", { class: "map-note" }, "地图图层服务不可用"));
      return;
    }
    const ids = [...this.layers.map((l) => l.id), "incident-zones"];
    ids.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    for (const id of ids) {
      if (this.map.getSource(id)) continue;
      this.map.addSource(id, { type: "geojson", data: EMPTY, promoteId: "id" });
      for (const layer of styleFor(id)) this.map.addLayer(layer);
      const clickable = id === "zones" || id === "boundary" ? `${id}-fill` : id;
      this.map.on("click", clickable, (ev) => this.clicked(id, ev));
      this.map.on("mouseenter", clickable, () => (this.map.getCanvas().style.cursor = "pointer"));
      this.map.on("mouseleave", clickable, () => (this.map.getCanvas().style.cursor = ""));
    }
    await Promise.all(this.layers.map((l) => this.reload(l.id)));
    this.fit();
    // Ready once the layers are drawn, not merely handed to the worker (a loaded machine takes a while).
    await new Promise<void>((resolve) => {
      this.map.once("idle", () => resolve());
      window.setTimeout(resolve, 10_000); // nothing left to draw: idle may not come again
    });
    this.container.dataset.map = "ready";
  }

  /** Fetch one layer again (a live message said it changed). */
  async reload(id: string): Promise<void> {
    const info = this.layers.find((l) => l.id === id);
    if (!info) return;
    try {
      this.set(id, await api<FC>(info.url));
    } catch {
      // keep what is drawn; the next refresh tries again
    }
  }

  set(id: string, fc: FC): void {
    this.data.set(id, fc);
    (this.map.getSource(id) as GeoJSONSource | undefined)?.setData(fc as any);
    this.container.dataset[`layer${id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`] = String(fc.features.length);
  }

  /** Change one feature's properties in place (a risk colour, a sensor state) without a round trip. */
  patch(id: string, featureId: string, props: Record<string, unknown>): boolean {
    const fc = this.data.get(id);
    const f = fc?.features.find((x) => String(x.id) === featureId);
    if (!fc || !f) return false;
    f.properties = { ...f.properties, ...props };
    this.set(id, fc);
    return true;
  }

  async showIncident(incidentId: string | null): Promise<void> {
    await this.ready;
    if (!incidentId) {
      this.set("incident-zones", EMPTY);
      return;
    }
    const fc = await api<FC>(`/map/incidents/${encodeURIComponent(incidentId)}/zones.geojson`);
    this.set("incident-zones", fc);
    this.fitTo(fc);
  }

  private fit(): void {
    if (this.fitted) return;
    const all: FC = { type: "FeatureCollection", features: [...this.data.values()].flatMap((fc) => fc.features) };
    if (all.features.length) {
      this.fitTo(all);
      this.fitted = true;
    }
  }

  private fitTo(fc: FC): void {
    let [w, s, e, n] = [180, 90, -180, -90];
    const visit = (c: any): void => {
      if (typeof c[0] === "number") {
        w = Math.min(w, c[0]);
        e = Math.max(e, c[0]);
        s = Math.min(s, c[1]);
        n = Math.max(n, c[1]);
      } else c.forEach(visit);
    };
    for (const f of fc.features) if (f.geometry) visit(f.geometry.coordinates);
    if (w <= e) this.map.fitBounds([w, s, e, n], { padding: 40, duration: 0, maxZoom: 16 });
  }

  private clicked(id: string, ev: MapLayerMouseEvent): void {
    if (id === "alarms" && this.options.onAlarm) {
      // A tag's alarms sit on one point: open the most urgent of those under the pointer.
      const rank = (x: any) => ["urgent", "high", "medium", "low"].indexOf(x.properties?.priority ?? "low");
      const top = [...(ev.features ?? [])].sort((a, b) => rank(a) - rank(b))[0];
      if (top) this.options.onAlarm(String(top.properties?.alarm_id ?? top.id));
      return;
    }
    const f = ev.features?.[0];
    if (!f) return;
    const p = f.properties as Record<string, any>;
    const rows: [string, string][] = [];
    if (p.risk_colour) rows.push(["动态风险", RISK[p.risk_colour] ?? p.risk_colour]);
    if (p.grade) rows.push(["重大危险源等级", `${p.grade}级`]);
    if (p.state) rows.push(["状态", String(p.state)]);
    if (p.value !== undefined && p.value !== null) rows.push(["当前值", `${p.value} ${p.unit ?? ""}`]);
    if (p.priority) rows.push(["优先级", PRIORITY[p.priority] ?? p.priority]);
    if (p.radius_m) rows.push(["半径", `${Math.round(p.radius_m)} m`]);
    if (p.resource_type) rows.push(["类型", String(p.resource_type)]);
    if (p.status) rows.push(["状态", String(p.status)]);
    if (p.plate) rows.push(["车牌", String(p.plate)]);
    const body = h(
      "div",
      { class: "popup" },
      h("strong", {}, String(p.name ?? f.id ?? "")),
      h("dl", {}, ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    );
    new Popup({ closeButton: true, maxWidth: "280px" }).setLngLat(ev.lngLat).setDOMContent(body).addTo(this.map);
  }

  destroy(): void {
    this.map.remove();
  }
}
