// Commander (应急指挥): incidents; for the one selected its plan, impact zones (on the map), instructions,
// responding units, command log and evacuation progress.
import { api } from "../api";
import { live } from "../live";
import { ParkMap } from "../map";
import { ask, badge, clear, fmtTime, h, timeOf, toast } from "../ui";

const INSTRUCTION: Record<string, string> = { issued: "已下达", received: "已接收", executing: "执行中", done: "已完成" };
const STATUS: Record<string, string> = {
  reported: "已接报",
  active: "响应中",
  standing_down: "终止中",
  closed: "已终止",
  archived: "已归档",
};

export function commandView(root: HTMLElement, incidentId: string | null): () => void {
  const listBox = h("ul", { class: "incidents", "data-testid": "incidents" });
  const detail = h("div", { class: "incident", "data-testid": "incident" });
  const mapBox = h("div", { class: "map", "data-testid": "map" });
  clear(
    root,
    h(
      "div",
      { class: "grid-command" },
      h("section", { class: "card" }, h("h2", {}, "应急事件"), listBox),
      h("section", { class: "card map-card" }, h("h2", {}, "影响范围"), mapBox),
      h("section", { class: "card wide" }, detail),
    ),
  );
  const map = new ParkMap(mapBox);
  void map.load().then(() => (incidentId ? map.showIncident(incidentId).catch(() => undefined) : undefined));

  async function loadList(): Promise<void> {
    const items = (await api("/incidents")).items as any[];
    clear(
      listBox,
      items.length
        ? items.map((i) =>
            h(
              "li",
              { class: i.id === incidentId ? "selected" : "", "data-incident-id": i.id },
              h("a", { href: `#/command/${i.id}` }, i.title),
              " ",
              badge(`${i.level}级`, "level"),
              " ",
              h("span", { class: "muted" }, `${STATUS[i.status] ?? i.status} · ${fmtTime(timeOf(i, "created"))}`),
            ),
          )
        : h("li", { class: "muted" }, "暂无应急事件"),
    );
  }

  async function loadDetail(): Promise<void> {
    if (!incidentId) {
      clear(detail, h("p", { class: "muted" }, "选择一个应急事件查看预案、影响范围、指令与疏散"));
      return;
    }
    const id = encodeURIComponent(incidentId);
    const [data, evac, log] = await Promise.all([
      api(`/incidents/${id}`),
      api(`/incidents/${id}/evacuation`).catch(() => null),
      api(`/incidents/${id}/log`).catch(() => ({ items: [] })),
    ]);
    const inc = data.incident;
    const zones = inc.impact?.zones ?? [];
    const pct = evac && evac.notified ? Math.round((100 * evac.acknowledged) / evac.notified) : 0;
    clear(
      detail,
      h("h2", {}, `${inc.title} `, badge(`${inc.level}级响应`, "level"), " ", badge(STATUS[inc.status] ?? inc.status, "status")),
      h("p", { class: "muted" }, `${inc.place?.text ?? ""} · ${inc.chemical ?? ""} · 接报 ${fmtTime(timeOf(inc, "created"))}`),
      inc.status === "reported"
        ? h("button", { onclick: () => void act(`/incidents/${id}/activate`, undefined, "已一键启动应急响应") }, "一键启动应急响应")
        : null,
      h(
        "div",
        { class: "cols" },
        h(
          "section",
          {},
          h("h3", {}, "预案"),
          inc.plan
            ? h("div", {}, h("p", {}, inc.plan.name), h("ol", {}, ...(inc.plan.tasks ?? []).map((t: any) => h("li", {}, `${t.title}（${t.responsible}，${t.due_minutes} 分钟）`))))
            : h("p", { class: "muted" }, "尚未匹配预案"),
          h("h3", {}, "影响范围"),
          zones.length
            ? h(
                "table",
                { "data-testid": "zones" },
                h("tr", {}, h("th", {}, "区域"), h("th", {}, "阈值"), h("th", {}, "下风向距离")),
                ...zones.map((z: any) => h("tr", {}, h("td", {}, z.level), h("td", {}, `${z.threshold_ppm} ppm`), h("td", {}, `${Math.round(z.downwind_m)} m`))),
              )
            : h("p", { class: "muted" }, "尚未估算"),
          inc.impact ? h("p", { class: "muted" }, `初始隔离半径 ${Math.round(inc.impact.isolation_radius_m)} m · 气象：${inc.impact.weather?.source ?? ""}`) : null,
        ),
        h(
          "section",
          {},
          h("h3", {}, "联动单位"),
          h(
            "ul",
            {},
            ...(inc.units ?? []).map((u: any) =>
              h(
                "li",
                {},
                `${u.name}（${u.role}）：${u.status === "arrived" || u.status === "acked" ? "已就位" : "已通知"}`,
                u.status === "notified" ? h("button", { class: "small secondary", onclick: () => void act(`/incidents/${id}/units/ack`, { unit: u.name }, "已确认就位") }, "确认就位") : null,
              ),
            ),
          ),
          h("h3", {}, "疏散进度"),
          evac
            ? h(
                "div",
                { "data-testid": "evacuation" },
                h("progress", { max: 100, value: pct }),
                ` 已通知 ${evac.notified} 人，已确认撤离 ${evac.acknowledged} 人（${pct}%）`,
              )
            : h("p", { class: "muted" }, "无疏散"),
        ),
        h(
          "section",
          {},
          h("h3", {}, "指令"),
          h("button", { class: "small", onclick: () => void instruct() }, "下达指令"),
          h(
            "ul",
            {},
            ...(data.instructions ?? []).map((i: any) =>
              h("li", {}, `${i.content} → ${(i.recipients ?? []).map((r: any) => r.name).join("、")}：${INSTRUCTION[i.status] ?? i.status}`),
            ),
          ),
        ),
      ),
      h("h3", {}, "指挥记录"),
      h("ol", { class: "timeline", "data-testid": "timeline" }, ...(log.items ?? []).map((e: any) => h("li", {}, h("time", {}, fmtTime(timeOf(e, "ts") ?? e.ts)), ` ${e.text}`))),
    );
  }

  async function act(path: string, body: unknown, done: string): Promise<void> {
    try {
      await api(path, "POST", body ?? {});
      toast(done);
      await refresh();
    } catch (e) {
      toast((e as Error).message, true);
    }
  }

  async function instruct(): Promise<void> {
    const v = await ask("下达指挥指令", [
      { name: "name", label: "接收单位/人员" },
      { name: "phone", label: "手机号" },
      { name: "content", label: "指令内容", type: "textarea" },
    ]);
    if (!v) return;
    await act(`/incidents/${encodeURIComponent(incidentId!)}/instructions`, { recipients: [{ name: v.name, role: v.name, phone: v.phone }], content: v.content }, "指令已下达");
  }

  async function refresh(): Promise<void> {
    await Promise.all([loadList(), loadDetail()]);
    if (incidentId) await map.showIncident(incidentId).catch(() => undefined);
  }

  const offs = [live.on("incident", () => void refresh()), live.refresh(refresh)];
  // Units, instructions and evacuation move without an incident message each: a slow refresh besides the channel.
  const slow = window.setInterval(() => void refresh().catch(() => undefined), 15_000);
  void refresh().catch((e) => toast(e.message, true));
  (window as any).chempark = { ...(window as any).chempark, map };
  return () => {
    offs.forEach((off) => off());
    window.clearInterval(slow);
    map.destroy();
  };
}
