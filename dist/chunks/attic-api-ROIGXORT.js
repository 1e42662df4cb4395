import {
  AtticApiError,
  MISSING_PATHS_BATCH,
  NAR_INFO_PREAMBLE_THRESHOLD,
  cacheConfig,
  explain,
  getMissingPaths,
  needsPreamble,
  uploadInfo,
  uploadPath
} from "./chunk-2B4ACATO.js";
import "./chunk-YARB4JS2.js";
import "./chunk-GXO3SPPF.js";
import "./chunk-HZFF3K6I.js";
import "./chunk-PVTLSGZJ.js";
export {
  AtticApiError,
  MISSING_PATHS_BATCH,
  NAR_INFO_PREAMBLE_THRESHOLD,
  cacheConfig,
  explain,
  getMissingPaths,
  needsPreamble,
  uploadInfo,
  uploadPath
};
