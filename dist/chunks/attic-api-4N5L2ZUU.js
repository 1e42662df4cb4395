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
} from "./chunk-5B2MVUCP.js";
import "./chunk-ZMIZAE2C.js";
import "./chunk-O5QEBDPB.js";
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
