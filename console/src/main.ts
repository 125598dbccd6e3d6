// The console shell: configuration, sign-in, the live channel's banner, and a hash router over three views.
import "./style.css";
import { logout, me, oidcCallback } from "./auth";
import { loadConfig } from "./config";
import { live } from "./live";
import { clear, h, toast } from "./ui";
import { adminView } from "./views/admin";
import { commandView } from "./views/command";
import { dutyView } from "./views/duty";
import { loginView, ROLE_LABEL } from "./views/login";

const app = document.getElementById("app")!;
const banner = h("div", { id: "live-banner", role: "status", hidden: true });
const status = h("span", { id: "live-status", class: "live-status" });
const nav = h("nav", {});
const who = h("span", { class: "who" });
const main = h("main", {});
let teardown: (() => void) | null = null;

const VIEWS: [string, string][] = [
  ["duty", "值守"],
  ["command", "应急指挥"],
  ["admin", "园区管理"],
];

function home(roles: string[]): string {
  if (roles.includes("duty_officer")) return "#/duty";
  if (roles.includes("commander")) return "#/command";
  return "#/admin";
}

function route(): void {
  teardown?.();
  teardown = null;
  const user = me();
  const [, view, arg] = location.hash.split("/");
  if (!user || view === "login") {
    nav.hidden = true;
    who.textContent = "";
    loginView(main, () => {
      location.hash = home(me()?.roles ?? []);
      void live.start();
    });
    return;
  }
  nav.hidden = false;
  clear(
    nav,
    ...VIEWS.map(([id, label]) => h("a", { href: `#/${id}`, class: view === id ? "active" : "" }, label)),
  );
  clear(
    who,
    `${user.name}（${user.roles.map((r) => ROLE_LABEL[r] ?? r).join("、")}）`,
    h("button", { class: "small secondary", onclick: () => (live.stop(), logout()) }, "退出"),
  );
  if (view === "duty") teardown = dutyView(main);
  else if (view === "command") teardown = commandView(main, arg ? decodeURIComponent(arg) : null);
  else if (view === "admin") teardown = adminView(main);
  else location.hash = home(user.roles);
}

live.onStatus((s) => {
  document.body.dataset.live = s;
  status.textContent = s === "live" ? "● 实时" : s === "polling" ? "○ 轮询" : "… 连接中";
  banner.hidden = s !== "polling";
  banner.textContent = "实时通道已断开，正在轮询";
});

async function boot(): Promise<void> {
  await loadConfig();
  clear(
    app,
    h("header", {}, h("h1", {}, "化工园区安全一体化 · 运营控制台"), nav, status, who),
    banner,
    main,
  );
  try {
    await oidcCallback();
  } catch (e) {
    toast((e as Error).message, true);
  }
  window.addEventListener("hashchange", route);
  route();
  if (me()) void live.start();
  (window as any).chempark = { ...(window as any).chempark, live };
}

void boot();
