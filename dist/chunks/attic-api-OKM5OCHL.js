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
} from "./chunk-D6XC7FMD.js";
import "./chunk-CK5QPQ2P.js";
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
