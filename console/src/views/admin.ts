// Park admin (园区管理): registry (enterprises, major hazard installations), risk overview and KPIs.
import { all, api } from "../api";
import { live } from "../live";
import { badge, clear, h, RISK, toast } from "../ui";

function isoDaysAgo(days: number): string {
  return new Date(Date.now() - days * 86400_000).toISOString();
}

export function adminView(root: HTMLElement): () => void {
  const riskBox = h("div", { "data-testid": "risk" });
  const kpiBox = h("div", { class: "kpis", "data-testid": "kpis" });
  const regBox = h("div", { "data-testid": "registry" });
  clear(
    root,
    h(
      "div",
      { class: "grid-admin" },
      h("section", { class: "card" }, h("h2", {}, "园区风险总览"), riskBox),
      h("section", { class: "card" }, h("h2", {}, "绩效指标（近 7 天）"), kpiBox),
      h("section", { class: "card wide" }, h("h2", {}, "重大危险源台账"), regBox),
    ),
  );

  async function loadRisk(): Promise<void> {
    const park = await api("/risk/park");
    clear(
      riskBox,
      h("p", {}, "园区：", badge(park.label ?? RISK[park.level], park.level)),
      h(
        "table",
        {},
        h("tr", {}, h("th", {}, "企业"), h("th", {}, "风险"), h("th", {}, "评分"), h("th", {}, "依据")),
        ...(park.enterprises ?? []).map((e: any) =>
          h("tr", {}, h("td", {}, e.name), h("td", {}, badge(e.label ?? RISK[e.level], e.level)), h("td", {}, e.score ?? "—"), h("td", {}, (e.reasons ?? []).join("；"))),
        ),
      ),
    );
  }

  async function loadKpis(): Promise<void> {
    const q = `from=${encodeURIComponent(isoDaysAgo(7))}&to=${encodeURIComponent(new Date().toISOString())}`;
    const [alarms, warnings] = await Promise.all([api(`/alarms/kpis?${q}`).catch(() => null), api(`/warnings/kpis?${q}`).catch(() => null)]);
    const tile = (label: string, value: unknown) => h("div", { class: "kpi" }, h("span", {}, label), h("strong", {}, value === null || value === undefined ? "—" : String(value)));
    clear(
      kpiBox,
      alarms ? tile("报警总数", alarms.total) : null,
      alarms ? tile("平均每小时报警", alarms.per_hour) : null,
      alarms ? tile("10 分钟峰值", alarms.peak_10_min) : null,
      alarms ? tile("报警泛滥时段占比 %", alarms.flood_percent) : null,
      alarms ? tile("当前搁置", alarms.shelved?.now) : null,
      warnings ? tile("预警数", warnings.warnings) : null,
      warnings ? tile("核实及时率 %", warnings.verified_within_limit_percent) : null,
      warnings ? tile("核实准确率 %", warnings.accuracy_percent) : null,
      warnings ? tile("报警到发布用时 s", warnings.alarm_to_publication_s) : null,
    );
  }

  async function loadRegistry(): Promise<void> {
    const [enterprises, installations] = await Promise.all([all("/enterprises?limit=100"), all("/installations?limit=100")]);
    const names = new Map(enterprises.map((e: any) => [e.id, e.name]));
    clear(
      regBox,
      h(
        "table",
        {},
        h("tr", {}, ...["单元", "企业", "类型", "R 值", "等级", "暴露人数", "状态"].map((t) => h("th", {}, t))),
        ...installations.map((i: any) =>
          h(
            "tr",
            { "data-installation-id": i.id },
            h("td", {}, i.name),
            h("td", {}, names.get(i.enterprise_id) ?? i.enterprise_id),
            h("td", {}, i.unit_type),
            h("td", {}, i.r_value),
            h("td", {}, i.grade ? `${i.grade}级` : "非重大"),
            h("td", {}, i.exposed_people),
            h("td", {}, i.status),
          ),
        ),
      ),
    );
  }

  const refresh = () => Promise.all([loadRisk(), loadKpis()]);
  const offs = [live.on("risk", () => void loadRisk()), live.refresh(refresh)];
  void Promise.all([refresh(), loadRegistry()]).catch((e) => toast(e.message, true));
  return () => offs.forEach((off) => off());
}
