import {
  CACHIX_COMPRESSION_LEVEL,
  CACHIX_MISSING_BATCH,
  CACHIX_PART_CONCURRENCY,
  cacheInfo,
  cachixError,
  createPin,
  missingHashes,
  narInfoCreate,
  uploadNar
} from "./chunk-WCWTGHBP.js";
import "./chunk-ZMIZAE2C.js";
import "./chunk-O5QEBDPB.js";
import "./chunk-PVTLSGZJ.js";
export {
  CACHIX_COMPRESSION_LEVEL,
  CACHIX_MISSING_BATCH,
  CACHIX_PART_CONCURRENCY,
  cacheInfo,
  cachixError,
  createPin,
  missingHashes,
  narInfoCreate,
  uploadNar
};
