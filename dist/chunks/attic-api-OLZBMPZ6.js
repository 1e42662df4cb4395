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
} from "./chunk-TDCCGBFO.js";
import "./chunk-5GDXQZW7.js";
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
