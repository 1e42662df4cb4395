// src/runner.ts
import { appendFileSync } from "node:fs";
import { EOL } from "node:os";
function escapeData(text) {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function command(name, message) {
  process.stdout.write(`::${name}::${escapeData(message)}${EOL}`);
}
function getInput(name) {
  return (process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}
function setSecret(secret) {
  command("add-mask", secret);
}
function info(message) {
  process.stdout.write(`${message}${EOL}`);
}
function debug(message) {
  command("debug", message);
}
function warning(message) {
  command("warning", message);
}
function error(message) {
  command("error", message);
}
function setFailed(message) {
  process.exitCode = 1;
  error(message);
}
function fileCommand(envVar, name, value) {
  const file = process.env[envVar];
  if (!file) throw new Error(`${envVar} is not set: this step is not running under a GitHub Actions runner`);
  const delimiter = `ghadelimiter_${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`${name}: the value contains the file-command delimiter`);
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, "utf8");
}
function exportVariable(name, value) {
  process.env[name] = value;
  fileCommand("GITHUB_ENV", name, value);
}
function setOutput(name, value) {
  fileCommand("GITHUB_OUTPUT", name, value);
}
function saveState(name, value) {
  fileCommand("GITHUB_STATE", name, value);
}
function getState(name) {
  return process.env[`STATE_${name}`] ?? "";
}
function appendSummary(markdown) {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown, "utf8");
}

export {
  getInput,
  setSecret,
  info,
  debug,
  warning,
  setFailed,
  exportVariable,
  setOutput,
  saveState,
  getState,
  appendSummary
};
