// An alarm's linkage context (GET /alarms/{id}/context): cameras nearby, readings around, the hazard's
// chemicals and grade, the plans that apply and the nearest emergency resources.
import { api } from "../api";
import { clear, fmtTime, h, PRIORITY, timeOf } from "../ui";

function list(title: string, items: any[], line: (x: any) => string): HTMLElement {
  return h(
    "section",
    {},
    h("h4", {}, `${title}（${items.length}）`),
    items.length ? h("ul", {}, ...items.slice(0, 8).map((x) => h("li", {}, line(x)))) : h("p", { class: "muted" }, "无"),
  );
}

export async function showLinkage(panel: HTMLElement, alarmId: string): Promise<void> {
  panel.hidden = false;
  clear(panel, h("p", { class: "muted" }, "正在加载联动信息…"));
  let ctx: any;
  try {
    ctx = await api(`/alarms/${encodeURIComponent(alarmId)}/context`);
  } catch (e) {
    clear(panel, h("p", { class: "error" }, (e as Error).message));
    return;
  }
  const a = ctx.alarm ?? {};
  const dist = (x: any) => (x.distance_m !== undefined ? `，${Math.round(x.distance_m)} m` : "");
  const cameras = ctx.cameras ?? [];
  const readings = ctx.environment ?? [];
  const own = ctx.sensor;
  const plans = ctx.plans ?? [];
  const resources = ctx.resources ?? ctx.nearest_resources ?? [];
  const hazard = ctx.installation ?? ctx.hazard ?? null;
  clear(
    panel,
    h(
      "div",
      { class: "panel-head" },
      h("h3", {}, `联动信息：${a.tag_name ?? a.title ?? a.tag_id ?? alarmId}`),
      h("button", { class: "secondary small", onclick: () => (panel.hidden = true) }, "关闭"),
    ),
    h(
      "p",
      { "data-testid": "linkage-alarm" },
      `${a.condition_label ?? a.kind ?? ""} · 优先级 ${PRIORITY[a.priority] ?? a.priority ?? "—"} · ${fmtTime(timeOf(a, "raised"))}`,
    ),
    own ? h("p", {}, `本测点：${own.name ?? own.id ?? ""} 当前值 ${own.current?.value ?? "—"} ${own.unit ?? ""}`) : null,
    hazard
      ? h(
          "p",
          {},
          `危险源：${hazard.name ?? ""}${hazard.grade ? `（${hazard.grade}级）` : ""} ${(hazard.chemicals ?? hazard.inventory ?? [])
            .map((c: any) => (typeof c === "string" ? c : c.chemical))
            .join("、")}`,
        )
      : null,
    list("附近摄像机", cameras, (c) => `${c.name ?? c.id}${c.ptz ? "（球机）" : ""}${dist(c)}`),
    list("周边环境监测", readings, (r) => `${r.name ?? r.id}：${r.current?.value ?? r.value ?? "—"} ${r.unit ?? ""}${dist(r)}`),
    list("适用预案", plans, (p) => p.name ?? p.plan_id),
    list("最近应急资源", resources, (r) => `${r.name ?? r.id}${dist(r)}`),
  );
}
