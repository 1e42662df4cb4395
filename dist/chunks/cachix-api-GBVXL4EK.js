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
} from "./chunk-POEJJ6U5.js";
import "./chunk-YARB4JS2.js";
import "./chunk-GXO3SPPF.js";
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
