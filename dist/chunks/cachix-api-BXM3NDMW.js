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
} from "./chunk-EMWSPLR5.js";
import "./chunk-OD3WMLVN.js";
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
