// Asks for an API key when the server answers 401 (it runs with --auth), keeps it for the
// session (or on this computer) and reloads, so every view loads again with it.

import { clearToken, saveToken } from "../api/client";
import { h } from "./dom";
import { setHook } from "./testhook";

let shown = false;

export function showKeyPrompt(hadKey: boolean): void {
  if (shown) return;
  shown = true;
  if (hadKey) clearToken();
  const input = h("input", { type: "password", class: "ss-input", testid: "key-input", autocomplete: "off", spellcheck: "false", placeholder: "ssk_…", "aria-label": "API key" });
  const remember = h("input", { type: "checkbox", testid: "key-remember" });
  const form = h(
    "form",
    { class: "ss-panel ss-keyprompt", testid: "key-prompt", role: "dialog", "aria-modal": "true", "aria-labelledby": "ss-keyprompt-title" },
    h("h2", { id: "ss-keyprompt-title" }, "This server needs an API key"),
    h(
      "p",
      {},
      hadKey ? "The saved key was refused (unknown or revoked). " : "",
      "Ask whoever runs it, or create one with ",
      h("code", {}, "stepscope keys create --project P --scope read"),
      ".",
    ),
    input,
    h("label", { class: "ss-keyprompt-remember" }, remember, " Remember on this computer"),
    h("div", { class: "ss-keyprompt-actions" }, h("button", { type: "submit", class: "ss-btn ss-btn-primary", testid: "key-save" }, "Use this key")),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    saveToken(token, remember.checked);
    location.reload();
  });
  document.body.appendChild(h("div", { class: "ss-overlay ss-keyprompt-overlay" }, form));
  input.focus();
  setHook({ ready: true, renderDoneAt: performance.now() });
}
