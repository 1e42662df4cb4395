import {
  ConfigError,
  DEFAULT_CACHIX_API,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_PUSH_TIMEOUT_SECONDS,
  parseSettings,
  withEnvFallbacks,
  words
} from "./chunk-XK4LID6B.js";
import "./chunk-JISXD36P.js";
import "./chunk-HZFF3K6I.js";
import "./chunk-PVTLSGZJ.js";
export {
  ConfigError,
  DEFAULT_CACHIX_API,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_PUSH_TIMEOUT_SECONDS,
  parseSettings,
  withEnvFallbacks,
  words
};
