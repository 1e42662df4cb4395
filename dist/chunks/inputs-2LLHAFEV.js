import {
  loadSettings,
  maskSecrets,
  readRawInputs,
  secretForms,
  urlSecretForms
} from "./chunk-HKUUXVLD.js";
import "./chunk-XK4LID6B.js";
import "./chunk-Z7IFXG4U.js";
import "./chunk-JISXD36P.js";
import "./chunk-HZFF3K6I.js";
import "./chunk-PVTLSGZJ.js";
export {
  loadSettings,
  maskSecrets,
  readRawInputs,
  secretForms,
  urlSecretForms
};
