// Sign-in: the local issuer's demo users in the embedded stack, the identity provider's page in AWS.
import { localLogin, localUsers, oidcLogin } from "../auth";
import { config } from "../config";
import { clear, h } from "../ui";

export const ROLE_LABEL: Record<string, string> = {
  park_admin: "园区安全管理员",
  duty_officer: "值守人员",
  commander: "应急指挥",
  enterprise_manager: "企业安全负责人",
  inspector: "巡检人员",
  analyst: "数据分析师",
  auditor: "审计员",
  ops_engineer: "运营工程师",
  integration: "外部平台",
  unit_supervisor: "基层单位负责人",
  enterprise_leader: "企业主管领导",
};

export function loginView(root: HTMLElement, done: () => void): void {
  const error = h("p", { class: "error", role: "alert" });
  const card = h("section", { class: "card login" }, h("h2", {}, "登录"), error);
  clear(root, card);
  if (config().auth.mode === "oidc") {
    card.append(h("button", { onclick: () => void oidcLogin().catch((e) => (error.textContent = e.message)) }, "统一身份认证登录"));
    return;
  }
  const select = h("select", { name: "username", "data-testid": "user" });
  const form = h(
    "form",
    {},
    h("label", {}, "用户（本地认证）", select),
    h("button", { type: "submit" }, "登录"),
    h("p", { class: "muted" }, "本机嵌入式环境：用户由本地令牌签发服务提供；云上部署使用统一身份认证。"),
  );
  card.append(form);
  void localUsers()
    .then((users) => {
      for (const u of users) {
        const role = u.roles.map((r) => ROLE_LABEL[r] ?? r).join("、");
        select.append(h("option", { value: u.username }, `${u.name}（${role}${u.enterprise_id ? ` · ${u.enterprise_id}` : ""}）`));
      }
    })
    .catch((e) => (error.textContent = e.message));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    error.textContent = "";
    localLogin(select.value)
      .then(done)
      .catch((e) => (error.textContent = e.message));
  });
}
