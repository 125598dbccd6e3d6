// Duty officer (值守): live alarm list with ack / shelve / comment, warnings awaiting verification with their
// countdown, the shift and its handovers, and the map. Live messages update in place; polling replaces them
// while the channel is down.
import { all, api } from "../api";
import { live, type LiveMessage } from "../live";
import { ParkMap } from "../map";
import { ALARM_STATE, ask, badge, clear, fmtDuration, fmtTime, h, PRIORITY, timeOf, toast } from "../ui";
import { showLinkage } from "./linkage";

// Alarm states (chalicelib/alarms/domain/lifecycle.py State): everything but normal is still open.
const isOpen = (a: any): boolean => a.state !== "normal" && !a.closed;

export function dutyView(root: HTMLElement): () => void {
  const alarms = new Map<string, any>();
  const shownAt = new Map<string, number>(); // when each alarm first appeared on this page (latency check)
  const alarmBody = h("tbody", {});
  const warningList = h("ul", { class: "warnings", "data-testid": "warnings" });
  const dutyBox = h("div", { class: "duty" });
  const linkage = h("aside", { class: "linkage", hidden: true, "data-testid": "linkage" });
  const mapBox = h("div", { class: "map", "data-testid": "map" });
  let warnings: any[] = [];

  clear(
    root,
    h(
      "div",
      { class: "grid-duty" },
      h(
        "section",
        { class: "card alarms" },
        h("h2", {}, "实时报警"),
        h(
          "table",
          { "data-testid": "alarm-table" },
          h("thead", {}, h("tr", {}, ...["优先级", "时间", "报警", "位置", "数值", "状态", "操作"].map((t) => h("th", {}, t)))),
          alarmBody,
        ),
      ),
      h("section", { class: "card map-card" }, h("h2", {}, "一张图"), mapBox, linkage),
      h("section", { class: "card" }, h("h2", {}, "待核实预警"), warningList),
      h("section", { class: "card" }, h("h2", {}, "值班与交接班"), dutyBox),
    ),
  );

  const map = new ParkMap(mapBox, { onAlarm: (id) => void showLinkage(linkage, id) });
  void map.load();

  function alarmTitle(a: any): string {
    return a.title || `${a.tag_name ?? a.tag_id ?? ""} ${a.condition_label ?? a.condition ?? ""}`.trim();
  }

  function renderAlarms(): void {
    const rows = [...alarms.values()]
      .filter(isOpen)
      .sort((x, y) => (timeOf(y, "raised") ?? 0) - (timeOf(x, "raised") ?? 0));
    clear(
      alarmBody,
      rows.length
        ? rows.map((a) => {
            if (!shownAt.has(a.id)) shownAt.set(a.id, Date.now());
            const act = (label: string, fn: () => Promise<void>, cls = "small") =>
              h("button", { class: cls, onclick: () => void fn().catch((e) => toast(e.message, true)) }, label);
            return h(
              "tr",
              {
                "data-alarm-id": a.id,
                "data-state": a.state,
                "data-shown-at": shownAt.get(a.id),
                class: `prio-${a.priority}`,
              },
              h("td", {}, badge(PRIORITY[a.priority] ?? a.priority, a.priority)),
              h("td", {}, fmtTime(timeOf(a, "raised"))),
              h("td", {}, alarmTitle(a)),
              h("td", {}, a.installation_name ?? a.enterprise_name ?? "—"),
              h("td", {}, a.value !== null && a.value !== undefined ? `${a.value} ${a.unit ?? ""}` : "—"),
              h("td", { class: "state" }, ALARM_STATE[a.state] ?? a.state),
              h(
                "td",
                { class: "actions" },
                !a.acked ? act("确认", () => ack(a)) : null,
                a.state !== "shelved" ? act("搁置", () => shelve(a), "small secondary") : null,
                act("备注", () => comment(a), "small secondary"),
                act("联动", async () => showLinkage(linkage, a.id), "small secondary"),
              ),
            );
          })
        : h("tr", {}, h("td", { colspan: 7, class: "muted" }, "当前无未关闭报警")),
    );
  }

  function upsert(a: any): void {
    if (!a?.id) return;
    alarms.set(a.id, { ...alarms.get(a.id), ...a });
  }

  async function ack(a: any): Promise<void> {
    const v = await ask("确认报警", [{ name: "comment", label: "处置说明", type: "textarea", value: "已确认，通知企业处置" }]);
    if (!v) return;
    const r = await api(`/alarms/${a.id}/ack`, "POST", { comment: v.comment || null });
    upsert(r.alarm ?? r);
    renderAlarms();
    toast("报警已确认");
  }

  async function shelve(a: any): Promise<void> {
    const v = await ask("搁置报警", [
      { name: "minutes", label: "搁置时长（分钟）", type: "number", value: "30" },
      { name: "reason", label: "原因", type: "textarea" },
    ]);
    if (!v) return;
    const r = await api(`/alarms/${a.id}/shelve`, "POST", { duration_s: Number(v.minutes) * 60, reason: v.reason });
    upsert(r.alarm ?? r);
    renderAlarms();
    toast("报警已搁置");
  }

  async function comment(a: any): Promise<void> {
    const v = await ask("处置备注", [{ name: "comment", label: "备注", type: "textarea" }]);
    if (!v) return;
    await api(`/alarms/${a.id}/comments`, "POST", { comment: v.comment });
    toast("备注已添加");
  }

  async function loadAlarms(): Promise<void> {
    const items = await all("/alarms?open=true&limit=100", 300);
    const seen = new Set(items.map((a) => a.id));
    for (const id of [...alarms.keys()]) if (!seen.has(id)) alarms.delete(id);
    items.forEach(upsert);
    renderAlarms();
  }

  function renderWarnings(): void {
    const now = Date.now();
    const open = warnings.filter((w) => w.awaiting === "verification");
    clear(
      warningList,
      open.length
        ? open.map((w) => {
            const since = timeOf(w, "assigned") ?? timeOf(w, "created") ?? now;
            const left = (since + (w.verify_limit_s ?? 600) * 1000 - now) / 1000;
            return h(
              "li",
              { "data-warning-id": w.id, class: left < 0 ? "overdue" : "" },
              h("div", {}, badge(PRIORITY[w.priority] ?? w.priority, w.priority), " ", w.title),
              h("div", { class: "muted" }, `${w.enterprise_name ?? ""} ${w.installation_name ?? ""}`),
              h(
                "div",
                { class: "countdown", "data-testid": "countdown" },
                left >= 0 ? `核实剩余 ${fmtDuration(left)}` : `已超时 ${fmtDuration(-left)}（已升级）`,
              ),
              h("button", { class: "small", onclick: () => void verify(w).catch((e) => toast(e.message, true)) }, "核实"),
            );
          })
        : h("li", { class: "muted" }, "无待核实预警"),
    );
  }

  async function verify(w: any): Promise<void> {
    const v = await ask(`核实预警：${w.title}`, [
      { name: "outcome", label: "结论", options: [["confirmed", "确认"], ["false_alarm", "误报"]] },
      { name: "level", label: "预警级别", options: [["orange", "橙色"], ["red", "红色"], ["yellow", "黄色"], ["blue", "蓝色"]] },
      { name: "text", label: "影响研判 / 误报原因", type: "textarea" },
    ]);
    if (!v) return;
    const body =
      v.outcome === "confirmed"
        ? { outcome: "confirmed", level: v.level, method: ["video", "trend"], impact: v.text }
        : { outcome: "false_alarm", method: ["video"], reason: v.text };
    await api(`/warnings/${w.id}/verification`, "POST", body);
    toast("核实结果已提交");
    await loadWarnings();
  }

  async function loadWarnings(): Promise<void> {
    warnings = await all("/warnings?limit=100", 200);
    renderWarnings();
  }

  async function loadDuty(): Promise<void> {
    const [cur, handovers] = await Promise.all([
      api("/duty/current").catch(() => null),
      api("/duty/handovers").catch(() => ({ items: [] })),
    ]);
    clear(
      dutyBox,
      cur
        ? h(
            "p",
            {},
            `${cur.shift_name ?? cur.shift_id}（${cur.start}–${cur.end}）值守：${(cur.officers ?? []).map((o: any) => o.name).join("、") || "—"}；值班长：${cur.supervisor?.name ?? "—"}`,
          )
        : h("p", { class: "muted" }, "未排班"),
      h("button", { class: "small", onclick: () => void handover().catch((e) => toast(e.message, true)) }, "交班"),
      h(
        "ul",
        { class: "handovers" },
        ...(handovers.items ?? []).slice(0, 5).map((ho: any) =>
          h(
            "li",
            {},
            `${fmtTime(timeOf(ho, "created"))} ${ho.from_shift} → ${ho.to_shift}：${ho.notes}（未闭环预警 ${(ho.open_warnings ?? []).length}，未确认报警 ${(ho.open_alarms ?? []).length}）`,
            ho.status !== "acked" && !ho.acked_by
              ? h(
                  "button",
                  {
                    class: "small secondary",
                    onclick: () =>
                      void api(`/duty/handovers/${ho.id}/ack`, "POST", { notes: "已接班" })
                        .then(loadDuty)
                        .catch((e) => toast(e.message, true)),
                  },
                  "接班确认",
                )
              : h("span", { class: "muted" }, ` 已接班（${ho.acked_by}）`),
          ),
        ),
      ),
    );
  }

  async function handover(): Promise<void> {
    const v = await ask("交班", [{ name: "notes", label: "交接事项", type: "textarea" }]);
    if (!v) return;
    await api("/duty/handovers", "POST", { notes: v.notes });
    toast("交班记录已提交");
    await loadDuty();
  }

  const layerReload = debounce((ids: string[]) => ids.forEach((id) => void map.reload(id)), 150);
  // An alarm opens or joins a warning: the warnings list follows alarm messages too (a warning message, when the
  // channel carries them, reloads it at once).
  const warningsReload = debounce(() => void loadWarnings().catch(() => undefined), 1000);
  const onAlarm = (m: LiveMessage) => {
    const a = m.data?.alarm ?? m.data;
    if (a && a.id) upsert(a);
    else void loadAlarms();
    renderAlarms();
    layerReload(["alarms", "sensors"]);
    warningsReload([]);
  };
  const offs = [
    live.on("alarm", onAlarm),
    live.on("risk", () => layerReload(["installations"])),
    live.on("warning", () => void loadWarnings()),
    live.refresh(() => Promise.all([loadAlarms(), loadWarnings(), map.reload("installations"), map.reload("alarms"), map.reload("sensors")])),
  ];
  const tick = window.setInterval(renderWarnings, 1000);
  const slow = window.setInterval(() => void loadWarnings().catch(() => undefined), 30_000); // safety net
  void loadAlarms().catch((e) => toast(e.message, true));
  void loadWarnings().catch((e) => toast(e.message, true));
  void loadDuty();
  (window as any).chempark = { ...(window as any).chempark, map, shownAt };
  return () => {
    offs.forEach((off) => off());
    window.clearInterval(tick);
    window.clearInterval(slow);
    map.destroy();
  };
}

function debounce<T>(fn: (items: T[]) => void, ms: number): (items: T[]) => void {
  let timer = 0;
  let pending = new Set<T>();
  return (items) => {
    items.forEach((i) => pending.add(i));
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      const batch = [...pending];
      pending = new Set();
      fn(batch);
    }, ms);
  };
}
