import {
  parseSettings,
  withEnvFallbacks,
  words
} from "./chunk-XK4LID6B.js";
import {
  getInput,
  setSecret
} from "./chunk-Z7IFXG4U.js";
import {
  Inputs,
  SecretInputs
} from "./chunk-JISXD36P.js";

// src/inputs.ts
function readRawInputs() {
  const raw = {};
  for (const name of Object.values(Inputs)) raw[name] = getInput(name);
  return raw;
}
function secretForms(value) {
  const v = value.trim();
  if (v === "") return [];
  const forms = /* @__PURE__ */ new Set([value, v, ...v.split("\n").map((l) => l.trim()).filter((l) => l.length >= 4)]);
  const body = v.includes(":") ? v.slice(v.indexOf(":") + 1) : v;
  forms.add(body);
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    const bytes = Buffer.from(body, "base64");
    forms.add(bytes.toString("base64url"));
    forms.add(bytes.toString("hex"));
  }
  forms.add(Buffer.from(`:${v}`).toString("base64"));
  return [...forms].filter((f) => f.length >= 4);
}
function urlSecretForms(text) {
  const forms = [];
  for (const word of words(text)) {
    let url;
    try {
      url = new URL(word);
    } catch {
      continue;
    }
    if (!url.password) continue;
    const password = decodeURIComponent(url.password);
    forms.push(url.password, password, Buffer.from(`${decodeURIComponent(url.username)}:${password}`).toString("base64"));
  }
  return forms.filter((f) => f.length >= 4);
}
function maskSecrets(raw) {
  for (const name of SecretInputs) for (const form of secretForms(raw[name] ?? "")) setSecret(form);
  for (const name of [Inputs.Substituters, Inputs.PushTo]) for (const form of urlSecretForms(raw[name] ?? "")) setSecret(form);
}
function loadSettings(env = process.env) {
  const raw = withEnvFallbacks(readRawInputs(), env);
  maskSecrets(raw);
  return parseSettings(raw);
}

export {
  readRawInputs,
  secretForms,
  urlSecretForms,
  maskSecrets,
  loadSettings
};
