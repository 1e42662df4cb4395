import {
  loadMainState,
  saveMainState
} from "./chunk-RU5MLUS3.js";
import "./chunk-Z7IFXG4U.js";
import "./chunk-JISXD36P.js";
import "./chunk-PVTLSGZJ.js";
export {
  loadMainState,
  saveMainState
};
