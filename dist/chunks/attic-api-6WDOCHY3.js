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
} from "./chunk-76ON23LB.js";
import "./chunk-OD3WMLVN.js";
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
