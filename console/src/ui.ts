// Small DOM and formatting helpers: no framework, text always set through textContent (no HTML injection).

type Attrs = Record<string, string | number | boolean | ((ev: Event) => void) | undefined | null>;
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === "function") el.addEventListener(key.replace(/^on/, "").toLowerCase(), value);
    else if (key === "class") el.className = String(value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Epoch ms of a time field, whether the API gives `<name>_at` (ISO-8601) or the older `<name>_ms`. */
export function timeOf(obj: Record<string, unknown> | null | undefined, name: string): number | null {
  if (!obj) return null;
  const iso = obj[`${name}_at`];
  if (typeof iso === "string") return Date.parse(iso);
  const ms = obj[`${name}_ms`] ?? obj[name];
  if (typeof ms === "number") return ms;
  if (typeof ms === "string") return Date.parse(ms);
  return null;
}

const parkTime = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** Park local time (Asia/Shanghai), whatever the browser's zone. */
export function fmtTime(ms: number | null | undefined): string {
  return ms ? parkTime.format(new Date(ms)) : "—";
}

export function fmtDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}分${String(s % 60).padStart(2, "0")}秒` : `${s}秒`;
}

export const PRIORITY: Record<string, string> = { urgent: "紧急", high: "高", medium: "中", low: "低" };
export const ALARM_STATE: Record<string, string> = {
  unack: "未确认",
  ack: "已确认",
  rtn_unack: "已恢复未确认",
  latched: "闭锁",
  shelved: "已搁置",
  suppressed: "已抑制",
  out_of_service: "停用",
  normal: "正常",
  closed: "已关闭",
};
export const RISK: Record<string, string> = { red: "红色", orange: "橙色", yellow: "黄色", blue: "蓝色" };
export const RISK_HEX: Record<string, string> = {
  red: "#d7263d",
  orange: "#f28c18",
  yellow: "#f2d518",
  blue: "#1f6fd1",
};

export function badge(text: string, kind: string): HTMLSpanElement {
  return h("span", { class: `badge badge-${kind}` }, text);
}

let toastTimer = 0;
export function toast(text: string, error = false): void {
  let el = document.getElementById("toast");
  if (!el) {
    el = h("div", { id: "toast", role: "status" });
    document.body.append(el);
  }
  el.textContent = text;
  el.className = error ? "show error" : "show";
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => el?.classList.remove("show"), 4000);
}

/** A small modal form: resolves with the field values, or null when cancelled. */
export function ask(
  title: string,
  fields: { name: string; label: string; type?: string; value?: string; options?: [string, string][] }[],
): Promise<Record<string, string> | null> {
  return new Promise((resolve) => {
    const inputs = fields.map((f) => {
      const input = f.options
        ? h("select", { name: f.name }, ...f.options.map(([v, t]) => h("option", { value: v }, t)))
        : f.type === "textarea"
          ? h("textarea", { name: f.name, rows: 3 })
          : h("input", { name: f.name, type: f.type ?? "text" });
      if (f.value !== undefined) (input as HTMLInputElement).value = f.value;
      return h("label", {}, f.label, input);
    });
    const close = (value: Record<string, string> | null) => {
      overlay.remove();
      resolve(value);
    };
    const form = h(
      "form",
      { class: "dialog", "aria-label": title },
      h("h3", {}, title),
      ...inputs,
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: () => close(null) }, "取消"),
        h("button", { type: "submit" }, "提交"),
      ),
    );
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const data = new FormData(form);
      close(Object.fromEntries([...data.entries()].map(([k, v]) => [k, String(v)])));
    });
    const overlay = h("div", { class: "overlay" }, form);
    document.body.append(overlay);
    (form.querySelector("input,textarea,select") as HTMLElement | null)?.focus();
  });
}
